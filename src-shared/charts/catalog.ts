/**
 * The charts of a comparison and of a single run, in one list, as the app, the HTML report and
 * the CLI export draw them: same titles, same labels (run id and name), same strategy colours,
 * same exact maxima. A view picks entries from here instead of building its own specs.
 * Pure TypeScript: no DOM, no chart.js.
 */
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
export function runLabel(id: number, name: string, strategy: string): string {
  const says = name.includes(strategy) || (isStrategy(strategy) && name.includes(STRATEGY_INFO[strategy].title));
  return `#${id} ${name}${says || !isStrategy(strategy) ? '' : ` (${STRATEGY_INFO[strategy].title})`}`;
}

/** One chart of a comparison, or null when it has nothing to show (no critical path for imports). */
export function compareChart(c: CompareResult, kind: CompareChartKind, opts: ChartOptions = {}): ChartSpec | null {
  const row = new Map(c.runs.map((r) => [r.id, r]));
  const colorOf = new Map(c.runs.map((r, i) => [r.id, runColors(c.runs.map((x) => x.strategy))[i] as string]));
  const label = (id: number) => runLabel(id, row.get(id)?.name ?? '', row.get(id)?.strategy ?? '');
  switch (kind) {
    case 'histogram':
      if (c.histograms.length === 0) return null;
      return overlaidHistogramChart(
        c.histograms.map((h) => ({ label: label(h.id), histogram: h.histogram, color: colorOf.get(h.id) })),
        c.unit,
        opts.logY ?? true,
        c.histograms.map((h) => row.get(h.id)?.max),
        c.metric,
      );
    case 'spectrum':
    case 'cdf':
      if (c.cdf.length === 0) return null;
      return cdfChart(c.cdf.map((x) => ({ label: label(x.id), points: x.points, color: colorOf.get(x.id) })), c.unit, kind, c.metric);
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
