/**
 * The charts of a comparison and of a single run, in one list, as the app, the HTML report and
 * the CLI export draw them: same titles, same labels (run id and name), same strategy colours,
 * same exact maxima. A view picks entries from here instead of building its own specs.
 * Pure TypeScript: no DOM, no chart.js.
 */
import { RUN_ROLE_INFO, type RunRole } from '../calibration.js';
import type { CompareResult } from '../contract.js';
import type { Histogram, RunSummary } from '../result.js';
import { isStrategy, STRATEGY_INFO } from '../strategies.js';
import { workloadMetric } from '../workloads.js';
import { breakdownChart, cdfChart, overlaidHistogramChart } from './shape.js';
import { runColors, type ChartSpec } from './spec.js';

export const COMPARE_CHARTS = [
  { kind: 'histogram', title: 'Overlaid histograms (OSADL style: linear x, log count)' },
  { kind: 'spectrum', title: 'Percentile spectrum (HdrHistogram style)' },
  { kind: 'cdf', title: 'Cumulative distribution' },
  { kind: 'breakdown', title: 'Where the cycles go after the deadline (critical path per run)' },
] as const;
export type CompareChartKind = (typeof COMPARE_CHARTS)[number]['kind'];
export const COMPARE_CHART_KINDS: readonly CompareChartKind[] = COMPARE_CHARTS.map((c) => c.kind);

export const BREAKDOWN_TITLE = 'Where the cycles go after the deadline';

export interface ChartOptions {
  /** Log count axis for histograms (default true). */
  logY?: boolean;
}

/**
 * How every chart names a run: "#12 halt · hrtimer"; the strategy's title is added when the run's
 * name does not say it, so a legend always tells the strategies apart.
 */
export function runLabel(id: number, name: string, strategy: string, role?: RunRole | null): string {
  const says = name.includes(strategy) || (isStrategy(strategy) && name.includes(STRATEGY_INFO[strategy].title));
  const tag = role && !name.includes(role) ? `[${RUN_ROLE_INFO[role].title}] ` : '';
  return `#${id} ${tag}${name}${says || !isStrategy(strategy) ? '' : ` (${STRATEGY_INFO[strategy].title})`}`;
}

/** Line style of a run by its role in a calibration: measured solid, reproduced dotted, predicted dashed. */
export function roleDash(role: RunRole | null | undefined): number[] | undefined {
  if (role === 'reproduced') return [2, 3];
  if (role === 'predicted') return [7, 4];
  return undefined;
}

function withRoleDashes(spec: ChartSpec, roles: ReadonlyArray<RunRole | null | undefined>): ChartSpec {
  if (spec.kind !== 'xy') return spec;
  spec.series.forEach((s, i) => {
    const dash = roleDash(roles[i]);
    if (dash) s.dash = dash;
  });
  return spec;
}

/** One chart of a comparison, or null when it has nothing to show (no critical path for imports). */
export function compareChart(c: CompareResult, kind: CompareChartKind, opts: ChartOptions = {}): ChartSpec | null {
  const row = new Map(c.runs.map((r) => [r.id, r]));
  const colorOf = new Map(c.runs.map((r, i) => [r.id, runColors(c.runs.map((x) => x.strategy))[i] as string]));
  const label = (id: number) => runLabel(id, row.get(id)?.name ?? '', row.get(id)?.strategy ?? '', row.get(id)?.role);
  const roles = (ids: readonly number[]) => ids.map((id) => row.get(id)?.role);
  switch (kind) {
    case 'histogram':
      if (c.histograms.length === 0) return null;
      return withRoleDashes(overlaidHistogramChart(
        c.histograms.map((h) => ({ label: label(h.id), histogram: h.histogram, color: colorOf.get(h.id) })),
        c.unit,
        opts.logY ?? true,
        c.histograms.map((h) => row.get(h.id)?.max),
        c.metric,
      ), roles(c.histograms.map((h) => h.id)));
    case 'spectrum':
    case 'cdf':
      if (c.cdf.length === 0) return null;
      return withRoleDashes(cdfChart(c.cdf.map((x) => ({ label: label(x.id), points: x.points, color: colorOf.get(x.id) })), c.unit, kind, c.metric), roles(c.cdf.map((x) => x.id)));
    case 'breakdown': {
      const rows = c.criticalPath.filter((x) => Object.keys(x.steps).length > 0);
      if (rows.length === 0) return null;
      return breakdownChart(rows.map((x) => ({ label: label(x.id), steps: x.steps })), BREAKDOWN_TITLE, c.unit);
    }
  }
}

export const RUN_CHARTS = [
  { kind: 'histogram', title: 'Histogram' },
  { kind: 'breakdown', title: BREAKDOWN_TITLE },
] as const;
export type RunChartKind = (typeof RUN_CHARTS)[number]['kind'];

export interface ChartRun {
  id: number;
  name: string;
  strategy: string;
  workload: string;
  summary: RunSummary | null;
}

/** One chart of a single run (its histogram with the exact maximum, or its critical path). */
export function runChart(run: ChartRun, histogram: Histogram | null, kind: RunChartKind, opts: ChartOptions = {}): ChartSpec | null {
  const unit = run.summary?.latency.unit ?? 'cycles';
  const label = runLabel(run.id, run.name, run.strategy);
  switch (kind) {
    case 'histogram':
      if (!histogram || histogram.total === 0) return null;
      return overlaidHistogramChart(
        [{ label, histogram, color: runColors([run.strategy])[0] }],
        unit,
        opts.logY ?? true,
        [run.summary?.latency.max],
        workloadMetric(run.workload),
      );
    case 'breakdown': {
      const steps = run.summary?.criticalPath ?? {};
      if (Object.keys(steps).length === 0) return null;
      return breakdownChart([{ label, steps }], BREAKDOWN_TITLE, unit);
    }
  }
}
