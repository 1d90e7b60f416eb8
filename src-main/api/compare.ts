/**
 * `compare`: loads each run's distribution (exact samples, or the histogram of an imported
 * measurement), puts them in one unit (cycles when all runs are in cycles, else ns), and runs the
 * statistics. Simulated runs also bring their critical-path breakdown. Must not import electron.
 */
import { defaultRunParams, guestTscKhz } from '../../src-shared/config.js';
import type { CompareResult, ParsedArgs, RunDetail } from '../../src-shared/contract.js';
import { workloadMetric, type WorkloadMetric } from '../../src-shared/workloads.js';
import { Distribution, compareRuns, scale } from '../stats/index.js';
import type { RunStore } from '../store/index.js';
import { ApiError } from './errors.js';

/** A finished run as a distribution in its native unit. */
export function runDistribution(store: RunStore, run: RunDetail): Distribution {
  const samples = store.getSamples(run.id);
  if (samples && samples.length > 0) return Distribution.fromSamples(samples);
  const h = store.getHistogram(run.id);
  if (h && h.buckets.length > 0) {
    return Distribution.fromValueCounts(
      h.buckets.map(([lo, hi]) => (lo + hi) / 2),
      h.buckets.map(([, , c]) => c),
    );
  }
  throw new ApiError('conflict', `run ${run.id} (${run.name}) has no latency distribution to compare`);
}

function nativeUnit(run: RunDetail): 'cycles' | 'ns' {
  return run.summary?.latency.unit ?? 'cycles';
}

/** Factor from a run's native unit to ns, or null when unknown. */
function nsPerUnit(run: RunDetail): number | null {
  if (nativeUnit(run) === 'ns') return 1;
  if (run.config) {
    return 1_000_000 / guestTscKhz(run.config);
  }
  const s = run.summary;
  if (s && s.latency.mean > 0 && s.latencyNs.unit === 'ns' && s.latencyNs.mean !== s.latency.mean) {
    return s.latencyNs.mean / s.latency.mean;
  }
  return null;
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
  const measures = (r: RunDetail) =>
    workloadMetric(r.workload) === 'cycles per iteration' ? 'cycles per iteration (vmexit.c)' : r.workload === 'measured' ? `a ${r.sourceFile ?? 'trace'} measurement` : 'timer latency';
  const kinds = new Set(runs.map(measures));
  if (kinds.size > 1) out.push(`these runs measure different things (${[...kinds].join(' vs ')}): differences are not strategy effects`);
  const workloads = new Set(runs.filter((r) => r.kind === 'simulated').map((r) => r.workload));
  if (workloads.size > 1) out.push(`simulated runs of different workloads (${[...workloads].join(', ')})`);
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
  return out;
}

export function compare(store: RunStore, args: ParsedArgs<'compare'>): CompareResult {
  const ids = [...new Set(args.ids)];
  if (ids.length < 2) throw new ApiError('bad-input', 'ids: give at least two different runs', 'ids');
  if (args.baseline !== undefined && !ids.includes(args.baseline)) {
    throw new ApiError('bad-input', `baseline: run ${args.baseline} is not among the compared runs`, 'baseline');
  }
  const runs = ids.map((id) => store.get(id));
  for (const r of runs) {
    if (r.status !== 'done') {
      throw new ApiError('conflict', `run ${r.id} (${r.name}) is ${r.status}; only finished runs can be compared`);
    }
  }
  const unit = runs.every((r) => nativeUnit(r) === 'cycles') ? 'cycles' : 'ns';
  const inputs = runs.map((r) => {
    let dist = runDistribution(store, r);
    if (unit === 'ns' && nativeUnit(r) === 'cycles') {
      const f = nsPerUnit(r);
      if (f === null) {
        throw new ApiError('conflict', `run ${r.id} (${r.name}) is in cycles with no known TSC frequency; import it with a TSC frequency to compare it with ns runs`);
      }
      dist = scale(dist, f);
    }
    return { id: r.id, name: r.name, strategy: r.strategy, dist };
  });
  const result = compareRuns(inputs, {
    baselineId: args.baseline ?? defaultBaseline(runs),
    noiseThresholdPct: args.noiseThresholdPct,
  });
  return {
    ...result,
    unit,
    metric: commonMetric(runs),
    warnings: compareWarnings(runs),
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
