/**
 * `compare`: loads each run's distribution (exact samples, or the histogram of an imported
 * measurement), puts them in one unit (cycles when all runs are in cycles, else ns), and runs the
 * statistics. Runs that measure different things, have no distribution or cannot be converted
 * are shown side by side without a verdict (compareSides says why), and the differences between
 * the runs' contexts are listed. Simulated runs also bring their critical-path breakdown.
 * Must not import electron.
 */
import { isComparableRun, notComparableReason } from '../../src-shared/comparable.js';
import { defaultRunParams, guestTscKhz } from '../../src-shared/config.js';
import type { CompareResult, CompareRow, ParsedArgs, RunDetail } from '../../src-shared/contract.js';
import { RUN_ROLES } from '../../src-shared/calibration.js';
import { measureTitle } from '../../src-shared/measures.js';
import type { Histogram, SummaryStats } from '../../src-shared/result.js';
import { isTscdeadlineWorkload, TSCDEADLINE_GUEST_UNKNOWN, workloadMetric, type WorkloadMetric } from '../../src-shared/workloads.js';
import { contextDifferences, runKernel, sharedContextNotes } from '../../src-shared/run-context.js';
import { Distribution, VERDICT_ALPHA, compareSides, scale, verdictOf, welchTest, type CompareSide } from '../stats/index.js';
import type { RunStore } from '../store/index.js';
import { ApiError } from './errors.js';
import { acrossOf, RepeatIndex, type RepeatMember } from './repeats.js';

const ROLE_ORDER: readonly string[] = RUN_ROLES;

/**
 * A finished run as a distribution in its native unit, or null when it has none (summary-only
 * imports). Samples above a histogram's limit are placed at the run's maximum, above every
 * bucket: right for ranks, while their own values stay unknown.
 */
export function runDistributionOrNull(store: RunStore, run: RunDetail): Distribution | null {
  const samples = store.getSamples(run.id);
  if (samples && samples.length > 0) return Distribution.fromSamples(samples);
  const h = store.getHistogram(run.id);
  if (!h || h.buckets.length === 0) return null;
  const values = h.buckets.map(([lo, hi]) => (lo + hi) / 2);
  const counts = h.buckets.map(([, , c]) => c);
  const overflow = run.measurement?.overflow;
  if (overflow && overflow.count > 0) {
    values.push(Math.max(run.summary?.latency.max ?? 0, overflow.limit + 1));
    counts.push(overflow.count);
  }
  return Distribution.fromValueCounts(values, counts);
}

/** A finished run as a distribution in its native unit (an error when it has none). */
export function runDistribution(store: RunStore, run: RunDetail): Distribution {
  const d = runDistributionOrNull(store, run);
  if (!d) throw new ApiError('conflict', `run ${run.id} (${run.name}) has no latency distribution (its file gives a summary only)`);
  return d;
}

function nativeUnit(run: RunDetail): 'cycles' | 'ns' {
  return run.summary?.latency.unit ?? 'cycles';
}

/** Factor from a run's native unit to ns, or null when unknown (a cycles import with no TSC rate). */
export function nsPerUnit(run: RunDetail): number | null {
  if (nativeUnit(run) === 'ns') return 1;
  if (run.config) {
    return 1_000_000 / guestTscKhz(run.config);
  }
  const tsc = run.measurement?.context.tsc;
  if (tsc && tsc.basis === 'known') return 1_000_000 / tsc.khz;
  const s = run.summary;
  if (s && s.latency.mean > 0 && s.latencyNs.unit === 'ns' && s.latencyNs.mean !== s.latency.mean) {
    return s.latencyNs.mean / s.latency.mean;
  }
  return null;
}

/** Factor from a run's native unit to the comparison's `unit`, or null when it cannot be converted. */
function unitFactor(run: RunDetail, unit: 'cycles' | 'ns'): number | null {
  return unit === 'ns' && nativeUnit(run) === 'cycles' ? nsPerUnit(run) : 1;
}

