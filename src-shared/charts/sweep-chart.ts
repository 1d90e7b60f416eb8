/**
 * Sweeps as charts. One parameter: mean and p99 latency against the swept value, two lines per
 * strategy (the strategy's colour; p99 dashed), with the 95 % band of the mean across repeats when
 * the points were repeated; numbers on a numeric axis (log when they span a wide range), switches,
 * choices and kernel releases as evenly spaced categories. Two parameters: a heat map of the
 * difference between two strategies, with the crossover edges where the sign changes (where one
 * strategy stops winning). Pure TypeScript: no DOM, no chart.js.
 */
import { isStrategy, STRATEGY_INFO } from '../strategies.js';
import { formatNumber } from './axes.js';
import type { HeatmapChartSpec, XYChartSpec, XYPoint, XYSeries } from './spec.js';
import { seriesColor } from './spec.js';

export type SweepValueLike = number | string | boolean;

/** One point of a sweep: the swept value, the strategy and its latency stats (means across repeats). */
export interface SweepPoint {
  value: SweepValueLike;
  strategy: string;
  mean: number;
  p99: number;
  /** 95 % interval of the mean across repeats. */
  meanLo?: number;
  meanHi?: number;
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
  /** The values in order, for categorical sweeps (switches, choices, releases). */
  order?: readonly SweepValueLike[];
}

/** Values spanning at least this ratio (all positive) get a log x axis. */
export const SWEEP_LOG_RATIO = 20;

/** A swept value as a label: on/off for switches. */
export function sweepValueLabel(v: SweepValueLike): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return typeof v === 'number' ? formatNumber(v) : v;
}

function strategyColor(strategy: string, i: number): string {
  return isStrategy(strategy) ? STRATEGY_INFO[strategy].color : seriesColor(i);
}

/**
 * A parameter sweep: mean and p99 latency against the swept value, two lines per strategy, points
 * sorted by value, one dot per point, a band under the mean where repeats give one.
 */
export function sweepChart(points: readonly SweepPoint[], opts: SweepChartOptions): XYChartSpec {
  const order: string[] = [...(opts.strategies ?? [])];
  for (const p of points) if (!order.includes(p.strategy)) order.push(p.strategy);
  const used = order.filter((s) => points.some((p) => p.strategy === s));
  const numeric = points.every((p) => typeof p.value === 'number' && Number.isFinite(p.value));
  const categories: SweepValueLike[] = numeric ? [] : [...(opts.order ?? [])];
  if (!numeric) for (const p of points) if (!categories.includes(p.value)) categories.push(p.value);
  const xOf = (v: SweepValueLike): number => (numeric ? (v as number) : categories.indexOf(v));
  const series: XYSeries[] = [];
  used.forEach((strategy, i) => {
    const own = points.filter((p) => p.strategy === strategy).sort((a, b) => xOf(a.value) - xOf(b.value));
    const color = strategyColor(strategy, i);
    const at = (p: SweepPoint, stat: 'mean' | 'p99'): XYPoint => ({
      x: xOf(p.value),
      y: p[stat],
      text: `${strategy} ${stat} at ${opts.param} = ${sweepValueLabel(p.value)}: ${formatNumber(p[stat])} ${opts.unit}${stat === 'mean' && p.meanLo !== undefined ? ` (95 % CI across repeats ${formatNumber(p.meanLo)} … ${formatNumber(p.meanHi ?? p.mean)})` : ''}`,
    });
    const banded = own.filter((p) => p.meanLo !== undefined && p.meanHi !== undefined);
    if (banded.length > 0) {
      series.push({ label: `${strategy} mean, 95 % across repeats`, color, style: 'band', points: banded.map((p) => ({ x: xOf(p.value), y: p.meanHi as number, y0: p.meanLo as number })) });
    }
    series.push({ label: `${strategy} mean`, color, style: 'line', markers: true, points: own.map((p) => at(p, 'mean')) });
    series.push({ label: `${strategy} p99`, color, style: 'line', markers: true, dash: [6, 4], points: own.map((p) => at(p, 'p99')) });
  });
  const xs = points.map((p) => xOf(p.value)).filter(Number.isFinite);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const logX = numeric && xs.length > 1 && lo > 0 && hi / lo >= SWEEP_LOG_RATIO;
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  // A little room either side so the first and last dots do not sit on the frame.
  const pad = xs.length === 0 ? null : logX ? { min: lo / 1.15, max: hi * 1.15 } : numeric ? { min: lo - (hi - lo || Math.abs(lo) || 1) * 0.05, max: hi + (hi - lo || Math.abs(hi) || 1) * 0.05 } : { min: -0.5, max: categories.length - 0.5 };
  const ticks = numeric
    ? distinct.length > 0 && distinct.length <= 12
      ? distinct.map((v) => ({ value: v, label: formatNumber(v) }))
      : undefined
    : categories.map((v, i) => ({ value: i, label: sweepValueLabel(v) }));
  return {
    kind: 'xy',
    title: opts.title ?? `Latency against ${opts.param}`,
    x: {
      label: `${opts.param}${opts.paramUnit ? ` (${opts.paramUnit})` : ''}`,
      ...(logX ? { log: true } : {}),
      ...(pad ?? {}),
      ...(ticks ? { ticks } : {}),
    },
    y: { label: `latency (${opts.unit})`, min: 0 },
    series,
  };
}

