/**
 * Bounded-memory accumulators shared by the parsers: a growable Int32Array for exact samples,
 * running min/max/mean, and a sparse value→count histogram.
 * Must not import node:*, electron or better-sqlite3.
 */
import type { HistogramData, MeasurementSummary, ThreadStats } from './types.js';

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

export class SampleBuffer {
  private buf = new Int32Array(1024);
  private n = 0;
  /** Values outside int32 are saturated; this counts them. */
  clamped = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    let x = v;
    if (x > I32_MAX) { x = I32_MAX; this.clamped++; } else if (x < I32_MIN) { x = I32_MIN; this.clamped++; }
    this.buf[this.n++] = x;
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

  toData(): HistogramData {
    const values = [...this.map.keys()].filter((v) => this.map.get(v) !== 0).sort((a, b) => a - b);
    return { values, counts: values.map((v) => this.map.get(v) ?? 0) };
  }
}

export function histogramStats(h: HistogramData): MeasurementSummary {
  const s = new RunningStats();
  h.values.forEach((v, i) => s.add(v, h.counts[i] ?? 0));
  return s.summary();
}

/** Summary of several threads: all their samples, the extremes of those that have any. */
export function threadsSummary(threads: readonly ThreadStats[]): MeasurementSummary {
  const withData = threads.filter((t) => t.count > 0);
  const count = threads.reduce((a, t) => a + t.count, 0);
  return {
    count,
    min: withData.length ? Math.min(...withData.map((t) => t.min)) : 0,
    max: withData.length ? Math.max(...withData.map((t) => t.max)) : 0,
    mean: count === 0 ? 0 : threads.reduce((a, t) => a + t.avg * t.count, 0) / count,
  };
}

export function mergeHistograms(list: HistogramData[]): HistogramData {
  const m = new SparseHistogram();
  for (const h of list) h.values.forEach((v, i) => m.add(v, h.counts[i] ?? 0));
  return m.toData();
}

/** Strips ANSI CSI escapes (cyclictest redraws its status block with ESC[nA). */
export function stripAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
