/**
 * Turns the contract's result data (histograms, CDF points, critical paths, trace rows) into
 * ChartSpecs. Shared so the live chart, its SVG export, the CLI and the HTML report agree.
 * Pure TypeScript: no DOM, no chart.js.
 */
import type { Histogram } from '../result.js';
import type { TraceEventRow } from '../contract.js';
import type { CategoryChartSpec, Tick, XYChartSpec, XYPoint, XYSeries } from './spec.js';
import { seriesColor, stepColorByName } from './spec.js';
import { isStrategy, STRATEGY_INFO } from '../strategies.js';

/** Percentile-spectrum ticks: x = 1/(1−p). */
export const SPECTRUM_TICKS: Tick[] = [
  { value: 2, label: '50%' },
  { value: 10, label: '90%' },
  { value: 100, label: '99%' },
  { value: 1000, label: '99.9%' },
  { value: 10000, label: '99.99%' },
  { value: 100000, label: '99.999%' },
];

/** Bottom of log count axes: a bucket holding one sample still shows as a short bar. */
export const LOG_COUNT_MIN = 0.7;

/** Bucket midpoints with their counts (never raw samples). */
export function histogramPoints(h: Histogram): XYPoint[] {
  return h.buckets.map(([lo, hi, count]) => ({ x: (lo + hi) / 2, y: count }));
}

/** Largest value in a histogram (upper edge of the last non-empty bucket), or null when empty. */
export function histogramMax(h: Histogram): number | null {
  const last = h.buckets[h.buckets.length - 1];
  return last ? last[1] : null;
}

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

export interface NamedHistogram {
  label: string;
  histogram: Histogram;
  /** Series colour (the run's strategy colour); default: the palette by position. */
  color?: string;
}

/** The max shown in a histogram's axis title: the exact one when known, else the last bucket edge. */
function shownMax(h: Histogram, exactMax: number | null | undefined): number | null {
  return exactMax !== null && exactMax !== undefined && Number.isFinite(exactMax) ? exactMax : histogramMax(h);
}

/**
 * One run's histogram as bars, OSADL style (linear x, log y, max in the axis title). Pass the
 * run's exact maximum (e.g. `summary.latency.max`) as `exactMax` so the title shows it rather
 * than the upper edge of the last bucket.
 */
export function histogramChart(h: NamedHistogram, unit: string, logY: boolean, exactMax?: number | null, metric = 'latency'): XYChartSpec {
  const max = shownMax(h.histogram, exactMax);
  return {
    kind: 'xy',
    title: `${capitalized(metric)} histogram — ${h.label}`,
    x: { label: `${metric} (${unit})${max === null ? '' : `, max ${formatNumber(max)}`}` },
    y: logY ? { label: 'samples', log: true, min: LOG_COUNT_MIN } : { label: 'samples', min: 0 },
    series: [{ label: h.label, color: h.color ?? seriesColor(0), style: 'bars', points: histogramPoints(h.histogram) }],
  };
}

/**
 * Several runs' histograms overlaid as step outlines. `exactMaxes[i]` is run i's exact maximum
 * (e.g. the compare row's `max`); missing entries fall back to the last bucket edge.
 */
export function overlaidHistogramChart(
  hs: NamedHistogram[],
  unit: string,
  logY: boolean,
  exactMaxes?: ReadonlyArray<number | null | undefined>,
  metric = 'latency',
): XYChartSpec {
  const maxes = hs.map((h, i) => shownMax(h.histogram, exactMaxes?.[i])).filter((m): m is number => m !== null);
  const maxText = maxes.length ? `, max ${maxes.map(formatNumber).join(' / ')}` : '';
  return {
    kind: 'xy',
    title: `${capitalized(metric)} histograms`,
    x: { label: `${metric} (${unit})${maxText}` },
    y: logY ? { label: 'samples', log: true, min: LOG_COUNT_MIN } : { label: 'samples', min: 0 },
    series: hs.map((h, i) => ({
      label: h.label,
      color: h.color ?? seriesColor(i),
      style: 'step' as const,
      points: thinMinMax(histogramPoints(h.histogram), 4000),
    })),
  };
}

/** Reads a CDF point's probability, accepting fractions (0–1) or percents (0–100). */
function probability(p: number, percent: boolean): number {
  return percent ? p / 100 : p;
}

export interface NamedCdf {
  label: string;
  /** Series colour (the run's strategy colour); default: the palette by position. */
  color?: string;
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
    return { label: c.label, color: c.color ?? seriesColor(i), style: 'line' as const, points: pts };
  });
  if (mode === 'spectrum') {
    const maxX = Math.max(10, ...series.flatMap((s) => s.points.map((p) => p.x)));
    return {
      kind: 'xy',
      title: 'Percentile spectrum',
      x: { label: 'percentile', log: true, min: 1, max: maxX, ticks: SPECTRUM_TICKS.filter((t) => t.value <= maxX * 1.0001) },
      y: { label: `${metric} (${unit})` },
      series,
    };
  }
  return {
    kind: 'xy',
    title: 'Cumulative distribution',
    x: { label: `${metric} (${unit})` },
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

export interface NamedBreakdown {
  label: string;
  steps: Record<string, number>;
}

/** Where the cycles go: one horizontal stacked bar per run, one segment per critical-path step. */
export function breakdownChart(rows: NamedBreakdown[], title: string, unit: string): CategoryChartSpec {
  const stepNames: string[] = [];
  for (const r of rows) for (const s of Object.keys(r.steps)) if (!stepNames.includes(s)) stepNames.push(s);
  return {
    kind: 'category',
    title,
    categories: rows.map((r) => r.label),
    horizontal: true,
    stacked: true,
    value: { label: `mean ${unit} per sample` },
    // Colours come from the step name, so a step looks the same in every chart and view.
    series: stepNames.map((s) => ({ label: s, color: stepColorByName(s), values: rows.map((r) => r.steps[s] ?? 0) })),
  };
}

/** Trace event types, one row each, in the order of a timer expiry. */
export const TRACE_ROWS = ['kvm_msr', 'kvm_hv_timer_state', 'kvm_exit', 'kvm_wait_lapic_expire', 'kvm_inj_virq', 'kvm_entry'];

/** Timeline of trace events: x in µs, one row per event type; points carry the trace text. */
export function traceChart(rows: TraceEventRow[], tscKhz: number): XYChartSpec {
  const names = [...TRACE_ROWS];
  for (const r of rows) if (!names.includes(r.event)) names.push(r.event);
  const t0 = rows[0]?.t ?? 0;
  const byEvent = new Map<string, XYPoint[]>();
  for (const r of rows) {
    const list = byEvent.get(r.event) ?? [];
    list.push({ x: ((r.t - t0) * 1000) / tscKhz, y: names.indexOf(r.event), text: `${r.event}: ${r.text}` });
    byEvent.set(r.event, list);
  }
  const used = names.filter((n) => byEvent.has(n));
  const series: XYSeries[] = used.map((n) => ({
    label: n,
    color: seriesColor(names.indexOf(n)),
    style: 'points' as const,
    points: byEvent.get(n) as XYPoint[],
  }));
  return {
    kind: 'xy',
    title: 'Trace timeline',
    x: { label: 'time (µs)' },
    y: { label: 'event', min: -0.5, max: names.length - 0.5, ticks: names.map((n, i) => ({ value: i, label: n })) },
    series,
    yCategories: names,
  };
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Compact number for labels: integers with thin grouping, others with 3 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
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
