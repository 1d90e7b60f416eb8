/**
 * The charts of a comparison and of a single run, in one list, as the app, the HTML report and
 * the CLI export draw them: same titles, same labels (run id and name), same colours (strategy,
 * shaded by profile and kernel), same exact maxima, the same footer (runs, profile, kernel, seed,
 * engine version) and the same file names (with the run ids). A view picks entries from here
 * instead of building its own specs. Pure TypeScript: no DOM, no chart.js.
 */
import { RUN_ROLE_INFO, type RunRole } from '../calibration.js';
import type { CompareResult, CompareRow, RunDetail } from '../contract.js';
import type { Histogram } from '../result.js';
import { profileDefaultKernel } from '../kernels.js';
import { builtinProfile } from '../profiles/index.js';
import { runKernel } from '../run-context.js';
import { isStrategy, STRATEGY_INFO } from '../strategies.js';
import { workloadMetric } from '../workloads.js';
import { deltaChart } from './delta-chart.js';
import { overlaidHistogramChart, type HistogramYChoice } from './histogram-chart.js';
import { waterfallChart } from './path-chart.js';
import { cdfChart } from './shape.js';
import { runStyles, runVariant, type ChartSpec } from './spec.js';

export const COMPARE_CHARTS = [
  { kind: 'histogram', title: 'Overlaid histograms (OSADL style: linear x, log count)' },
  { kind: 'spectrum', title: 'Percentile spectrum (HdrHistogram style)' },
  { kind: 'cdf', title: 'Cumulative distribution' },
  { kind: 'delta', title: 'Difference to the baseline at each percentile (bootstrap 95 % band)' },
  { kind: 'breakdown', title: 'Where the cycles go after the deadline (critical path, execution order)' },
] as const;
export type CompareChartKind = (typeof COMPARE_CHARTS)[number]['kind'];
export const COMPARE_CHART_KINDS: readonly CompareChartKind[] = COMPARE_CHARTS.map((c) => c.kind);

export const BREAKDOWN_TITLE = 'Where the cycles go, in execution order';

/** The profile every variant shade is measured from: runs of it (and its own kernel) get the plain strategy colour. */
export const BASE_VARIANT_PROFILE = 'HSW-2016';