/** One cell of a two-parameter sweep: a value pair and each strategy's mean there. */
export interface SweepPair {
  a: SweepValueLike;
  b: SweepValueLike;
  strategy: string;
  mean: number;
}

export interface HeatmapOptions {
  paramA: string;
  paramB: string;
  valuesA: readonly SweepValueLike[];
  valuesB: readonly SweepValueLike[];
  unit: string;
  /** The two strategies compared (second minus first); with one, its mean is shown. */
  strategies: readonly string[];
  title?: string;
}

/**
 * A two-parameter sweep as a heat map of mean(second strategy) − mean(first) for every value pair
 * (x: the first parameter, y: the second), with crossover edges between neighbouring cells whose
 * signs differ.
 */
export function sweepHeatmap(pairs: readonly SweepPair[], o: HeatmapOptions): HeatmapChartSpec {
  const [s1, s2] = o.strategies;
  const meanAt = (a: SweepValueLike, b: SweepValueLike, s: string | undefined) => pairs.find((p) => p.a === a && p.b === b && p.strategy === s)?.mean;
  const cells = o.valuesB.map((b) =>
    o.valuesA.map((a) => {
      const m1 = meanAt(a, b, s1);
      if (s2 === undefined) return m1 ?? null;
      const m2 = meanAt(a, b, s2);
      return m1 === undefined || m2 === undefined ? null : m2 - m1;
    }),
  );
  const crossover: HeatmapChartSpec['crossover'] = [];
  const sign = (v: number | null | undefined) => (v === null || v === undefined || v === 0 ? 0 : Math.sign(v));
  if (s2 !== undefined) {
    cells.forEach((row, yi) =>
      row.forEach((v, xi) => {
        const right = row[xi + 1];
        const below = cells[yi + 1]?.[xi];
        if (sign(v) * sign(right) < 0) crossover.push({ xi, yi, edge: 'right' });
        if (sign(v) * sign(below) < 0) crossover.push({ xi, yi, edge: 'below' });
      }),
    );
  }
  const what = s2 === undefined ? `mean ${s1 ?? ''} (${o.unit})` : `mean ${s2} − mean ${s1} (${o.unit})`;
  return {
    kind: 'heatmap',
    title: o.title ?? `${s2 === undefined ? 'Latency' : `${s2} against ${s1}`} by ${o.paramA} and ${o.paramB}`,
    x: { label: o.paramA, categories: o.valuesA.map(sweepValueLabel) },
    y: { label: o.paramB, categories: o.valuesB.map(sweepValueLabel) },
    cells,
    valueLabel: what,
    crossover,
    negative: s2 === undefined ? 'lower' : `${s2} faster`,
    positive: s2 === undefined ? 'higher' : `${s1} faster`,
  };
}
