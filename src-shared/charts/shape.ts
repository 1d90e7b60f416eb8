/**
 * Turns the contract's result data (histograms, CDF points, critical paths, trace rows) into
 * ChartSpecs. Shared so the live chart, its SVG export, the CLI and the HTML report agree.
 * Pure TypeScript: no DOM, no chart.js.
 */
import { formatNumber } from './axes.js';
import type { Tick, XYChartSpec, XYPoint, XYSeries } from './spec.js';
import { seriesColor } from './spec.js';
import { isStrategy, STRATEGY_INFO } from '../strategies.js';

export { formatNumber };

/** Percentile-spectrum ticks: x = 1/(1−p). */
export const SPECTRUM_TICKS: Tick[] = [
  { value: 2, label: '50%' },
  { value: 10, label: '90%' },
  { value: 100, label: '99%' },
  { value: 1000, label: '99.9%' },
  { value: 10000, label: '99.99%' },
  { value: 100000, label: '99.999%' },
];

/**
 * Keeps at most `max` points, always including the first, last and every local extreme of the
 * kept windows (min-max decimation: tails and peaks survive).
 */
export function thinMinMax(points: XYPoint[], max: number): XYPoint[] {
  if (points.length <= max || max < 4) return points;
  const windows = Math.floor(max / 2);
  const size = points.length / windows;
  const out: XYPoint[] = [];
  for (let w = 0; w < windows; w++) {
    const start = Math.floor(w * size);
    const end = Math.min(points.length, Math.floor((w + 1) * size));
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if ((points[i] as XYPoint).y < (points[lo] as XYPoint).y) lo = i;
      if ((points[i] as XYPoint).y > (points[hi] as XYPoint).y) hi = i;
    }
    const a = Math.min(lo, hi);
    const b = Math.max(lo, hi);
    out.push(points[a] as XYPoint);
    if (b !== a) out.push(points[b] as XYPoint);
  }
  const last = points[points.length - 1] as XYPoint;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** Reads a CDF point's probability, accepting fractions (0–1) or percents (0–100). */
function probability(p: number, percent: boolean): number {
  return percent ? p / 100 : p;
}

export interface NamedCdf {
  label: string;
  /** Series colour (the run's strategy colour); default: the palette by position. */
  color?: string;
  dash?: number[];
  /** [latency, cumulative probability] ascending by latency. */
  points: Array<[number, number]>;
}

/**
 * Percentile spectrum (HdrHistogram style): x = 1/(1−p) on a log axis so 90 %, 99 %, 99.9 % are
 * evenly spaced; or the plain CDF (x = latency, y = p in %).
 */
export function cdfChart(cdfs: NamedCdf[], unit: string, mode: 'spectrum' | 'cdf', metric = 'latency'): XYChartSpec {
  const series: XYSeries[] = cdfs.map((c, i) => {
    const percent = c.points.some(([, p]) => p > 1.000001);
    let pts: XYPoint[];
    if (mode === 'spectrum') {
      pts = [];
      for (const [v, raw] of c.points) {
        const p = probability(raw, percent);
        if (p < 0 || p >= 1) continue;
        pts.push({ x: 1 / (1 - p), y: v });
      }
      pts = thinLog(pts, 2000);
    } else {
      pts = thinMinMax(
        c.points.map(([v, raw]) => ({ x: v, y: probability(raw, percent) * 100 })),
        4000,
      );
    }
    return { label: c.label, color: c.color ?? seriesColor(i), style: 'line' as const, points: pts, ...(c.dash && c.dash.length > 0 ? { dash: c.dash } : {}) };
  });
  if (mode === 'spectrum') {
    const maxX = Math.max(10, ...series.flatMap((s) => s.points.map((p) => p.x)));
    return {
      kind: 'xy',
      title: 'Percentile spectrum',
      x: { label: 'percentile', log: true, min: 1, max: maxX, ticks: SPECTRUM_TICKS.filter((t) => t.value <= maxX * 1.0001) },
      y: { label: `${metric} (${unit})`, tight: true },
      series,
    };
  }
  return {
    kind: 'xy',
    title: 'Cumulative distribution',
    x: { label: `${metric} (${unit})`, tight: true },
    y: { label: 'cumulative %', min: 0, max: 100 },
    series,
  };
}