/** Without an explicit baseline: the oldest hrtimer run (the pre-patch path), else the oldest run. */
export function defaultBaseline(runs: readonly RunDetail[]): number {
  const byId = [...runs].sort((a, b) => a.id - b.id);
  return (byId.find((r) => r.strategy === 'hrtimer') ?? byId[0]!).id;
}

/** The metric every run shares; runs of different metrics are labelled as latency. */
function commonMetric(runs: readonly RunDetail[]): WorkloadMetric {
  const metrics = new Set(runs.map((r) => workloadMetric(r.workload)));
  return metrics.size === 1 ? [...metrics][0]! : 'latency';
}

/** What a reader of the comparison should be warned about. */
export function compareWarnings(runs: readonly RunDetail[]): string[] {
  const out: string[] = [];
  const kinds = new Set(runs.map((r) => measureTitle(r.measure)));
  if (kinds.size > 1) out.push(`these runs measure different things (${[...kinds].join(' vs ')}): shown side by side, with no verdict or p-value between them`);
  const summaryOnly = runs.filter((r) => r.kind === 'measured' && !r.measurement?.overflow && r.summary?.latency.p50 === null);
  if (summaryOnly.length > 0) out.push(`run${summaryOnly.length > 1 ? 's' : ''} ${summaryOnly.map((r) => r.id).join(', ')} ha${summaryOnly.length > 1 ? 've' : 's'} no distribution (the file gives a summary only): no p-value for ${summaryOnly.length > 1 ? 'them' : 'it'}`);
  const workloads = new Set(runs.filter((r) => r.kind === 'simulated').map((r) => r.workload));
  if (workloads.size > 1) out.push(`simulated runs of different workloads (${[...workloads].join(', ')})`);
  const idleUnknown = runs.filter((r) => r.workload === TSCDEADLINE_GUEST_UNKNOWN).map((r) => r.id);
  const idleKnown = new Set(runs.map((r) => r.workload).filter(isTscdeadlineWorkload));
  if (idleUnknown.length > 0 && idleKnown.size > 0) {
    out.push(`whether the guest of run${idleUnknown.length > 1 ? 's' : ''} ${idleUnknown.join(', ')} halted or busy-waited between timers is not known from the file (compared with ${[...idleKnown].join(', ')})`);
  }
  const units = new Set(runs.map((r) => r.summary?.latency.unit ?? 'cycles'));
  if (units.size > 1) out.push('cycle counts were converted to ns with each run\'s TSC frequency');
  // runs stored by an older version may lack newer parameters: compare against the defaults
  const normal = (r: RunDetail) => {
    const merged = { ...defaultRunParams(), ...r.config!.params } as Record<string, unknown>;
    return JSON.stringify(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  };
  const params = new Set(runs.filter((r) => r.config).map(normal));
  const profiles = new Set(runs.filter((r) => r.config).map((r) => JSON.stringify(r.config!.profile)));
  if (params.size > 1 || profiles.size > 1) out.push('the simulated runs differ in parameters or profile, not only in strategy');
  const roles = new Set(runs.map((r) => r.role).filter((x) => x !== null));
  if (roles.size > 1) out.push(`measured, reproduced and predicted runs are shown apart: ${[...roles].join(', ')} (a reproduction checks the calibration; a prediction is a simulation of what was not measured)`);
  return out;
}

export function compare(store: RunStore, args: ParsedArgs<'compare'>, repeats: RepeatIndex = new RepeatIndex(store)): CompareResult {
  const ids = [...new Set(args.ids)];
  if (ids.length < 2) throw new ApiError('bad-input', 'ids: give at least two different runs', 'ids');
  if (args.baseline !== undefined && !ids.includes(args.baseline)) {
    throw new ApiError('bad-input', `baseline: run ${args.baseline} is not among the compared runs`, 'baseline');
  }
  // measured, reproduced and predicted runs of a calibration are kept apart, in that order
  const rank = (r: RunDetail): number => (r.role === null ? 3 : ROLE_ORDER.indexOf(r.role));
  const runs = ids.map((id) => store.get(id)).map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
  for (const r of runs) if (!isComparableRun(r) || !r.summary) throw new ApiError('conflict', notComparableReason(r));
  const partial = runs.filter((r) => r.status === 'cancelled').map((r) => `run ${r.id} was cancelled part-way: ${r.samples} samples${r.config ? ` of the ${r.config.samples} asked for` : ''} are compared`);
  const unit = runs.every((r) => nativeUnit(r) === 'cycles') ? 'cycles' : 'ns';
  const sides = runs.map((r) => compareSide(store, r, unit));
  const baselineId = args.baseline ?? defaultBaseline(runs);
  const groups = repeatGroups(runs, baselineId, repeats, unit);
  const result = compareSides(sides, {
    baselineId,
    noiseThresholdPct: args.noiseThresholdPct,
    verdictFromRuns: groups.verdictFromRuns,
  });
  const unconvertible = sides.filter((s) => s.unconvertible);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const repeated = withRepeats(
    result.runs.map((row) => ({ ...row, ...rowContext(byId.get(row.id)!), role: byId.get(row.id)!.role ?? null })),
    result.baseline,
    groups,
    args.noiseThresholdPct,
  );
  return {
    ...result,
    runs: repeated.rows,
    histograms: result.histograms.map((h) => ({ id: h.id, histogram: nativeHistogram(store, byId.get(h.id)!, unit) ?? h.histogram })),
    unit,
    metric: commonMetric(runs),
    warnings: [...partial, ...compareWarnings(runs), ...sharedContextNotes(runs), ...repeated.warnings, ...unconvertible.map((s) => `run ${s.id}: ${s.unconvertible}; it is left out of the charts`)],
    contextDifferences: contextDifferences(runs),
    criticalPath: runs.map((r) => {
      const steps = r.summary?.criticalPath ?? {};
      if (unit === 'ns' && nativeUnit(r) === 'cycles') {
        const f = nsPerUnit(r) ?? 1;
        return { id: r.id, steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v * f])) };
      }
      return { id: r.id, steps };
    }),
  };
}

