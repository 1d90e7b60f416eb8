/**
 * A run's exits as `perf kvm stat report` lays them out (classic layout: VM-EXIT, Samples,
 * Samples%, Time%, Min Time, Max Time, Avg time), from each reason's `perfKvmStat`: the exits
 * whose kvm_exit and kvm_entry tracepoints both fired, and their mean exit → entry time.
 * Samples% and Time% are shares of the paired exits, as perf computes them. The summary keeps no
 * per-exit minimum or maximum, so those columns are not given. Must not import anything but src-shared.
 */
import type { ExitStat } from './result.js';

export interface PerfKvmStatRow {
  reason: string;
  samples: number;
  samplesPct: number;
  timePct: number;
  /** Mean kvm_exit → kvm_entry time, µs. */
  avgUs: number;
}

export interface PerfKvmStatTable {
  rows: PerfKvmStatRow[];
  totalSamples: number;
  /** "Total events handled time", µs. */
  totalUs: number;
}

/** The table, most samples first (perf's default sort), or null when no exit has the figures. */
export function perfKvmStatTable(exits: Readonly<Record<string, ExitStat>>): PerfKvmStatTable | null {
  const paired = Object.entries(exits).flatMap(([reason, e]) => (e.perfKvmStat && e.perfKvmStat.samples > 0 ? [{ reason, ...e.perfKvmStat }] : []));
  if (paired.length === 0) return null;
  const totalSamples = paired.reduce((a, p) => a + p.samples, 0);
  const totalUs = paired.reduce((a, p) => a + p.samples * p.meanUs, 0);
  const rows = paired
    .map((p) => ({
      reason: p.reason,
      samples: p.samples,
      samplesPct: (100 * p.samples) / totalSamples,
      timePct: totalUs > 0 ? (100 * p.samples * p.meanUs) / totalUs : 0,
      avgUs: p.meanUs,
    }))
    .sort((a, b) => b.samples - a.samples || a.reason.localeCompare(b.reason));
  return { rows, totalSamples, totalUs };
}
