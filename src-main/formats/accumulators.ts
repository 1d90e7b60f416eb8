/**
 * Bounded-memory accumulators shared by the parsers: a growable Int32Array for exact samples,
 * running min/max/mean, a value→count histogram that stays exact up to a number of distinct
 * values and then turns log-linear, and helpers that merge per-thread series.
 * Must not import node:*, electron or better-sqlite3.
 */
import type { HistogramData, MeasurementSummary } from './types.js';

/** Exact int32 samples; callers check the range first (numbers.ts MAX_SAMPLE). */
export class SampleBuffer {
  private buf = new Int32Array(1024);
  private n = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  get length(): number {
    return this.n;
  }

  toArray(): Int32Array {
    return this.buf.slice(0, this.n);
  }
}

export class RunningStats {
  count = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;

  add(v: number, times = 1): void {
    if (times <= 0) return;
    this.count += times;
    this.sum += v * times;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  summary(): MeasurementSummary {
    if (this.count === 0) return { count: 0, min: 0, max: 0, mean: 0 };
    return { count: this.count, min: this.min, max: this.max, mean: this.sum / this.count };
  }
}

export class SparseHistogram {
  private readonly map = new Map<number, number>();

  add(value: number, count = 1): void {
    if (count === 0) return;
    this.map.set(value, (this.map.get(value) ?? 0) + count);
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<[number, number]> {
    return this.map.entries();
  }

  toData(): HistogramData {
    const values = [...this.map.keys()].filter((v) => this.map.get(v) !== 0).sort((a, b) => a - b);
    return { values, counts: values.map((v) => this.map.get(v) ?? 0) };
  }
}

/** Distinct values a BoundedHistogram keeps exactly before it turns log-linear. */
export const EXACT_DISTINCT_VALUES = 100_000;
/** Log-linear resolution after that: 2^7 sub-buckets per power of two (< 1 % relative error). */
const SUB_BUCKETS = 128;

/** Lower edge of the log-linear bucket of v: exact below SUB_BUCKETS, then 1/SUB_BUCKETS of its power of two. */
function logLinearFloor(v: number): number {
  const a = Math.abs(v);
  if (a < SUB_BUCKETS) return Math.trunc(v);
  const step = 2 ** (Math.floor(Math.log2(a)) - Math.log2(SUB_BUCKETS));
  return Math.sign(v) * Math.floor(a / step) * step;
}

/**
 * value → count in bounded memory: exact while fewer than `exactValues` (default
 * EXACT_DISTINCT_VALUES) distinct values arrive, then every value (old and new) is kept at its
 * log-linear bucket's lower edge.
 */
export class BoundedHistogram {
  private hist = new SparseHistogram();
  private coarse = false;

  constructor(private readonly exactValues = EXACT_DISTINCT_VALUES) {}

  add(value: number, count = 1): void {
    if (!this.coarse && this.hist.size >= this.exactValues) {
      const old = this.hist;
      this.hist = new SparseHistogram();
      for (const [v, c] of old.entries()) this.hist.add(logLinearFloor(v), c);
      this.coarse = true;
    }
    this.hist.add(this.coarse ? logLinearFloor(value) : value, count);
  }

  /** True once values are bucketed (no longer exact). */
  get approximate(): boolean {
    return this.coarse;
  }

  toData(): HistogramData {
    return this.hist.toData();
  }
}

export function histogramStats(h: HistogramData): MeasurementSummary {
  const s = new RunningStats();
  h.values.forEach((v, i) => s.add(v, h.counts[i] ?? 0));
  return s.summary();
}

/** Summary of several series: all their samples, the extremes of those that have any. */
export function mergedSummary(parts: readonly MeasurementSummary[]): MeasurementSummary {
  const withData = parts.filter((t) => t.count > 0);
  const count = withData.reduce((a, t) => a + t.count, 0);
  return {
    count,
    min: withData.length ? Math.min(...withData.map((t) => t.min)) : 0,
    max: withData.length ? Math.max(...withData.map((t) => t.max)) : 0,
    mean: count === 0 ? 0 : withData.reduce((a, t) => a + t.mean * t.count, 0) / count,
  };
}

export function mergeHistograms(list: HistogramData[]): HistogramData {
  const m = new SparseHistogram();
  for (const h of list) h.values.forEach((v, i) => m.add(v, h.counts[i] ?? 0));
  return m.toData();
}

/** Concatenation of int32 sample arrays. */
export function concatSamples(list: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(list.reduce((a, s) => a + s.length, 0));
  let at = 0;
  for (const s of list) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/** Strips ANSI CSI escapes (cyclictest redraws its status block with ESC[nA). */
export function stripAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * The warning for a file's own min or max (`name`, e.g. "trailer Max") that disagrees with a
 * histogram holding every sample (no overflows): the bucket is used, so that the summary and the
 * distribution agree. Values in the file's unit.
 */
export function bucketOverFieldWarning(thread: string, name: string, value: number, end: 'lowest' | 'highest', bucket: number): string {
  return `${thread}: ${name} ${value} is not the ${end} non-empty bucket ${bucket}: the bucket is used`;
}