/** The repeat groups of the compared runs, their run means in the comparison's unit, and which verdicts rest on them. */
interface RepeatGroups {
  group(id: number): RepeatMember[];
  /** Means of a group's runs, in the comparison's unit. */
  meansOf(id: number): number[];
  /** Unit factor of a run (1 when it cannot be converted: its spread stays in its own unit). */
  factor(id: number): number;
  /**
   * Whether a run's verdict against the baseline rests on the runs of the two repeat groups: it
   * has repeats, the baseline has at least two, and they are not the same group.
   */
  verdictFromRuns(id: number): boolean;
}

function repeatGroups(runs: readonly RunDetail[], baselineId: number, repeats: RepeatIndex, unit: 'cycles' | 'ns'): RepeatGroups {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const groups = new Map(runs.map((r) => [r.id, repeats.group(r)]));
  const group = (id: number) => groups.get(id) ?? [];
  const factor = (id: number) => unitFactor(byId.get(id)!, unit) ?? 1;
  const meansOf = (id: number) => group(id).filter((g) => g.summary).map((g) => g.summary!.latency.mean * factor(id));
  const baseRuns = meansOf(baselineId).length;
  return {
    group,
    meansOf,
    factor,
    verdictFromRuns: (id) => id !== baselineId && acrossOf(group(id)) !== undefined && baseRuns >= 2 && !group(id).some((g) => g.id === baselineId),
  };
}

/**
 * Rows of runs with repeats carry the spread across their group; when a run and the baseline both
 * have repeats, its verdict uses the between-run variation (Welch's t-test on the groups' run
 * means) instead of the samples of two single runs, whose samples are autocorrelated.
 */
