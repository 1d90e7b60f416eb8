/**
 * The log-linear (HdrHistogram-style) histogram every run stores and every chart reads: values
 * below 2^bits get one bucket each, [v, v]; above that, each octave [2^e, 2^(e+1)) is split into
 * 2^(bits−1) buckets of width 2^(e−bits+1). Values are floored to integers; negative values count
 * in `underflow`. The one implementation, shared by the engine, imports and comparisons.
 * Must not import anything but src-shared types.
 */
import type { Histogram } from './result.js';

export const HISTOGRAM_SUB_BUCKET_BITS = 7;

/** Bucket index of a non-negative integer value. */
export function histogramBucket(v: number, bits: number): number {
  const sub = 1 << bits;
  if (v < sub) return v;
  let log2 = v < 2147483648 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  if (2 ** log2 > v) log2--;
  else if (2 ** (log2 + 1) <= v) log2++;
  const octave = log2 - bits + 1; // ≥ 1
  const half = sub >> 1;
  return sub + (octave - 1) * half + (Math.floor(v / 2 ** octave) - half);
}

/** [lowest, highest] value of a bucket. */
export function histogramBucketRange(b: number, bits: number): [number, number] {
  const sub = 1 << bits;
  if (b < sub) return [b, b];
  const half = sub >> 1;
  const octave = Math.floor((b - sub) / half) + 1;
  const k = (b - sub) % half;
  const lo = (half + k) * 2 ** octave;
  return [lo, lo + 2 ** octave - 1];
}

/**
 * Histogram of `values`, each counted `counts[i]` times (once when `counts` is absent). Values
 * need not be sorted. Only non-zero buckets are listed, ascending; `total` includes underflow.
 */
export function logLinearHistogram(
  values: ArrayLike<number>,
  counts: ArrayLike<number> | null = null,
  bits = HISTOGRAM_SUB_BUCKET_BITS,
): Histogram {
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 30)) throw new RangeError(`bits must be an integer in [1, 30], got ${bits}`);
  const byBucket = new Map<number, number>();
  let underflow = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const c = counts ? (counts[i] as number) : 1;
    const v = values[i] as number;
    total += c;
    if (v < 0) {
      underflow += c;
      continue;
    }
    const b = histogramBucket(Math.floor(v), bits);
    byBucket.set(b, (byBucket.get(b) ?? 0) + c);
  }
  const buckets: Array<[number, number, number]> = [...byBucket.keys()]
    .sort((a, b) => a - b)
    .map((b) => {
      const [lo, hi] = histogramBucketRange(b, bits);
      return [lo, hi, byBucket.get(b) as number];
    });
  return { subBucketBits: bits, buckets, underflow, total };
}
