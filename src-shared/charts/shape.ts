/**
 * Turns a comparison's CDF points into ChartSpecs (the percentile spectrum and the plain CDF), and
 * thins long series for plotting. Shared so the live chart, its SVG export, the CLI and the HTML
 * report agree. Pure TypeScript: no DOM, no chart.js.
 */
import type { Tick, XYChartSpec, XYPoint, XYSeries } from './spec.js';
import { seriesColor } from './spec.js';


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
