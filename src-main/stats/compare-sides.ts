/**
 * A comparison of runs that may not all be comparable. Runs that measure the same thing and have
 * distributions get the full statistics (compareRuns: p-value, bootstrap CI, verdict). Every
 * other run is shown side by side with what it knows, and says why it has no verdict and no
 * p-value: it measures something else (measures.ts), it has no distribution (a summary-only file),
 * or it cannot be put in the comparison's unit. Samples above a histogram's limit keep their
 * percentiles unknown ("> limit") and leave out the bootstrap CI (their values are unknown);
 * their ranks still count in the Mann–Whitney test. Pure: must not import node:*, electron or
 * better-sqlite3.
 */
import type { CompareResult, CompareRow } from '../../src-shared/contract.js';
import { comparability, type MeasureId } from '../../src-shared/measures.js';
import type { SummaryStats } from '../../src-shared/result.js';
import { compareRuns, VERDICT_ALPHA, verdictOf, type CompareOptions, type RunTests } from './compare.js';
import type { Distribution } from './distribution.js';

export interface CompareSide {
  id: number;
  name: string;
  strategy: string;
  measure: MeasureId | null;
  /** The run's distribution in the comparison's unit (overflows included above the limit), or null. */
  dist: Distribution | null;
  /** Its statistics as stored, in the comparison's unit (null fields: unknown); null when unconvertible. */
  known: Omit<SummaryStats, 'unit'> | null;
  samples: number;
  /** Samples above a histogram's limit (part of `samples`). */
  overflow: number;
  /** Why the run's numbers cannot be put in the comparison's unit, when they cannot. */
  unconvertible: string | null;
}

type StatKey = 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max';
const STAT_KEYS: readonly StatKey[] = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'];
type Stats = Record<StatKey, number | null>;

function pct(value: number, base: number): number {
  if (base === 0) return value === 0 ? 0 : NaN;
  return ((value - base) / Math.abs(base)) * 100;
}

function statsOfKnown(k: Omit<SummaryStats, 'unit'> | null): Stats {
  return { mean: k?.mean ?? null, p50: k?.p50 ?? null, p90: k?.p90 ?? null, p99: k?.p99 ?? null, p999: k?.p999 ?? null, max: k?.max ?? null };
}

/** Why `side` gets no verdict against `base` (null: it gets one). */
export function noVerdictReason(side: CompareSide, base: CompareSide): string | null {
  if (side.id === base.id) return null;
  const unconvertible = side.unconvertible ?? base.unconvertible;
  if (unconvertible) return `no verdict: ${unconvertible}`;
  const c = comparability(base.measure, side.measure);
  if (!c.comparable) return `no verdict or p-value: ${c.reason}`;
  if (!side.dist || !base.dist) {
    const which = !side.dist ? 'this run' : 'the baseline';
    return `no p-value: ${which} has no distribution (its file gives count, mean, min and max only)`;
  }
  return null;
}

export interface CompareSidesOptions extends Omit<CompareOptions, 'testsFor'> {
  baselineId: number;
  /**
   * Runs whose verdict the caller takes from elsewhere (the runs of two repeat groups): their
   * samples get the percentile deltas only, no Mann–Whitney p-value and no CI of Δmean.
   */
  verdictFromRuns?: (id: number) => boolean;
}

export function compareSides(
  sides: readonly CompareSide[],
  opts: CompareSidesOptions,
): Omit<CompareResult, 'unit' | 'metric' | 'warnings' | 'contextDifferences'> {
  const base = sides.find((s) => s.id === opts.baselineId);
  if (!base) throw new RangeError(`baseline run ${opts.baselineId} is not among the compared runs`);
  const noiseThresholdPct = opts.noiseThresholdPct ?? 1;
  const alpha = opts.alpha ?? VERDICT_ALPHA;
  const withDist = sides.filter((s) => s.dist !== null && s.unconvertible === null);
  const byId = new Map(sides.map((s) => [s.id, s]));
  // Only what a row shows is computed: a p-value where a verdict is given and rests on the
  // samples, the bootstrap CIs and the percentile deltas only where every value of both runs is
  // known (no overflow).
  const testsFor = (id: number): RunTests => {
    const s = byId.get(id) as CompareSide;
    if (noVerdictReason(s, base) !== null) return 'none';
    const exact = s.overflow === 0 && base.overflow === 0;
    if (opts.verdictFromRuns?.(id)) return exact ? 'percentiles' : 'none';
    return exact ? 'all' : 'p-value';
  };
  const full =
    withDist.length > 0
      ? compareRuns(
          withDist.map((s) => ({ id: s.id, name: s.name, strategy: s.strategy, measure: s.measure, dist: s.dist as Distribution })),
          { ...opts, baselineId: base.dist && !base.unconvertible ? base.id : (withDist[0] as CompareSide).id, testsFor },
        )
      : null;
  const fullRow = new Map((full?.runs ?? []).map((r) => [r.id, r]));
  const statsOf = (s: CompareSide): Stats => {
    const r = fullRow.get(s.id);
    // exact from the distribution, unless overflows hide part of it: then the file's own
    return r && s.overflow === 0 ? { mean: r.mean, p50: r.p50, p90: r.p90, p99: r.p99, p999: r.p999, max: r.max } : statsOfKnown(s.known);
  };
  const baseStats = statsOf(base);
  const rows: CompareRow[] = sides.map((s) => {
    const reason = noVerdictReason(s, base);
    const stats = statsOf(s);
    const sameThing = s.id === base.id || (!s.unconvertible && !base.unconvertible && comparability(base.measure, s.measure).comparable);
    const deltaPct = {} as Record<StatKey, number | null>;
    const deltaCycles = {} as Record<StatKey, number | null>;
    for (const k of STAT_KEYS) {
      const v = stats[k];
      const b = baseStats[k];
      const known = sameThing && v !== null && b !== null;
      deltaCycles[k] = s.id === base.id ? 0 : known ? v - b : null;
      deltaPct[k] = s.id === base.id ? 0 : known ? pct(v, b) : null;
    }
    const r = fullRow.get(s.id);
    let pValue: number | null = null;
    let ci95: [number, number] | null = null;
    let ci95P99: [number, number] | null = null;
    let verdict = { significant: false, practicallySignificant: false };
    if (reason === null && r && s.id !== base.id) {
      pValue = r.pValue;
      ci95 = r.ci95;
      ci95P99 = r.ci95P99;
      verdict = verdictOf(pValue, ci95, deltaPct.mean, alpha, noiseThresholdPct);
    } else if (s.id === base.id && r) {
      pValue = r.pValue;
      ci95 = r.ci95;
    }
    const row: CompareRow = {
      id: s.id,
      name: s.name,
      strategy: s.strategy,
      measure: s.measure,
      samples: s.samples,
      ...stats,
      deltaPct,
      deltaCycles,
      pValue,
      ci95,
      ci95P99,
      ...verdict,
      noVerdict: reason,
    };
    if (s.known?.above !== undefined && s.overflow > 0) row.above = s.known.above;
    return row;
  });
  const charted = new Set(withDist.map((s) => s.id));
  return {
    baseline: base.id,
    noiseThresholdPct,
    runs: rows,
    cdf: (full?.cdf ?? []).filter((c) => charted.has(c.id)),
    histograms: (full?.histograms ?? []).filter((h) => charted.has(h.id)),
    criticalPath: [],
    percentileDeltas: full?.percentileDeltas ?? [],
  };
}
