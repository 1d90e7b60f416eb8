/**
 * Latency statistics from exact samples: mean, stddev (n−1), min, max and nearest-rank
 * percentiles (the smallest value whose cumulative count reaches ⌈p·n⌉), computed with a counting
 * pass when the value range is small enough, and the log-linear histogram stored with each run.
 * Must not import anything but src-shared.
 */
import type { Histogram, LatencyStats } from '../../src-shared/result.js';
import { HISTOGRAM_SUB_BUCKET_BITS, histogramBucket, histogramBucketRange, logLinearHistogram } from '../../src-shared/histogram.js';

export { HISTOGRAM_SUB_BUCKET_BITS };
const PERCENTILES = [0.5, 0.9, 0.99, 0.999] as const;
const MAX_COUNTING_RANGE = 1 << 24;

/**
 * Statistics and histogram of a run in two passes over the samples (min/max/sum, then a count per
 * value); everything else comes from the per-value counts. Falls back to sorting when the value
 * range is too wide for a count array.
 */
export function summarizeSamples(samples: Int32Array, bits = HISTOGRAM_SUB_BUCKET_BITS): { stats: LatencyStats; histogram: Histogram } {
  const n = samples.length;
  if (n === 0) return { stats: latencyStats(samples), histogram: logLinearHistogram(samples, null, bits) };
  const { min, max, sum } = minMaxSum(samples);
  if (max - min >= MAX_COUNTING_RANGE) return { stats: latencyStats(samples), histogram: logLinearHistogram(samples, null, bits) };
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < n; i++) counts[samples[i]! - min]!++;
  const mean = sum / n;
  const ranks = PERCENTILES.map((p) => Math.max(1, Math.ceil(p * n)));
  const pct: number[] = [];
  const hist = new Map<number, number>();
  let underflow = 0;
  let ss = 0;
  let cum = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k]!;
    if (c === 0) continue;
    const v = k + min;
    const d = v - mean;
    ss += d * d * c;
    cum += c;
    while (pct.length < ranks.length && cum >= ranks[pct.length]!) pct.push(v);
    if (v < 0) underflow += c;
    else {
      const b = histogramBucket(v, bits);
      hist.set(b, (hist.get(b) ?? 0) + c);
    }
  }
  const [p50, p90, p99, p999] = pct;
  const stats: LatencyStats = {
    unit: 'cycles',
    mean,
    min,
    max,
    stddev: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    p50: p50!,
    p90: p90!,
    p99: p99!,
    p999: p999!,
  };
  const buckets: Array<[number, number, number]> = [...hist.entries()].map(([b, c]) => {
    const [lo, hi] = histogramBucketRange(b, bits);
    return [lo, hi, c];
  });
  return { stats, histogram: { subBucketBits: bits, buckets, underflow, total: n } };
}

function minMaxSum(samples: Int32Array): { min: number; max: number; sum: number } {
  let min = samples[0]!;
  let max = min;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, sum };
}

export function latencyStats(samples: Int32Array, unit: 'cycles' = 'cycles'): LatencyStats {
  const n = samples.length;
  if (n === 0) return { unit, mean: 0, min: 0, max: 0, stddev: 0, p50: 0, p90: 0, p99: 0, p999: 0 };
  const { min, max, sum } = minMaxSum(samples);
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i]! - mean;
    ss += d * d;
  }
  const stddev = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const [p50, p90, p99, p999] = percentiles(samples, min, max, PERCENTILES);
  return { unit, mean, min, max, stddev, p50: p50!, p90: p90!, p99: p99!, p999: p999! };
}

/** Nearest-rank percentiles of `samples` for each p in ascending `ps`. */
export function percentiles(samples: Int32Array, min: number, max: number, ps: readonly number[]): number[] {
  const n = samples.length;
  const ranks = ps.map((p) => Math.max(1, Math.ceil(p * n)));
  if (max - min < MAX_COUNTING_RANGE) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < n; i++) counts[samples[i]! - min]!++;
    const out: number[] = [];
    let cum = 0;
    let r = 0;
    for (let v = 0; v < counts.length && r < ranks.length; v++) {
      cum += counts[v]!;
      while (r < ranks.length && cum >= ranks[r]!) {
        out.push(v + min);
        r++;
      }
    }
    return out;
  }
  const sorted = Int32Array.from(samples).sort();
  return ranks.map((k) => sorted[k - 1]!);
}
