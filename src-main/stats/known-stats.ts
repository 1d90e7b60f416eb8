/**
 * The statistics a measured series really gives, and nothing more: every statistic from exact
 * samples; percentiles and spread from a value→count histogram; with samples above the
 * histogram (overflows), the percentiles that fall among them are unknown ("> limit") and the
 * spread too, while count, mean, min and max stay the file's own; from a summary only (status
 * lines, perf kvm stat), count, mean, min and max and no percentile at all. Pure: must not
 * import node:*, electron or better-sqlite3.
 */
import { PERCENTILE_KEYS, type SummaryStats } from '../../src-shared/result.js';
import { Distribution } from './distribution.js';

export interface SeriesData {
  samples: Int32Array | null;
  histogram: { values: readonly number[]; counts: readonly number[] } | null;
  overflow: { count: number; limit: number } | null;
  /** What the file states: count (overflows included), min, max, mean. */
  summary: { count: number; min: number; max: number; mean: number };
}

const QUANTILE: Record<(typeof PERCENTILE_KEYS)[number], number> = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999 };

/** Nearest rank ceil(p·n), clamped to [1, n] (the Distribution's definition). */
export function nearestRank(p: number, n: number): number {
  const x = p * n;
  return Math.min(n, Math.max(1, Math.ceil(x - Math.max(1, x) * 1e-12)));
}

/** The value of rank `rank` (1-based) of a distribution. */
function valueAtRank(d: Distribution, rank: number): number {
  const cum = d.cumulative();
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cum[mid] ?? 0) >= rank) hi = mid;
    else lo = mid + 1;
  }
  return d.values[lo] ?? NaN;
}

/** The distribution a series has, without its overflows (null for summary-only series). */
export function seriesDistribution(s: Pick<SeriesData, 'samples' | 'histogram'>): Distribution | null {
  if (s.samples && s.samples.length > 0) return Distribution.fromSamples(s.samples);
  if (s.histogram && s.histogram.values.length > 0) return Distribution.fromValueCounts(s.histogram.values, s.histogram.counts);
  return null;
}

/** Statistics of a series; `resolution` (> 1) marks values quantised to that step. */
export function knownStats(s: SeriesData, resolution?: number): Omit<SummaryStats, 'unit'> {
  const d = seriesDistribution(s);
  const out: Omit<SummaryStats, 'unit'> = {
    mean: s.summary.mean,
    min: s.summary.min,
    max: s.summary.max,
    stddev: null,
    p50: null,
    p90: null,
    p99: null,
    p999: null,
  };
  if (resolution !== undefined && resolution > 1) out.resolution = resolution;
  if (!d) return out;
  const overflow = s.overflow?.count ?? 0;
  if (overflow === 0) {
    out.stddev = d.n > 1 ? d.stddev() : 0;
    if (s.samples) {
      out.mean = d.mean();
      out.min = d.min();
      out.max = d.max();
    }
  }
  const n = d.n + overflow;
  for (const k of PERCENTILE_KEYS) {
    const rank = nearestRank(QUANTILE[k], n);
    out[k] = rank <= d.n ? valueAtRank(d, rank) : null;
  }
  if (overflow > 0 && s.overflow) out.above = s.overflow.limit;
  return out;
}
