/**
 * The options that describe a run (`run` and `experiment` share them) and the contract run spec
 * they make: workload, profile, samples, seed, `--set` overrides (parameters a workload does not
 * read are reported and dropped). Must not import the engine.
 */
import { PARAM_BY_NAME, paramAppliesTo, parseParamValue } from '../../src-shared/config.js';
import type { RunSpec } from '../../src-shared/contract.js';
import { kernelFeatures, parseRelease, profileDefaultKernel } from '../../src-shared/kernels.js';
import { STRATEGIES } from '../../src-shared/strategies.js';
import { MAX_REPEATS } from '../../src-shared/experiment-limits.js';
import { MAX_SAMPLES, WORKLOADS } from '../../src-shared/workloads.js';
import { collectSets, intFlag, UsageError } from './args.js';
import type { CliContext } from './context.js';
import type { VerbOptions } from './verb.js';

export const RUN_OPTIONS = {
  workload: { type: 'string', value: 'W', help: `what the guest runs: ${WORKLOADS.join(', ')}` },
  profile: { type: 'string', value: 'P', default: 'HSW-2016', help: 'cost profile (`timer-lab profiles` lists them)' },
  samples: { type: 'string', value: 'N', help: `samples to collect, 1–${MAX_SAMPLES} (default 10000)` },
  seed: { type: 'string', value: 'N', help: 'random seed (default 1); the same seed gives the same result' },
  set: {
    type: 'string',
    multiple: true,
    value: 'name=value',
    help: 'a run parameter, X, tsc_khz, a cost or <cost>.jitter (`timer-lab profiles HSW-2016` lists them)',
  },
  name: { type: 'string', value: 'N', help: 'name of the experiment (its runs are named after it)' },
  tag: { type: 'string', multiple: true, value: 'T', help: 'a tag for the experiment and its runs' },
  repeat: {
    type: 'string',
    value: 'N',
    help: `run each configuration under N seeds (seed, seed+1, …; 1–${MAX_REPEATS}) in one experiment; reports the mean ± 95 % CI across runs, and --json gives each configuration \`across\``,
  },
} as const satisfies VerbOptions;

/** --repeat N (default 1). */
export function repeatFlag(raw: string | undefined): number {
  return intFlag('repeat', raw, 1, MAX_REPEATS) ?? 1;
}

/** The same spec under `n` seeds, counting up from its own. */
export function repeated(spec: RunSpec, n: number): RunSpec[] {
  const seed = spec.seed ?? 1;
  if (n > 1 && seed + n - 1 > Number.MAX_SAFE_INTEGER) throw new UsageError(`--repeat ${n}: seeds from ${seed} would pass ${Number.MAX_SAFE_INTEGER}`);
  return Array.from({ length: n }, (_, i) => ({ ...spec, seed: seed + i }));
}

interface RunValues {
  workload?: string | undefined;
  profile?: string | undefined;
  samples?: string | undefined;
  seed?: string | undefined;
  set?: string[] | undefined;
}

export function requireOne<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T {
  if (raw === undefined) throw new UsageError(`--${flag} is required (one of ${allowed.join(', ')})`);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${flag}: "${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** The contract run spec of these options for one strategy. */
export function runSpec(
  ctx: CliContext,
  v: RunValues,
  strategy: string | undefined,
  opts: { trace: boolean; traceTimerEvents?: number; strategyFlag?: string; warn?: boolean },
): RunSpec {
  const workload = requireOne('workload', v.workload, WORKLOADS);
  const set = collectSets(v.set);
  for (const name of Object.keys(set)) {
    if (paramAppliesTo(name, workload)) continue;
    if (opts.warn !== false) ctx.warn(`--set ${name} does not apply to ${workload} (ignored)`);
    delete set[name];
  }
  return {
    workload,
    strategy: requireOne(opts.strategyFlag ?? 'strategy', strategy, STRATEGIES),
    profile: v.profile ?? 'HSW-2016',
    samples: intFlag('samples', v.samples, 1, MAX_SAMPLES) ?? 10_000,
    seed: intFlag('seed', v.seed, 0, Number.MAX_SAFE_INTEGER) ?? 1,
    set,
    trace: opts.trace,
    ...(opts.traceTimerEvents !== undefined ? { traceTimerEvents: opts.traceTimerEvents } : {}),
  };
}

/**
 * Warns of a host setting asked for that the run's kernel does not have: mitigations=on on a
 * kernel before 4.15 runs without them (the run's host line says "mitigations off").
 */
export async function warnHostSettingsWithoutEffect(ctx: CliContext, spec: RunSpec): Promise<void> {
  const asked = spec.set?.mitigations;
  const param = PARAM_BY_NAME.get('mitigations');
  if (asked === undefined || !param) return;
  let on: unknown;
  try {
    on = parseParamValue(param, asked);
  } catch {
    return; // the run's own checks refuse it, naming the field
  }
  if (on !== true) return;
  const kernel = spec.set?.kernel !== undefined ? String(spec.set.kernel) : profileDefaultKernel(await ctx.call('profiles:get', { name: spec.profile ?? 'HSW-2016' }));
  const release = parseRelease(kernel);
  if (release && !kernelFeatures(release).spec_mitigations) ctx.warn(`--set mitigations=${String(asked)} has no effect on kernel ${kernel}: the mitigations on VM exit and entry came in 4.15, so the run has none`);
}
