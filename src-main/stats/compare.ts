/**
 * Comparison of 2–8 latency runs against a baseline, the statistics behind "is this difference
 * real?": per-run percentiles, deltas, Mann–Whitney p-value, bootstrap CIs of the mean and p99
 * differences, the percentile deltas, the significance/noise-threshold flags and the chart series
 * (CDF, log-linear histogram), plus the verdict wording. Pure: must not import node:*, electron or better-sqlite3.
 */
import type { CompareResult, CompareRow, PercentileDelta } from '../../src-shared/contract.js';
import type { MeasureId } from '../../src-shared/measures.js';
import { bootstrapMeanDiffCI } from './bootstrap.js';
import { cdfPoints, logLinearHistogram, type Distribution } from './distribution.js';
import { mannWhitneyU } from './mann-whitney.js';
import { percentileDeltas } from './percentile-delta.js';

export interface CompareInput {
  id: number;
  name: string;
  /** Strategy of a simulated run (`measured` for imports); carried into the row. */
  strategy?: string;
  measure?: MeasureId | null;
  dist: Distribution;
}

export interface CompareOptions {
  /** Run id to compare against (default: the first run). */
  baselineId?: number;
  /** |Δmean| in percent below which a significant difference is not practically significant (default 1). */
  noiseThresholdPct?: number;
  /** Mann–Whitney level (default 0.01). */
  alpha?: number;
  /** Seed of the bootstrap (default 12345); every row uses it, so results do not depend on run order. */
  bootstrapSeed?: number;
  /** Bootstrap resamples (default 1000). */
  bootstrapIterations?: number;
  /** CDF points per run (default 400). */
  cdfMaxPoints?: number;
  /** Histogram resolution (default 7). */
  subBucketBits?: number;
  /**
   * What each run other than the baseline gets against it (default `all`): `all` (Mann–Whitney p,
   * bootstrap CI of Δmean, percentile deltas with the CI of Δp99), `p-value` (Mann–Whitney only:
   * its ranks are known, its values are not), `percentiles` (percentile deltas only: its verdict
   * comes from elsewhere) or `none` (it is shown side by side only). What a run does not get is
   * not computed: its p-value and CIs are null and it has no percentile deltas.
   */
  testsFor?: (id: number) => RunTests;
}

/** The statistics a run gets against the baseline (see CompareOptions.testsFor). */
export type RunTests = 'all' | 'p-value' | 'percentiles' | 'none';

const WITH_P_VALUE: ReadonlySet<RunTests> = new Set(['all', 'p-value']);
const WITH_PERCENTILES: ReadonlySet<RunTests> = new Set(['all', 'percentiles']);

/** Level below which a p-value counts as a detected difference (with a CI that excludes 0). */
export const VERDICT_ALPHA = 0.01;

/**
 * The verdict rule: a difference is detected when p is below `alpha` and the 95 % interval of the
 * difference excludes 0 (no interval: p alone); it is practical when its size (% of the
 * baseline; unknown counts) reaches the noise threshold.
 */
export function verdictOf(
  pValue: number | null,
  ci95: readonly [number, number] | null,
  effectPct: number | null,
  alpha: number,
  noiseThresholdPct: number,
): { significant: boolean; practicallySignificant: boolean } {
  const significant = pValue !== null && pValue < alpha && (ci95 === null || ci95[0] > 0 || ci95[1] < 0);
  const known = effectPct !== null && !Number.isNaN(effectPct);
  return { significant, practicallySignificant: significant && (!known || Math.abs(effectPct) >= noiseThresholdPct) };
}

type StatKey = 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max';
const STAT_KEYS: readonly StatKey[] = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'];

function statsOf(d: Distribution): Record<StatKey, number> {
  return {
    mean: d.mean(),
    p50: d.quantile(0.5),
    p90: d.quantile(0.9),
    p99: d.quantile(0.99),
    p999: d.quantile(0.999),
    max: d.max(),
  };
}

