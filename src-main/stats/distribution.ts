/**
 * A latency distribution as sorted distinct values with counts (exact samples or an imported
 * value→count histogram), and what the comparison view reads from it: mean, sample stddev,
 * nearest-rank quantiles, a tail-preserving downsampled CDF and a log-linear histogram.
 * Pure: must not import node:*, electron or better-sqlite3 (src-shared types only).
 */
import type { Histogram } from '../../src-shared/result.js';
import { logLinearHistogram as sharedLogLinearHistogram } from '../../src-shared/histogram.js';

/** Counting sort is used when max − min is below this (a Uint32Array of that many counters). */
const COUNTING_SORT_MAX_RANGE = 1 << 24;

export class Distribution {
  /** Distinct values, strictly ascending. */
  readonly values: Float64Array;
  /** Count of each value (> 0), same length as `values`. */
  readonly counts: Float64Array;
  /** Total count (number of samples). */
  readonly n: number;
  private cum: Float64Array | undefined;
  private meanCache: number | undefined;
  private varCache: number | undefined;

  private constructor(values: Float64Array, counts: Float64Array) {
    this.values = values;
    this.counts = counts;
    let n = 0;
    for (let i = 0; i < counts.length; i++) n += counts[i]!;
    this.n = n;
  }

  /**
   * From exact samples. Int32Array input with max − min < 2^24 (and not absurdly larger than n)
   * uses a counting sort, O(n + range); anything else sorts a copy, O(n log n).
   */
  static fromSamples(samples: Int32Array | Float64Array | readonly number[]): Distribution {
    const len = samples.length;
    if (len === 0) return new Distribution(new Float64Array(0), new Float64Array(0));
    if (samples instanceof Int32Array) {
      let lo = samples[0]!;
      let hi = lo;
      for (let i = 1; i < len; i++) {
        const v = samples[i]!;
        if (v < lo) lo = v;
        else if (v > hi) hi = v;
      }
      const range = hi - lo;
      if (range < COUNTING_SORT_MAX_RANGE && range <= 8 * len + 65536) {
        const tally = new Uint32Array(range + 1);
        for (let i = 0; i < len; i++) tally[samples[i]! - lo]!++;
        let k = 0;
        for (let i = 0; i <= range; i++) if (tally[i] !== 0) k++;
        const values = new Float64Array(k);
        const counts = new Float64Array(k);
        let j = 0;
        for (let i = 0; i <= range; i++) {
          const c = tally[i]!;
          if (c !== 0) {
            values[j] = lo + i;
            counts[j] = c;
            j++;
          }
        }
        return new Distribution(values, counts);
      }
    }
    const sorted = Float64Array.from(samples);
    for (let i = 0; i < len; i++) {
      if (!Number.isFinite(sorted[i]!)) throw new RangeError(`sample ${i} is not a finite number`);
    }
    sorted.sort();
    return Distribution.runLengths(sorted);
  }

