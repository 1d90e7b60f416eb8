/**
 * The difference to the baseline at each percentile: one line per run (its percentile minus the
 * baseline's) over a bootstrap 95 % band, on the percentile-spectrum axis (x = 1/(1−p)), with a
 * zero line for "no difference". A 20-cycle shift that hides in a histogram shows here as a line
 * whose band stays clear of zero. Pure TypeScript: no DOM, no chart.js.
 */
import type { PercentileDelta } from '../contract.js';
import { SPECTRUM_TICKS } from './shape.js';
import type { Tick, XYChartSpec, XYSeries } from './spec.js';

export interface NamedDeltas {
  label: string;
  color: string;
  points: readonly PercentileDelta[];
}

/** Ticks of the delta chart: the spectrum's, plus 10 % and 25 % where the curve starts. */
const DELTA_TICKS: Tick[] = [{ value: 1 / 0.9, label: '10%' }, { value: 1 / 0.75, label: '25%' }, ...SPECTRUM_TICKS];

export function deltaChart(runs: readonly NamedDeltas[], baselineLabel: string, unit: string, metric = 'latency'): XYChartSpec {
  const xOf = (p: number) => 1 / (1 - p);
  const series: XYSeries[] = [];
  for (const r of runs) {
    const pts = r.points.filter((d) => d.p > 0 && d.p < 1);
    series.push({
      label: `${r.label}: 95 % band`,
      color: r.color,
      style: 'band',
      points: pts.map((d) => ({ x: xOf(d.p), y: d.hi, y0: d.lo })),
    });
    series.push({
      label: r.label,
      color: r.color,
      style: 'line',
      markers: true,
      points: pts.map((d) => ({
        x: xOf(d.p),
        y: d.delta,
        text: `${r.label} at p${Number((d.p * 100).toPrecision(4))}: ${d.delta >= 0 ? '+' : ''}${Number(d.delta.toPrecision(4))} ${unit} (95 % band ${Number(d.lo.toPrecision(4))} … ${Number(d.hi.toPrecision(4))})`,
      })),
    });
  }
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const minX = Math.min(2, ...xs);
  const maxX = Math.max(10, ...xs);
  series.push({ label: `${baselineLabel} (baseline, Δ = 0)`, color: '#888888', style: 'line', dash: [4, 4], points: [{ x: minX, y: 0 }, { x: maxX, y: 0 }] });
  return {
    kind: 'xy',
    title: 'Difference to the baseline by percentile',
    x: { label: 'percentile', log: true, min: minX, max: maxX, ticks: DELTA_TICKS.filter((t) => t.value >= minX * 0.9999 && t.value <= maxX * 1.0001) },
    y: { label: `Δ ${metric} (${unit}), run − baseline` },
    series,
  };
}