/** Percent change; 0 when both are 0, NaN when only the baseline is 0 (serialises as null). */
function pct(value: number, base: number): number {
  if (base === 0) return value === 0 ? 0 : NaN;
  return ((value - base) / Math.abs(base)) * 100;
}

/** A percentile delta's band as an interval; null without one (too few samples beyond the percentile). */
function bandOf(d: PercentileDelta | undefined): [number, number] | null {
  return d ? [d.lo, d.hi] : null;
}

/**
 * Compares every run with the baseline. `criticalPath` is returned empty: the caller, which knows
 * the runs' summaries, fills it. Throws RangeError for no runs, an empty run or an unknown baseline.
 */
export function compareRuns(runs: readonly CompareInput[], opts: CompareOptions = {}): Omit<CompareResult, 'unit' | 'metric' | 'warnings' | 'contextDifferences'> {
  const noiseThresholdPct = opts.noiseThresholdPct ?? 1;
  const alpha = opts.alpha ?? VERDICT_ALPHA;
  const bootstrapSeed = opts.bootstrapSeed ?? 12345;
  if (runs.length === 0) throw new RangeError('compare needs at least one run');
  for (const r of runs) if (r.dist.n === 0) throw new RangeError(`run ${r.id} (${r.name}) has no samples`);
  const baseline = opts.baselineId === undefined ? runs[0]! : runs.find((r) => r.id === opts.baselineId);
  if (!baseline) throw new RangeError(`baseline run ${opts.baselineId} is not among the compared runs`);
  const base = statsOf(baseline.dist);
  const testsOf = (run: CompareInput): RunTests => (run === baseline ? 'none' : (opts.testsFor?.(run.id) ?? 'all'));

  const deltas = runs
    .filter((r) => WITH_PERCENTILES.has(testsOf(r)))
    .map((r) => ({ id: r.id, points: percentileDeltas(baseline.dist, r.dist, { seed: bootstrapSeed }) }));
  const p99Band = new Map(deltas.map((d) => [d.id, d.points.find((x) => x.p === 0.99)]));

  const rows: CompareRow[] = runs.map((run) => {
    const s = statsOf(run.dist);
    const deltaPct = {} as Record<StatKey, number>;
    const deltaCycles = {} as Record<StatKey, number>;
    for (const k of STAT_KEYS) {
      deltaCycles[k] = run === baseline ? 0 : s[k] - base[k];
      deltaPct[k] = run === baseline ? 0 : pct(s[k], base[k]);
    }
    const tests = testsOf(run);
    let pValue: number | null = run === baseline ? 1 : null;
    let ci95: [number, number] | null = run === baseline ? [0, 0] : null;
    if (WITH_P_VALUE.has(tests)) pValue = mannWhitneyU(baseline.dist, run.dist).pValue;
    if (tests === 'all') {
      const ci = bootstrapMeanDiffCI(baseline.dist, run.dist, {
        seed: bootstrapSeed,
        level: 0.95,
        ...(opts.bootstrapIterations !== undefined ? { iterations: opts.bootstrapIterations } : {}),
      });
      ci95 = [ci.lo, ci.hi];
    }
    const { significant, practicallySignificant } =
      run === baseline ? { significant: false, practicallySignificant: false } : verdictOf(pValue, ci95, deltaPct.mean, alpha, noiseThresholdPct);
    return {
      id: run.id,
      name: run.name,
      strategy: run.strategy ?? 'measured',
      measure: run.measure ?? null,
      samples: run.dist.n,
      ...s,
      deltaPct,
      deltaCycles,
      pValue,
      ci95,
      ci95P99: bandOf(p99Band.get(run.id)),
      significant,
      practicallySignificant,
      noVerdict: null,
    };
  });

  return {
    baseline: baseline.id,
    noiseThresholdPct,
    runs: rows,
    cdf: runs.map((r) => ({ id: r.id, points: cdfPoints(r.dist, opts.cdfMaxPoints ?? 400) })),
    histograms: runs.map((r) => ({ id: r.id, histogram: logLinearHistogram(r.dist, opts.subBucketBits ?? 7) })),
    criticalPath: [],
    percentileDeltas: deltas,
  };
}
