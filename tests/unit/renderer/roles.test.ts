// Measured, reproduced and predicted runs are kept apart in charts: their legend labels say the
// role, and reproduced (dotted) and predicted (dashed) lines are drawn differently from measured
// ones, in the app (chart specs) and in exported SVG alike.
import { describe, expect, it } from 'vitest';
import { compareChart, roleDash, runLabel } from '../../../src-shared/charts/catalog.js';
import { renderSvg } from '../../../src-shared/charts/svg.js';
import type { CompareResult, CompareRow } from '../../../src-shared/contract.js';

function row(id: number, name: string, strategy: string, role: CompareRow['role']): CompareRow {
  const none = { mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  return { id, name, strategy, measure: 'guest-deadline-to-isr', role, samples: 10, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1, deltaPct: none, deltaCycles: none, pValue: null, ci95: null, ci95P99: null, significant: false, practicallySignificant: false, noVerdict: null };
}

const cmp: CompareResult = {
  baseline: 1,
  unit: 'cycles',
  metric: 'latency',
  warnings: [],
  contextDifferences: [],
  noiseThresholdPct: 1,
  runs: [row(1, 'guest.log', 'measured', 'measured'), row(2, 'host · reproduced · vmx-preemption', 'vmx-preemption', 'reproduced'), row(3, 'host · hrtimer', 'hrtimer', 'predicted')],
  cdf: [1, 2, 3].map((id) => ({ id, points: [[100, 0.1], [200, 0.5], [300, 0.99]] as Array<[number, number]> })),
  histograms: [],
  criticalPath: [],
  percentileDeltas: [],
};

describe('calibration roles in charts', () => {
  it('labels runs by role unless their name says it', () => {
    expect(runLabel(3, 'host · hrtimer', 'hrtimer', 'predicted')).toBe('#3 [predicted] host · hrtimer');
    expect(runLabel(2, 'host · reproduced · vmx-preemption', 'vmx-preemption', 'reproduced')).toBe('#2 host · reproduced · vmx-preemption');
    expect(runLabel(4, 'plain', 'hrtimer', null)).toBe('#4 plain (hrtimer)');
  });

  it('draws measured solid, reproduced dotted and predicted dashed', () => {
    const spec = compareChart(cmp, 'cdf')!;
    expect(spec.kind).toBe('xy');
    if (spec.kind !== 'xy') return;
    expect(spec.series.map((s) => s.dash)).toEqual([undefined, roleDash('reproduced'), roleDash('predicted')]);
    expect(roleDash('predicted')).not.toEqual(roleDash('reproduced'));
    const svg = renderSvg(spec);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('[predicted] host · hrtimer');
  });
});