/** Keeps points evenly spread in log(x) (the spectrum's tail is where detail matters). */
function thinLog(points: XYPoint[], max: number): XYPoint[] {
  if (points.length <= max) return points;
  const out: XYPoint[] = [];
  const last = points[points.length - 1] as XYPoint;
  const span = Math.log(last.x) || 1;
  let next = 0;
  for (const p of points) {
    const pos = Math.log(p.x) / span;
    if (pos >= next) {
      out.push(p);
      next = pos + 1 / max;
    }
  }
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** One finished run of a sweep: the swept parameter's value, the strategy and its latency stats. */
export interface SweepPoint {
  value: number;
  strategy: string;
  mean: number;
  p99: number;
}

export interface SweepChartOptions {
  /** The swept parameter's name (e.g. `delta`, `X`). */
  param: string;
  /** Its unit, shown on the x axis (e.g. "guest cycles"). */
  paramUnit?: string;
  /** Latency unit (cycles or ns). */
  unit: string;
  /** Series order; strategies not listed follow in order of appearance. */
  strategies?: readonly string[];
  /** Chart title; defaults to "Latency against <param>". */
  title?: string;
}

/** Values spanning at least this ratio (all positive) get a log x axis. */
export const SWEEP_LOG_RATIO = 20;

/**
 * A parameter sweep: mean and p99 latency against the swept value, two lines per strategy (the
 * strategy's colour; p99 dashed), points sorted by value, one dot per run.
 */
export function sweepChart(points: readonly SweepPoint[], opts: SweepChartOptions): XYChartSpec {
  const order: string[] = [...(opts.strategies ?? [])];
  for (const p of points) if (!order.includes(p.strategy)) order.push(p.strategy);
  const used = order.filter((s) => points.some((p) => p.strategy === s));
  const series: XYSeries[] = [];
  used.forEach((strategy, i) => {
    const own = points.filter((p) => p.strategy === strategy && Number.isFinite(p.value)).sort((a, b) => a.value - b.value);
    const color = isStrategy(strategy) ? STRATEGY_INFO[strategy].color : seriesColor(i);
    const at = (p: SweepPoint, stat: 'mean' | 'p99'): XYPoint => ({
      x: p.value,
      y: p[stat],
      text: `${strategy} ${stat} at ${opts.param} = ${formatNumber(p.value)}: ${formatNumber(p[stat])} ${opts.unit}`,
    });
    series.push({ label: `${strategy} mean`, color, style: 'line', markers: true, points: own.map((p) => at(p, 'mean')) });
    series.push({ label: `${strategy} p99`, color, style: 'line', markers: true, dash: [6, 4], points: own.map((p) => at(p, 'p99')) });
  });
  const values = points.map((p) => p.value).filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const logX = values.length > 1 && lo > 0 && hi / lo >= SWEEP_LOG_RATIO;
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  // A little room either side so the first and last dots do not sit on the frame.
  const pad = values.length === 0 ? null : logX ? { min: lo / 1.15, max: hi * 1.15 } : { min: lo - (hi - lo || Math.abs(lo) || 1) * 0.05, max: hi + (hi - lo || Math.abs(hi) || 1) * 0.05 };
  return {
    kind: 'xy',
    title: opts.title ?? `Latency against ${opts.param}`,
    x: {
      label: `${opts.param}${opts.paramUnit ? ` (${opts.paramUnit})` : ''}`,
      ...(logX ? { log: true } : {}),
      ...(pad ?? {}),
      // Few values: tick exactly at each one swept.
      ...(distinct.length > 0 && distinct.length <= 8 ? { ticks: distinct.map((v) => ({ value: v, label: formatNumber(v) })) } : {}),
    },
    y: { label: `latency (${opts.unit})`, min: 0 },
    series,
  };
}
