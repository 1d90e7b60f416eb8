/**
 * A run's exits per reason as its summary records them (every exit: its count and its host
 * cycles from VM exit to the next VM entry, summed), with what follows from those two sums: the
 * mean per exit, the reason's share of the exits (perf kvm stat's Samples%) and of the exit time
 * (its Time%). A run keeps no time of a single exit, so the minimum, maximum and spread (perf's
 * Min, Max and ±%) are not given. The app, the CLI and the HTML report write the table from here.
 * Must not import anything but src-shared.
 */
import type { ExitStat } from './result.js';

export interface ExitReasonRow {
  reason: string;
  count: number;
  /** Share of all exits, %. */
  countPct: number;
  /** Host cycles, exit → entry, summed over the reason's exits. */
  hostCycles: number;
  /** Share of the host cycles of all exits, %. */
  timePct: number;
  /** Mean host cycles per exit (null without exits). */
  cyclesPerExit: number | null;
}

export interface ExitReasonTable {
  rows: ExitReasonRow[];
  totalCount: number;
  totalHostCycles: number;
}

/** What the table cannot give, in the words every front door uses. */
export const EXIT_TABLE_LIMITS = 'Min, Max and ±% per reason need the time of each exit, which a run does not keep: means and shares only.';

/** Percent of `part` in `whole`; 0 when the whole is 0. */
function share(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}

/** The exit reasons, most host cycles first (then most exits, then by name); empty without exits. */
export function exitReasonTable(exits: Readonly<Record<string, ExitStat>>): ExitReasonTable {
  const entries = Object.entries(exits);
  const totalCount = entries.reduce((a, [, e]) => a + e.count, 0);
  const totalHostCycles = entries.reduce((a, [, e]) => a + e.hostCycles, 0);
  const rows = entries
    .map(([reason, e]) => ({
      reason,
      count: e.count,
      countPct: share(e.count, totalCount),
      hostCycles: e.hostCycles,
      timePct: share(e.hostCycles, totalHostCycles),
      cyclesPerExit: e.count > 0 ? e.hostCycles / e.count : null,
    }))
    .sort((a, b) => b.hostCycles - a.hostCycles || b.count - a.count || a.reason.localeCompare(b.reason));
  return { rows, totalCount, totalHostCycles };
}

/** A share as every exits table writes it: "12.34 %". */
export function sharePctText(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)} %` : '—';
}
