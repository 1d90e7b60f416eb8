/**
 * Turning a parsed measurement (cyclictest, kvm-unit-tests, trace-cmd, perf kvm stat) into a
 * stored run of kind `measured`: its source file name, format and SHA-256, latency statistics
 * and distribution in the file's own unit, and exit counts where the format has them.
 * Nothing is stored when parsing fails. Must not import electron.
 */
import { createHash } from 'node:crypto';
import type { ImportFormat } from '../../src-shared/contract.js';
import type { ExitStat, Histogram, LatencyStats } from '../../src-shared/result.js';
import { DEFAULT_PROFILE } from '../../src-shared/profiles/index.js';
import type { ParsedMeasurement } from '../formats/index.js';
import { Distribution, logLinearHistogram } from '../stats/index.js';
import type { MeasuredRunInput } from '../store/index.js';

/** TSC frequency assumed for imports that give none: the default profile's. */
export const DEFAULT_IMPORT_TSC_KHZ = DEFAULT_PROFILE.tsc_khz;

const WORKLOAD_OF: Partial<Record<ImportFormat, string>> = {
  cyclictest: 'cyclictest',
  'cyclictest-verbose': 'cyclictest',
  'cyclictest-hist': 'cyclictest',
  'cyclictest-json': 'cyclictest',
  'tscdeadline-latency': 'tscdeadline-halt',
  vmexit: 'vmexit-tscdeadline',
};

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function statsOf(d: Distribution): Omit<LatencyStats, 'unit'> {
  return {
    mean: d.mean(),
    min: d.min(),
    max: d.max(),
    stddev: d.n > 1 ? d.stddev() : 0,
    p50: d.quantile(0.5),
    p90: d.quantile(0.9),
    p99: d.quantile(0.99),
    p999: d.quantile(0.999),
  };
}

/** Exact value→count buckets ([v, v, count]) for imported histograms. */
function exactHistogram(values: readonly number[], counts: readonly number[]): Histogram {
  const buckets: Array<[number, number, number]> = [];
  let total = 0;
  let underflow = 0;
  values.forEach((v, i) => {
    const c = counts[i]!;
    total += c;
    if (v < 0) underflow += c;
    else buckets.push([v, v, c]);
  });
  return { subBucketBits: 0, buckets, underflow, total };
}

export interface ImportMeta {
  fileName: string;
  sha256: string;
  name?: string;
  tscKhz?: number;
}

export function measuredRunInput(parsed: ParsedMeasurement, meta: ImportMeta): MeasuredRunInput {
  let dist: Distribution | null = null;
  let histogram: Histogram | null = null;
  if (parsed.samples && parsed.samples.length > 0) {
    dist = Distribution.fromSamples(parsed.samples);
    histogram = logLinearHistogram(dist);
  } else if (parsed.histogram && parsed.histogram.values.length > 0) {
    dist = Distribution.fromValueCounts(parsed.histogram.values, parsed.histogram.counts);
    histogram = exactHistogram(parsed.histogram.values, parsed.histogram.counts);
  } else if (parsed.timerLatenciesNs && parsed.timerLatenciesNs.length > 0) {
    dist = Distribution.fromSamples(parsed.timerLatenciesNs);
    histogram = logLinearHistogram(dist);
  }
  const unit = dist && !parsed.samples && !parsed.histogram && parsed.timerLatenciesNs ? 'ns' : parsed.unit;
  const s = parsed.summary;
  const stats = dist
    ? statsOf(dist)
    : { mean: s.mean, min: s.min, max: s.max, stddev: 0, p50: s.mean, p90: s.max, p99: s.max, p999: s.max };
  const khz = meta.tscKhz ?? DEFAULT_IMPORT_TSC_KHZ;
  const exits: Record<string, ExitStat> = {};
  for (const [reason, e] of Object.entries(parsed.exits ?? {})) {
    exits[reason] = { count: e.count, hostCycles: Math.round((e.totalNs * khz) / 1_000_000) };
  }
  const input: MeasuredRunInput = {
    name: meta.name ?? meta.fileName,
    sourceFile: meta.fileName,
    format: parsed.format,
    sha256: meta.sha256,
    unit,
    stats,
    histogram,
    samples: parsed.samples && parsed.samples.length > 0 ? parsed.samples : null,
    exits,
    workload: WORKLOAD_OF[parsed.format] ?? 'measured',
    strategy: 'measured',
  };
  if (unit === 'cycles' && meta.tscKhz) {
    const f = 1_000_000 / meta.tscKhz;
    input.statsNs = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v * f])) as Omit<LatencyStats, 'unit'>;
  }
  if (parsed.warnings.length > 0) input.notes = `Import warnings:\n${parsed.warnings.join('\n')}`;
  return input;
}