function withRepeats(rows: CompareRow[], baselineId: number, groups: RepeatGroups, noiseThresholdPct: number): { rows: CompareRow[]; warnings: string[] } {
  const base = groups.meansOf(baselineId);
  const warnings: string[] = [];
  const out = rows.map((row) => {
    const group = groups.group(row.id);
    const across = acrossOf(group);
    if (!across) return row;
    const f = groups.factor(row.id);
    const next: CompareRow = { ...row, across: { ...across, mean: across.mean * f, ciLow: across.ciLow * f, ciHigh: across.ciHigh * f, stddev: across.stddev * f } };
    if (row.id === baselineId || row.noVerdict !== null) return next;
    if (!groups.verdictFromRuns(row.id)) {
      const sameGroup = group.some((g) => g.id === baselineId);
      warnings.push(
        sameGroup
          ? `run ${row.id} is a repeat of the baseline's configuration: their difference is between seeds only`
          : `run ${row.id} has ${across.n} repeats but the baseline has none: its verdict rests on the samples of single runs`,
      );
      return next;
    }
    const w = welchTest(base, groups.meansOf(row.id));
    const baseMean = base.reduce((a, v) => a + v, 0) / base.length;
    const effect = baseMean === 0 ? null : (w.difference / Math.abs(baseMean)) * 100;
    const { significant, practicallySignificant } = verdictOf(w.pValue, [w.ciLow, w.ciHigh], effect, VERDICT_ALPHA, noiseThresholdPct);
    return {
      ...next,
      basis: 'runs' as const,
      pValue: w.pValue,
      ci95: [w.ciLow, w.ciHigh] as [number, number],
      significant,
      practicallySignificant,
      acrossDeltaPct: effect,
    };
  });
  return { rows: out, warnings };
}

/** What a compared run was run on (profile, kernel), with which seed and engine: footers and colour shades. */
function rowContext(r: RunDetail): Pick<CompareRow, 'profile' | 'kernel' | 'seed' | 'engineVersion'> {
  return {
    profile: r.profile || null,
    kernel: runKernel(r),
    seed: r.kind === 'simulated' ? r.seed : null,
    engineVersion: r.summary?.engineVersion || null,
  };
}

/**
 * A run that keeps only a histogram (an import) is charted with its own buckets and their true
 * width (its resolution, e.g. 1 µs), in the comparison's unit, rather than re-binned from bucket
 * midpoints; runs with samples keep the comparison's log-linear histogram. Null: use that one.
 */
function nativeHistogram(store: RunStore, r: RunDetail, unit: 'cycles' | 'ns'): Histogram | null {
  if (store.getSamples(r.id)?.length) return null;
  const h = store.getHistogram(r.id);
  if (!h || h.buckets.length === 0) return null;
  const f = unitFactor(r, unit);
  if (f === null) return null;
  const step = Math.max(1, r.summary?.latency.resolution ?? h.step ?? 1) * f;
  return { ...h, step, buckets: h.buckets.map(([lo, hi, c]) => [lo * f, hi * f, c] as [number, number, number]) };
}

/** A run as one side of a comparison, in the comparison's unit. */
function compareSide(store: RunStore, r: RunDetail, unit: 'cycles' | 'ns'): CompareSide {
  const f = unitFactor(r, unit);
  const side: CompareSide = {
    id: r.id,
    name: r.name,
    strategy: r.strategy,
    measure: r.measure,
    dist: null,
    known: null,
    samples: r.summary?.samples ?? r.samples,
    overflow: r.measurement?.overflow?.count ?? 0,
    unconvertible: f === null ? 'in guest TSC cycles with no known TSC rate, so not in ns (import it with its TSC rate)' : null,
  };
  if (f === null) return side;
  const d = runDistributionOrNull(store, r);
  side.dist = d && f !== 1 ? scale(d, f) : d;
  if (r.summary) side.known = scaledStats(r.summary.latency, f);
  return side;
}

function scaledStats(s: SummaryStats, f: number): Omit<SummaryStats, 'unit'> {
  const m = (v: number | null): number | null => (v === null ? null : v * f);
  const out: Omit<SummaryStats, 'unit'> = { mean: s.mean * f, min: s.min * f, max: s.max * f, stddev: m(s.stddev), p50: m(s.p50), p90: m(s.p90), p99: m(s.p99), p999: m(s.p999) };
  if (s.above !== undefined) out.above = s.above * f;
  return out;
}
