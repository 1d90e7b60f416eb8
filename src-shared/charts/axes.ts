/**
 * The one rule for an axis's range and ticks, shared by the SVG writer and the chart.js charts,
 * so a chart on screen, its PNG and its SVG export show the same range with the same labels.
 * Linear axes round their open ends to a whole tick step; log axes to a power of ten; log tick
 * labels are written in one style (1, 10, 100, 1k, 10k, 1M, 0.1, 0.01).
 * Pure TypeScript: no DOM, no chart.js.
 */
import type { AxisSpec, Tick, XYChartSpec } from './spec.js';

/** An axis as drawn: its numeric range and the ticks inside it. */
export interface ResolvedAxis {
  min: number;
  max: number;
  log: boolean;
  ticks: Tick[];
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

const SI = [
  { at: 1e12, suffix: 'T' },
  { at: 1e9, suffix: 'G' },
  { at: 1e6, suffix: 'M' },
  { at: 1e3, suffix: 'k' },
];

/** A tick label of a log axis, the same style at every decade: 0.01, 0.1, 1, 10, 100, 1k, 10k, 1M, 2M. */
export function logTickLabel(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return String(v);
  for (const { at, suffix } of SI) if (v >= at) return `${trimZeros(v / at)}${suffix}`;
  return trimZeros(v);
}

function trimZeros(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** "Nice" linear ticks (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** Log ticks: every power of ten, with 2 and 5 between them when the range spans under two decades. */
export function logTicks(min: number, max: number): Tick[] {
  const e0 = Math.floor(Math.log10(min) + 1e-9);
  const e1 = Math.ceil(Math.log10(max) - 1e-9);
  const mantissas = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const out: Tick[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push({ value: v, label: logTickLabel(v) });
    }
  }
  return out;
}

function fixedTicksWithin(ticks: readonly Tick[], min: number, max: number): Tick[] {
  const eps = (max - min) * 1e-9;
  return ticks.filter((t) => t.value >= min - eps && t.value <= max + eps);
}

/**
 * An axis's range and ticks for data spanning [dataMin, dataMax]: the spec's own min/max win;
 * an open linear end rounds to a whole tick step (a linear axis starts at 0 unless all data sit
 * far from it); an open log end rounds to a power of ten. Fixed ticks are kept where they fall
 * inside the range.
 */
export function resolveAxis(axis: AxisSpec, dataMin: number, dataMax: number): ResolvedAxis {
  if (axis.log) {
    const lo = axis.min ?? (dataMin > 0 ? 10 ** Math.floor(Math.log10(dataMin) + 1e-9) : 1);
    let hi = axis.max ?? (dataMax > 0 ? 10 ** Math.ceil(Math.log10(dataMax) - 1e-9) : 10);
    if (!(hi > lo)) hi = lo * 10;
    const ticks = axis.ticks ? fixedTicksWithin(axis.ticks, lo, hi) : logTicks(lo, hi);
    return { min: lo, max: hi, log: true, ticks };
  }
  let lo = axis.min ?? (axis.tight ? dataMin : Math.min(0, dataMin));
  let hi = axis.max ?? dataMax;
  if (axis.min === undefined && !axis.tight && dataMin > 0 && dataMin > (hi - dataMin) * 2) lo = dataMin - (hi - dataMin) * 0.05;
  if (!(hi > lo)) hi = lo + 1;
  const t = niceTicks(lo, hi);
  const step = t.length > 1 ? (t[1] as number) - (t[0] as number) : 0;
  if (step > 0) {
    // Open ends round to a whole tick step (a fifth of one on tight axes, which hug the data).
    const unit = axis.tight ? step / 5 : step;
    if (axis.min === undefined && lo !== 0) lo = Number((Math.floor(lo / unit + 1e-9) * unit).toPrecision(12));
    if (axis.max === undefined) hi = Number((Math.ceil(hi / unit - 1e-9) * unit).toPrecision(12));
  }
  const ticks = axis.ticks ? fixedTicksWithin(axis.ticks, lo, hi) : niceTicks(lo, hi).map((v) => ({ value: v, label: formatNumber(v) }));
  return { min: lo, max: hi, log: false, ticks };
}

/** Smallest and largest finite value (positive only on a log axis); a default range when none. */
export function dataExtent(values: Iterable<number>, log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [log ? 1 : 0, log ? 10 : 1] : [lo, hi];
}

/** Both axes of an XY chart as every renderer draws them. */
export function resolveXYAxes(spec: XYChartSpec): { x: ResolvedAxis; y: ResolvedAxis } {
  const points = spec.series.flatMap((s) => s.points);
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => (p.y0 === undefined ? [p.y] : [p.y, p.y0])));
  const [x0, x1] = dataExtent(
    points.map((p) => p.x),
    spec.x.log === true,
  );
  const [y0, y1] = dataExtent(ys, spec.y.log === true);
  return { x: resolveAxis(spec.x, x0, x1), y: resolveAxis(spec.y, y0, y1) };
}

/** The spec with its axes narrowed to a zoomed range (ticks recomputed for it, fixed labels kept). */
export function zoomedSpec<S extends XYChartSpec>(spec: S, range: { x?: [number, number]; y?: [number, number] }): S {
  const at = (axis: AxisSpec, r: [number, number] | undefined): AxisSpec => (r ? { ...axis, min: r[0], max: r[1] } : axis);
  return { ...spec, x: at(spec.x, range.x), y: at(spec.y, range.y) };
}
