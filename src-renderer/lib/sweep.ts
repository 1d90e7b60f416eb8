/**
 * Parameter sweeps, as plain functions (no runes, no DOM) so they can be unit tested: which
 * parameters a workload can sweep, parsing and checking the typed values, the runs of one sweep
 * experiment, and turning the stored runs back into a table (a sweep reopened from History).
 * Also the name check of "Save as profile…".
 */
import { ConfigError, parseIntInRange } from '../../src-shared/config.js';
import type { ProfileInfo, RunDetail, RunSpec, RunStatus } from '../../src-shared/contract.js';
import { STRATEGIES, type Strategy } from '../../src-shared/strategies.js';
import { RUN_PARAMS, type Workload } from '../../src-shared/workloads.js';

export const SWEEP_MIN_VALUES = 2;
export const SWEEP_MAX_VALUES = 8;
/** `experiments:submit` takes at most this many runs. */
export const MAX_RUNS_PER_EXPERIMENT = 16;
/** Experiments named "sweep <param> …" are sweeps (their runs: "sweep <param> … · <strategy>"). */
export const SWEEP_PREFIX = 'sweep ';

/** A numeric parameter a sweep can vary: an int run parameter or the profile's X. */
export interface SweepParam {
  name: string;
  unit?: string;
  min: number;
  max: number;
  /** The run parameter's default (absent for X: it comes from the profile). */
  default?: number;
  help: string;
}

export const X_PARAM: SweepParam = {
  name: 'X',
  min: 0,
  max: 31,
  help: "the profile's preemption-timer rate: one tick per 2^X TSC cycles (changes vmx-preemption only)",
};

/** Int run parameters the workload reads, then the profile's X. */
export function sweepParams(workload: Workload): SweepParam[] {
  const out: SweepParam[] = RUN_PARAMS.filter((p) => p.kind === 'int' && (!p.workloads || p.workloads.includes(workload))).map((p) => ({
    name: p.name,
    ...(p.unit ? { unit: p.unit } : {}),
    min: p.min ?? 0,
    max: p.max ?? Number.MAX_SAFE_INTEGER,
    default: Number(p.default),
    help: p.help,
  }));
  out.push(X_PARAM);
  return out;
}

/** The parameter by name (any workload), or null. */
export function sweepParamByName(name: string): SweepParam | null {
  if (name === 'X') return X_PARAM;
  const p = RUN_PARAMS.find((s) => s.name === name && s.kind === 'int');
  return p ? { name: p.name, ...(p.unit ? { unit: p.unit } : {}), min: p.min ?? 0, max: p.max ?? Number.MAX_SAFE_INTEGER, default: Number(p.default), help: p.help } : null;
}

/** A starting list of values: half, once and twice the default (X: 0, 5, 10), within the limits. */
export function suggestValues(param: SweepParam, current?: number): number[] {
  const d = current ?? param.default;
  let vals: number[];
  if (param.name === 'X') vals = [0, 5, 10];
  else if (d !== undefined && d > 0) vals = [Math.round(d / 2), d, d * 2];
  else vals = [param.min, Math.max(param.min + 1, Math.min(param.max, 100_000)), Math.min(param.max, 1_000_000)];
  const clamped = vals.map((v) => Math.min(param.max, Math.max(param.min, v)));
  return [...new Set(clamped)];
}

export interface ParsedValues {
  values: number[];
  /** One message per problem, naming the offending entry. */
  errors: string[];
}

/** Parses "100000, 200_000, 400000": integers within the parameter's limits, 2–8 of them, no repeats. */
export function parseSweepValues(text: string, param: SweepParam): ParsedValues {
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const values: number[] = [];
  const errors: string[] = [];
  for (const tok of tokens) {
    try {
      const v = parseIntInRange(param.name, tok, param.min, param.max, param.unit);
      if (values.includes(v)) errors.push(`${tok} is listed twice`);
      else values.push(v);
    } catch (err) {
      errors.push(`"${tok}": ${err instanceof ConfigError ? err.message.replace(/^[^:]+: /, '') : String(err)}`);
    }
  }
  if (tokens.length < SWEEP_MIN_VALUES) errors.push(`give at least ${SWEEP_MIN_VALUES} values, separated by commas`);
  if (tokens.length > SWEEP_MAX_VALUES) errors.push(`at most ${SWEEP_MAX_VALUES} values (${tokens.length} given)`);
  return { values, errors };
}

