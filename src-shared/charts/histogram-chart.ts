/**
 * Histograms as charts: outlines through each bucket's edges that drop to a true zero across
 * empty ranges (never a plateau joining two non-empty buckets over a gap), counts or density
 * (count per unit width, for buckets of different widths), and the exact maximum as the last
 * edge, so the axis and the statistics table agree. Pure TypeScript: no DOM, no chart.js.
 */
import type { Histogram } from '../result.js';
import { formatNumber } from './axes.js';
import type { XYChartSpec, XYPoint } from './spec.js';
import { seriesColor } from './spec.js';

/** Bottom of log count axes: a bucket holding one sample still shows as a short bar. */
export const LOG_COUNT_MIN = 0.7;

/** What the y axis of a histogram counts. */
export type HistogramYMode = 'count' | 'density';
/** What the user picks: either, or `auto` (density exactly when bucket widths differ between runs). */
export type HistogramYChoice = HistogramYMode | 'auto';

/** Width of a histogram's value step: buckets [lo, hi] cover lo up to (not including) hi + step. */
export function histogramStep(h: Histogram): number {
  return h.step !== undefined && h.step > 0 ? h.step : 1;
}

/** Largest value in a histogram (upper edge of the last non-empty bucket), or null when empty. */
export function histogramMax(h: Histogram): number | null {
  const last = h.buckets[h.buckets.length - 1];
  return last ? last[1] : null;
}

/**
 * The outline of a histogram as corner points: up at each bucket's lower edge, across its width,
 * down to `floor` wherever the next bucket does not start at once (a gap), and down after the
 * last one. With `exactMax`, the last edge stops just past the run's largest sample instead of
 * at its bucket's upper edge. Density divides each count by its bucket's width.
 */
export function histogramOutline(h: Histogram, mode: HistogramYMode, floor: number, exactMax?: number | null): XYPoint[] {
  const step = histogramStep(h);
  const out: XYPoint[] = [];
  let prevRight: number | null = null;
  h.buckets.forEach(([lo, hi, count], i) => {
    const width = hi + step - lo;
    let right = hi + step;
    if (i === h.buckets.length - 1 && exactMax !== null && exactMax !== undefined && Number.isFinite(exactMax) && exactMax >= lo) {
      right = Math.min(right, exactMax + step);
    }
    const y = mode === 'density' ? count / width : count;
    if (prevRight === null || lo > prevRight + 1e-9) {
      if (prevRight !== null) out.push({ x: prevRight, y: floor });
      out.push({ x: lo, y: floor });
    }
    out.push({ x: lo, y }, { x: right, y });
    prevRight = right;
  });
  if (prevRight !== null) out.push({ x: prevRight, y: floor });
  return out;
}

/** How a histogram's buckets are cut (log-linear resolution and value step): equal means equal widths at equal values. */
function bucketing(h: Histogram): string {
  return `${h.subBucketBits}/${histogramStep(h)}`;
}

/** Whether the histograms' buckets have different widths at the same values (then counts do not compare). */
export function bucketWidthsDiffer(hs: readonly Histogram[]): boolean {
  return new Set(hs.map(bucketing)).size > 1;
}

/** The y mode a choice resolves to for these histograms. */
export function histogramYMode(choice: HistogramYChoice, hs: readonly Histogram[]): HistogramYMode {
  return choice === 'auto' ? (bucketWidthsDiffer(hs) ? 'density' : 'count') : choice;
}

export interface NamedHistogram {
  label: string;
  histogram: Histogram;
  /** Series colour (the run's colour); default: the palette by position. */
  color?: string;
  dash?: number[];
}

/** The max shown in a histogram's axis title: the exact one when known, else the last bucket edge. */
function shownMax(h: Histogram, exactMax: number | null | undefined): number | null {
  return exactMax !== null && exactMax !== undefined && Number.isFinite(exactMax) ? exactMax : histogramMax(h);
}

export interface HistogramChartOptions {
  logY: boolean;
  /** Exact maximum per histogram (the statistics' max); missing entries fall back to the last bucket edge. */
  exactMaxes?: ReadonlyArray<number | null | undefined>;
  metric?: string;
  /** Counts, density or auto (default). */
  y?: HistogramYChoice;
}

/** Bottom of the y axis: 0 on a linear axis; on a log axis a little below one sample in the widest bucket. */
function logFloor(hs: readonly NamedHistogram[], mode: HistogramYMode): number {
  if (mode === 'count') return LOG_COUNT_MIN;
  let widest = 1;
  for (const h of hs) {
    const step = histogramStep(h.histogram);
    for (const [lo, hi] of h.histogram.buckets) widest = Math.max(widest, hi + step - lo);
  }
  const raw = LOG_COUNT_MIN / widest;
  return 10 ** Math.floor(Math.log10(raw));
}

/**
 * Several runs' histograms overlaid as outlines with true zeros (one run works the same). The
 * y axis says what it shows: samples per bucket, or samples per unit when bucket widths differ.
 */
export function overlaidHistogramChart(hs: NamedHistogram[], unit: string, opts: HistogramChartOptions): XYChartSpec {
  const metric = opts.metric ?? 'latency';
  const mode = histogramYMode(opts.y ?? 'auto', hs.map((h) => h.histogram));
  const floor = opts.logY ? logFloor(hs, mode) : 0;
  const maxes = hs.map((h, i) => shownMax(h.histogram, opts.exactMaxes?.[i])).filter((m): m is number => m !== null);
  const maxText = maxes.length ? `, max ${maxes.map(formatNumber).join(' / ')}` : '';
  const yLabel = mode === 'density' ? `samples per ${unit === 'ns' ? 'ns' : 'cycle'} (density)` : 'samples per bucket';
  return {
    kind: 'xy',
    title: `${metric.charAt(0).toUpperCase()}${metric.slice(1)} histogram${hs.length === 1 ? '' : 's'}${mode === 'density' ? ' (density)' : ''}`,
    x: { label: `${metric} (${unit})${maxText}`, tight: true },
    y: opts.logY ? { label: yLabel, log: true, min: floor } : { label: yLabel, min: 0 },
    series: hs.map((h, i) => ({
      label: h.label,
      color: h.color ?? seriesColor(i),
      style: 'step' as const,
      points: histogramOutline(h.histogram, mode, floor, opts.exactMaxes?.[i]),
      ...(h.dash && h.dash.length > 0 ? { dash: h.dash } : {}),
    })),
  };
}