export interface ChartOptions {
  /** Log count axis for histograms (default true). */
  logY?: boolean;
  /** Histogram y: counts, density, or auto (density when bucket widths differ). */
  histogramY?: HistogramYChoice;
  /** Expanded groups of a critical-path waterfall (group ids). */
  expanded?: ReadonlySet<string>;
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

/** A run's colour variant: its profile and kernel, empty for the base profile with its own kernel. */
function variantOf(profile: string | null | undefined, kernel: string | null | undefined, baseKernel: string | null): string {
  if ((profile ?? '') === BASE_VARIANT_PROFILE && (!kernel || kernel === baseKernel)) return '';
  return runVariant(profile, kernel);
}

/** The kernel the base profile's runs get (they are the unshaded ones). */
const BASE_KERNEL = profileDefaultKernel(builtinProfile(BASE_VARIANT_PROFILE) ?? {});

/**
 * Colour and dash of each compared run, by id: the strategy's colour shaded by profile and kernel;
 * a calibration's reproduced and predicted runs take their role's dash over the variant's.
 */
export function compareStyles(c: Pick<CompareResult, 'runs'>): Map<number, { color: string; dash?: number[] }> {
  const styles = runStyles(c.runs.map((r) => ({ id: r.id, strategy: r.strategy, variant: variantOf(r.profile, r.kernel, BASE_KERNEL) })));
  return new Map(
    c.runs.map((r, i) => {
      const dash = roleDash(r.role);
      return [r.id, dash ? { ...styles[i]!, dash } : styles[i]!];
    }),
  );
}

function distinct(values: ReadonlyArray<string | number | null | undefined>): string {
  const set = [...new Set(values.filter((v) => v !== null && v !== undefined && v !== '').map(String))];
  return set.join(' / ');
}

/** The footer of a figure: which runs, on which profile and kernel, with which seeds and engine. */
export function footerText(rows: ReadonlyArray<Pick<CompareRow, 'id' | 'strategy' | 'profile' | 'kernel' | 'seed' | 'engineVersion'>>): string {
  const parts = [`runs ${rows.map((r) => `#${r.id} ${r.strategy}`).join(', ')}`];
  const profile = distinct(rows.map((r) => r.profile));
  const kernel = distinct(rows.map((r) => r.kernel));
  const seed = distinct(rows.map((r) => r.seed));
  const engine = distinct(rows.map((r) => r.engineVersion));
  if (profile) parts.push(`profile ${profile}`);
  if (kernel) parts.push(`kernel ${kernel}`);
  if (seed) parts.push(`seed ${seed}`);
  parts.push(engine ? `Timer Lab engine ${engine}` : 'Timer Lab');
  return parts.join(' · ');
}

/** File name stem of an exported chart: what it is and the run ids, e.g. `compare-12-13-histogram`. */
export function chartFileName(kind: string, ids: readonly number[]): string {
  return `${ids.length === 1 ? 'run' : 'compare'}-${ids.join('-')}-${kind}`;
}

/** One chart of a comparison, or null when it has nothing to show (no critical path for imports). */
export function compareChart(c: CompareResult, kind: CompareChartKind, opts: ChartOptions = {}): ChartSpec | null {
  const row = new Map(c.runs.map((r) => [r.id, r]));
  const style = compareStyles(c);
  const look = (id: number) => style.get(id) ?? { color: '#999999' };
  const label = (id: number) => runLabel(id, row.get(id)?.name ?? '', row.get(id)?.strategy ?? '', row.get(id)?.role);
  const spec = ((): ChartSpec | null => {
    switch (kind) {
      case 'histogram':
        if (c.histograms.length === 0) return null;
        return overlaidHistogramChart(
          c.histograms.map((h) => ({ label: label(h.id), histogram: h.histogram, ...look(h.id) })),
          c.unit,
          { logY: opts.logY ?? true, exactMaxes: c.histograms.map((h) => row.get(h.id)?.max), metric: c.metric, y: opts.histogramY ?? 'auto' },
        );
      case 'spectrum':
      case 'cdf':
        if (c.cdf.length === 0) return null;
        return cdfChart(c.cdf.map((x) => ({ label: label(x.id), points: x.points, ...look(x.id) })), c.unit, kind, c.metric);
      case 'delta': {
        const deltas = (c.percentileDeltas ?? []).filter((d) => d.points.length > 0);
        if (deltas.length === 0) return null;
        return deltaChart(
          deltas.map((d) => ({ label: label(d.id), color: look(d.id).color, points: d.points })),
          label(c.baseline),
          c.unit,
          c.metric,
        );
      }
      case 'breakdown': {
        const rows = c.criticalPath.filter((x) => Object.keys(x.steps).length > 0);
        if (rows.length === 0) return null;
        return waterfallChart(
          rows.map((x) => ({ label: label(x.id), color: look(x.id).color, steps: x.steps })),
          opts.expanded ?? new Set(),
          BREAKDOWN_TITLE,
          c.unit,
        );
      }
    }
  })();
  return spec ? { ...spec, footer: footerText(c.runs) } : null;
}

export const RUN_CHARTS = [
  { kind: 'histogram', title: 'Histogram' },
  { kind: 'breakdown', title: BREAKDOWN_TITLE },
] as const;
export type RunChartKind = (typeof RUN_CHARTS)[number]['kind'];

export type ChartRun = Pick<RunDetail, 'id' | 'name' | 'strategy' | 'workload' | 'summary' | 'profile' | 'seed'> &
  Partial<Pick<RunDetail, 'config' | 'measurement'>>;

/** The footer line of one run's figures. */
export function runFooter(run: ChartRun): string {
  return footerText([
    { id: run.id, strategy: run.strategy, profile: run.profile || null, kernel: runKernel(run), seed: run.summary?.engineVersion ? run.seed : null, engineVersion: run.summary?.engineVersion || null },
  ]);
}

/** One chart of a single run (its histogram with the exact maximum, or its critical path). */
export function runChart(run: ChartRun, histogram: Histogram | null, kind: RunChartKind, opts: ChartOptions = {}): ChartSpec | null {
  const unit = run.summary?.latency.unit ?? 'cycles';
  const label = runLabel(run.id, run.name, run.strategy);
  const [look] = runStyles([{ id: run.id, strategy: run.strategy, variant: variantOf(run.profile, runKernel(run), BASE_KERNEL) }]);
  const color = look?.color ?? '#999999';
  const spec = ((): ChartSpec | null => {
    switch (kind) {
      case 'histogram':
        if (!histogram || histogram.total === 0) return null;
        return overlaidHistogramChart([{ label, histogram, color }], unit, {
          logY: opts.logY ?? true,
          exactMaxes: [run.summary?.latency.max],
          metric: workloadMetric(run.workload),
          y: opts.histogramY ?? 'auto',
        });
      case 'breakdown': {
        const steps = run.summary?.criticalPath ?? {};
        if (Object.keys(steps).length === 0) return null;
        return waterfallChart([{ label, color, steps }], opts.expanded ?? new Set(), BREAKDOWN_TITLE, unit);
      }
    }
  })();
  return spec ? { ...spec, footer: runFooter(run) } : null;
}