/** Why the runs do not fit in one experiment, or null when they do. */
export function runCountError(values: number, strategies: number): string | null {
  const n = values * strategies;
  return n > MAX_RUNS_PER_EXPERIMENT
    ? `${values} values × ${strategies} strategies = ${n} runs; one experiment holds at most ${MAX_RUNS_PER_EXPERIMENT}: drop some values or a strategy`
    : null;
}

export function sweepExperimentName(param: string, workload: Workload): string {
  return `${SWEEP_PREFIX}${param} on ${workload}`;
}

export interface SweepPlan {
  workload: Workload;
  param: string;
  values: number[];
  strategies: Strategy[];
  profile: string;
  samples: number;
  seed: number;
}

/** One run per (value × strategy), values ascending, strategies in the lab's order. */
export function sweepRuns(plan: SweepPlan): RunSpec[] {
  const values = [...plan.values].sort((a, b) => a - b);
  const strategies = STRATEGIES.filter((s) => plan.strategies.includes(s));
  return values.flatMap((value) =>
    strategies.map((strategy) => ({
      workload: plan.workload,
      strategy,
      profile: plan.profile,
      samples: plan.samples,
      seed: plan.seed,
      set: { [plan.param]: value },
      trace: false,
    })),
  );
}

/** The swept value of a stored run, or null when its configuration does not tell. */
export function sweepValueOf(run: Pick<RunDetail, 'config'>, param: string): number | null {
  const cfg = run.config;
  if (!cfg) return null;
  const v = param === 'X' ? cfg.profile.X : (cfg.params as unknown as Record<string, unknown>)[param];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Which parameter a stored sweep varied: the name says so ("sweep delta on …"); otherwise the
 * first sweepable parameter whose value differs between the runs.
 */
export function detectSweepParam(runs: ReadonlyArray<Pick<RunDetail, 'name' | 'config'>>): string | null {
  for (const r of runs) {
    const m = /^sweep (\S+)/.exec(r.name);
    if (m && sweepParamByName(m[1] as string)) return m[1] as string;
  }
  const names = [...RUN_PARAMS.filter((p) => p.kind === 'int').map((p) => p.name), 'X'];
  for (const n of names) {
    const vals = new Set(runs.map((r) => sweepValueOf(r, n)).filter((v) => v !== null));
    if (vals.size > 1) return n;
  }
  return null;
}

export interface SweepRow {
  runId: number;
  name: string;
  value: number | null;
  strategy: string;
  status: RunStatus;
  unit: 'cycles' | 'ns';
  mean: number | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
  error: string | null;
}

/** The table of a sweep: one row per run, by value then strategy (the lab's order). */
export function sweepRows(runs: readonly RunDetail[], param: string): SweepRow[] {
  const rank = (s: string): number => {
    const i = (STRATEGIES as readonly string[]).indexOf(s);
    return i < 0 ? STRATEGIES.length : i;
  };
  return runs
    .map((r): SweepRow => {
      const lat = r.summary?.latency;
      return {
        runId: r.id,
        name: r.name,
        value: sweepValueOf(r, param),
        strategy: r.strategy,
        status: r.status,
        unit: lat?.unit ?? r.unit ?? 'cycles',
        mean: lat?.mean ?? r.mean,
        p50: lat?.p50 ?? null,
        p99: lat?.p99 ?? r.p99,
        max: lat?.max ?? null,
        error: r.error,
      };
    })
    .sort((a, b) => (a.value ?? Infinity) - (b.value ?? Infinity) || rank(a.strategy) - rank(b.strategy) || a.runId - b.runId);
}

/** Rules of profiles:save for a name (validateProfile), plus: not a built-in profile's name. */
export function profileNameError(raw: string, profiles: readonly ProfileInfo[]): string | null {
  const name = raw.trim();
  if (name === '') return 'give the profile a name';
  if (name.length > 64) return `at most 64 characters (${name.length} given)`;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(name)) return 'use letters, digits, space, dot, dash or underscore, starting with a letter or digit';
  const builtIn = profiles.find((p) => p.builtIn && p.name.toLowerCase() === name.toLowerCase());
  if (builtIn) return `"${builtIn.name}" is a built-in profile; choose another name`;
  return null;
}