  /**
   * From a value→count table (e.g. an imported histogram). Values are expected ascending; they
   * are sorted and merged if not. Zero counts are dropped; counts must be finite and ≥ 0.
   */
  static fromValueCounts(values: ArrayLike<number>, counts: ArrayLike<number>): Distribution {
    if (values.length !== counts.length) {
      throw new RangeError(`values (${values.length}) and counts (${counts.length}) differ in length`);
    }
    let ascending = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const c = counts[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`value ${i} is not a finite number`);
      if (!Number.isFinite(c) || c < 0) throw new RangeError(`count ${i} must be a finite number ≥ 0`);
      if (i > 0 && v <= values[i - 1]!) ascending = false;
    }
    let order: number[] | undefined;
    if (!ascending) {
      order = Array.from({ length: values.length }, (_, i) => i);
      order.sort((x, y) => values[x]! - values[y]!);
    }
    const vs: number[] = [];
    const cs: number[] = [];
    for (let j = 0; j < values.length; j++) {
      const i = order ? order[j]! : j;
      const c = counts[i]!;
      if (c === 0) continue;
      const v = values[i]!;
      if (vs.length > 0 && vs[vs.length - 1] === v) cs[cs.length - 1]! += c;
      else {
        vs.push(v);
        cs.push(c);
      }
    }
    return new Distribution(Float64Array.from(vs), Float64Array.from(cs));
  }

  /** Distinct values and counts of an ascending array. */
  private static runLengths(sorted: Float64Array): Distribution {
    let k = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) k++;
    const values = new Float64Array(k);
    const counts = new Float64Array(k);
    let j = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) {
        j++;
        values[j] = sorted[i]!;
      }
      counts[j]!++;
    }
    return new Distribution(values, counts);
  }

  /** Number of distinct values. */
  get distinct(): number {
    return this.values.length;
  }

  /** Cumulative counts: cumulative()[i] = number of samples ≤ values[i]. */
  cumulative(): Float64Array {
    if (!this.cum) {
      const cum = new Float64Array(this.counts.length);
      let s = 0;
      for (let i = 0; i < cum.length; i++) {
        s += this.counts[i]!;
        cum[i] = s;
      }
      this.cum = cum;
    }
    return this.cum;
  }

  mean(): number {
    if (this.meanCache === undefined) {
      if (this.n === 0) return NaN;
      // Sum relative to the first value: keeps the sum small for latencies far from zero.
      const ref = this.values[0]!;
      let s = 0;
      for (let i = 0; i < this.values.length; i++) s += this.counts[i]! * (this.values[i]! - ref);
      this.meanCache = ref + s / this.n;
    }
    return this.meanCache;
  }

  /** Sample variance (divisor n − 1); 0 when n < 2. Two-pass, over distinct values. */
  variance(): number {
    if (this.varCache === undefined) {
      if (this.n < 2) return this.n === 0 ? NaN : 0;
      const m = this.mean();
      let ss = 0;
      for (let i = 0; i < this.values.length; i++) {
        const d = this.values[i]! - m;
        ss += this.counts[i]! * d * d;
      }
      this.varCache = ss / (this.n - 1);
    }
    return this.varCache;
  }

  stddev(): number {
    return Math.sqrt(this.variance());
  }

  min(): number {
    return this.values.length ? this.values[0]! : NaN;
  }

  max(): number {
    return this.values.length ? this.values[this.values.length - 1]! : NaN;
  }

  /** Index into `values` of the nearest-rank p-quantile (see `quantile`). */
  quantileIndex(p: number): number {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1], got ${p}`);
    const n = this.n;
    if (n === 0) return -1;
    const x = p * n;
    // ceil(p·n), forgiving the binary rounding of p (0.999 · 10000 = 9990.000000000002 → 9990).
    const rank = Math.min(n, Math.max(1, Math.ceil(x - Math.max(1, x) * 1e-12)));
    const cum = this.cumulative();
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! >= rank) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * Nearest-rank quantile, the engine's definition for p50/p90/p99/p99.9: the smallest value v
   * whose cumulative count is ≥ ceil(p·n) (rank clamped to [1, n], so p = 0 gives the minimum and
   * p = 1 the maximum). Always an observed value, never interpolated. NaN when empty.
   */
  quantile(p: number): number {
    const i = this.quantileIndex(p);
    return i < 0 ? NaN : this.values[i]!;
  }
}

export function fromSamples(samples: Int32Array | Float64Array | readonly number[]): Distribution {
  return Distribution.fromSamples(samples);
}

export function fromValueCounts(values: ArrayLike<number>, counts: ArrayLike<number>): Distribution {
  return Distribution.fromValueCounts(values, counts);
}

/** Every value multiplied by `factor` (> 0), e.g. cycles → ns with 1e6 / tsc_khz. */
export function scale(d: Distribution, factor: number): Distribution {
  if (!(Number.isFinite(factor) && factor > 0)) throw new RangeError(`scale factor must be > 0, got ${factor}`);
  const values = new Float64Array(d.values.length);
  for (let i = 0; i < values.length; i++) values[i] = d.values[i]! * factor;
  // fromValueCounts merges values that rounding made equal.
  return Distribution.fromValueCounts(values, d.counts);
}

export const mean = (d: Distribution): number => d.mean();
export const stddev = (d: Distribution): number => d.stddev();
export const min = (d: Distribution): number => d.min();
export const max = (d: Distribution): number => d.max();
export const quantile = (d: Distribution, p: number): number => d.quantile(p);

/**
 * CDF as [value, fraction of samples ≤ value] points, at most `maxPoints` of them, ascending in
 * both coordinates and ending at [max, 1]. With more distinct values than that, points are chosen
 * so that the tail survives: every distinct value at or above p99.9 (or an even spread of them,
 * up to a third of the budget), plus points evenly spaced in value and evenly spaced in
 * log(1/(1 − p)) (the HdrHistogram percentile-spectrum axis), plus the first and last value.
 * maxPoints below 8 is treated as 8.
 */
export function cdfPoints(d: Distribution, maxPoints = 400): Array<[number, number]> {
  const k = d.values.length;
  const n = d.n;
  const cum = d.cumulative();
  const point = (i: number): [number, number] => [d.values[i]!, cum[i]! / n];
  if (k === 0) return [];
  const budgetTotal = Math.max(8, Math.floor(maxPoints));
  if (k <= budgetTotal) return Array.from({ length: k }, (_, i) => point(i));

  const pick = new Uint8Array(k);
  pick[0] = 1;
  pick[k - 1] = 1;
  let budget = budgetTotal - 2;

  // Tail: everything from the p99.9 value up.
  const tailStart = d.quantileIndex(0.999);
  const tailCount = k - 1 - tailStart; // the last index is already picked
  const tailBudget = Math.min(tailCount, Math.floor(budget / 3));
  if (tailCount <= tailBudget) for (let i = tailStart; i < k; i++) pick[i] = 1;
  else for (let j = 0; j < tailBudget; j++) pick[tailStart + Math.floor((j * tailCount) / tailBudget)] = 1;
  budget -= tailBudget;

  // Evenly spaced in value.
  const inValue = Math.floor(budget / 2);
  const lo = d.values[0]!;
  const span = d.values[k - 1]! - lo;
  for (let j = 1; j <= inValue; j++) pick[lowerBound(d.values, lo + (span * j) / (inValue + 1))] = 1;

  // Evenly spaced in log(1/(1 − p)), from p = 0 to p = 1 − 1/n.
  const inLog = budget - inValue;
  const lMax = Math.log(n);
  for (let j = 1; j <= inLog; j++) {
    const p = 1 - Math.exp((-lMax * j) / (inLog + 1));
    pick[d.quantileIndex(p)] = 1;
  }

  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) if (pick[i]) out.push(point(i));
  return out;
}

/** First index with values[i] ≥ x (values ascending; returns length − 1 at most). */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The run histogram of a distribution (src-shared/histogram.ts, the one implementation). */
export function logLinearHistogram(d: Distribution, subBucketBits = 7): Histogram {
  return sharedLogLinearHistogram(d.values, d.counts, subBucketBits);
}
