/**
 * Parameter sweeps, as plain functions (no runes, no DOM) so they can be unit tested: which
 * parameters a workload can sweep (every run parameter it reads, whatever its kind — integer,
 * enumerated, on/off or kernel release — plus the profile's X), parsing and checking the typed
 * values and the fixed settings, saying when a swept parameter has no effect, the runs of one
 * sweep experiment (values × second values × strategies × repeats), and turning the stored runs
 * back into a table (a sweep reopened from History). Also the name check of "Save as profile…".
 */
import { applySetting, ConfigError, defaultRunParams, parseIntInRange, parseParamValue, SETTING_NAME } from '../../src-shared/config.js';
import type { AcrossRuns, ProfileInfo, RunDetail, RunSpec, RunStatus } from '../../src-shared/contract.js';
import { MAX_REPEATS, MAX_RUNS_PER_EXPERIMENT } from '../../src-shared/experiment-limits.js';
import { paramNoEffect } from '../../src-shared/param-effects.js';
import { MAX_PREEMPTION_X, type Profile } from '../../src-shared/profile.js';
import { STRATEGIES, type Strategy } from '../../src-shared/strategies.js';
import { RUN_PARAMS, type ParamSpec, type Workload } from '../../src-shared/workloads.js';
import { compareReleases, parseRelease, profileDefaultKernel } from '../../src-shared/kernels.js';
import { BUILTIN_PROFILES } from '../../src-shared/profiles/index.js';
import { profileNameTaken } from '../../src-shared/profile-doc.js';

export { MAX_REPEATS, MAX_RUNS_PER_EXPERIMENT };

export const SWEEP_MIN_VALUES = 2;
export const SWEEP_MAX_VALUES = 12;
/** Experiments named "sweep <param>[ × <param>] on <workload>" are sweeps. */
export const SWEEP_PREFIX = 'sweep ';

export type SweepValue = number | string | boolean;
export type SweepKind = 'int' | 'enum' | 'bool' | 'release';

/** A parameter a sweep can vary: a run parameter of any kind, or the profile's X. */
export interface SweepParam {
  name: string;
  kind: SweepKind;
  unit?: string;
  min?: number;
  max?: number;
  /** Allowed values of an enumerated parameter (or the known releases). */
  values?: readonly string[];
  /** The run parameter's default (absent for X: it comes from the profile). */
  default?: SweepValue;
  help: string;
}

export const X_PARAM: SweepParam = {
  name: 'X',
  kind: 'int',
  min: 0,
  max: 31,
  help: "the profile's preemption-timer rate: one tick per 2^X TSC cycles (changes vmx-preemption only)",
};

function kindOf(p: ParamSpec): SweepKind {
  const k = p.kind as string;
  return k === 'enum' || k === 'bool' || k === 'release' ? k : 'int';
}

function fromSpec(p: ParamSpec): SweepParam {
  return {
    name: p.name,
    kind: kindOf(p),
    ...(p.unit ? { unit: p.unit } : {}),
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(p.values ? { values: p.values } : {}),
    default: p.default,
    help: p.help,
  };
}

/** Every run parameter the workload reads (any kind), then the profile's X. */
export function sweepParams(workload: Workload): SweepParam[] {
  return [...RUN_PARAMS.filter((p) => !p.workloads || p.workloads.includes(workload)).map(fromSpec), X_PARAM];
}

/** The parameter by name (any workload), or null. */
export function sweepParamByName(name: string): SweepParam | null {
  if (name === 'X') return X_PARAM;
  const p = RUN_PARAMS.find((s) => s.name === name);
  return p ? fromSpec(p) : null;
}

/** A value as the form and the table write it: on/off for switches. */
export function formatSweepValue(v: SweepValue | null): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return typeof v === 'number' ? v.toLocaleString('en-US') : v;
}

/** A value as the form's text field takes it back: on/off for switches, plain digits for numbers. */
export function valueText(v: SweepValue): string {
  return typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
}

/** Release texts in order (4.9 < 4.19 < 5.15 < 6.8); text that is not a release after them, as given. */
function compareReleaseTexts(a: string, b: string): number {
  const ra = parseRelease(a);
  const rb = parseRelease(b);
  if (ra && rb) return compareReleases(ra, rb);
  return Number(ra === null) - Number(rb === null);
}

/** Values in the order a sweep runs and draws them (numbers and releases ascending, off before on, enums as listed). */
export function sortValues(param: SweepParam, values: readonly SweepValue[]): SweepValue[] {
  const rank = (v: SweepValue): number => (param.kind === 'enum' ? (param.values ?? []).indexOf(String(v)) : 0);
  return [...values].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    if (param.kind === 'release') return compareReleaseTexts(String(a), String(b));
    return rank(a) - rank(b);
  });
}

/** The built-in profiles' kernels, oldest first: the releases a kernel sweep starts from. */
const PROFILE_KERNELS: readonly string[] = [...new Set(BUILTIN_PROFILES.map((p) => profileDefaultKernel(p)))].sort(compareReleaseTexts);

/** A starting list of values: half, once and twice the default (X: 0, 5, 10); off and on; every enumerated value; the built-in profiles' kernels. */
export function suggestValues(param: SweepParam, current?: SweepValue): SweepValue[] {
  if (param.kind === 'bool') return [false, true];
  if (param.kind === 'release' && !param.values?.length) return [...PROFILE_KERNELS];
  if (param.kind === 'enum' || param.kind === 'release') return [...(param.values ?? [])].slice(0, SWEEP_MAX_VALUES);
  const min = param.min ?? 0;
  const max = param.max ?? Number.MAX_SAFE_INTEGER;
  const d = typeof current === 'number' ? current : typeof param.default === 'number' ? param.default : undefined;
  let vals: number[];
  if (param.name === 'X') vals = [0, 5, 10];
  else if (d !== undefined && d > 0) vals = [Math.round(d / 2), d, d * 2];
  else vals = [min, Math.max(min + 1, Math.min(max, 100_000)), Math.min(max, 1_000_000)];
  return [...new Set(vals.map((v) => Math.min(max, Math.max(min, v))))];
}

const RELEASE = /^\d+\.\d+(?:\.\d+)?$/;

/** One typed value of a parameter of any kind; throws ConfigError naming the parameter. */
export function parseOneValue(param: SweepParam, token: string): SweepValue {
  if (param.name === 'X') return parseIntInRange('X', token, 0, MAX_PREEMPTION_X);
  if (param.kind === 'release') {
    if (!RELEASE.test(token)) throw new ConfigError(param.name, `expected a kernel release such as 5.15, got "${token}"`);
    if (param.values && !param.values.includes(token)) throw new ConfigError(param.name, `expected one of ${param.values.join(', ')}, got "${token}"`);
    const spec = RUN_PARAMS.find((p) => p.name === param.name && p.kind === 'release');
    return spec ? (parseParamValue(spec, token) as string) : token;
  }
  const spec = RUN_PARAMS.find((p) => p.name === param.name);
  if (!spec) throw new ConfigError(param.name, 'unknown parameter');
  return parseParamValue(spec, token);
}

export interface ParsedValues {
  values: SweepValue[];
  /** One message per problem, naming the offending entry. */
  errors: string[];
}

/** Parses "100000, 200_000, 400000" (or "off, on", "hlt, poll", "4.9, 6.8"): 2–12 distinct values within the parameter's rules. */
export function parseSweepValues(text: string, param: SweepParam): ParsedValues {
  const tokens = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const values: SweepValue[] = [];
  const errors: string[] = [];
  for (const tok of tokens) {
    try {
      const v = parseOneValue(param, tok);
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

export interface ParsedFixed {
  set: Record<string, string>;
  errors: string[];
}

/** "hostNoise=on, guestIdle=poll": settings every run of the sweep gets, checked like `--set`. */
export function parseFixedSettings(text: string, profile: Profile | null): ParsedFixed {
  const set: Record<string, string> = {};
  const errors: string[] = [];
  for (const item of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq > 0 ? item.slice(0, eq).trim() : '';
    if (!SETTING_NAME.test(name)) {
      errors.push(`"${item}": expected name=value`);
      continue;
    }
    const value = item.slice(eq + 1).trim();
    try {
      if (profile) applySetting(defaultRunParams(), profile, name, value);
      set[name] = value;
    } catch (err) {
      errors.push(err instanceof ConfigError ? err.message : String(err));
    }
  }
  return { set, errors };
}

/** Why the runs do not fit in one experiment, or null when they do. */
export function runCountError(values: number, strategies: number, repeat = 1, values2 = 1): string | null {
  const n = values * values2 * strategies * repeat;
  const parts = [`${values} values`, ...(values2 > 1 ? [`${values2} second values`] : []), `${strategies} strateg${strategies === 1 ? 'y' : 'ies'}`, ...(repeat > 1 ? [`${repeat} repeats`] : [])];
  return n > MAX_RUNS_PER_EXPERIMENT ? `${parts.join(' × ')} = ${n} runs; one experiment holds at most ${MAX_RUNS_PER_EXPERIMENT}: drop some values, a strategy or repeats` : null;
}

export function sweepExperimentName(params: readonly string[], workload: Workload): string {
  return `${SWEEP_PREFIX}${params.join(' × ')} on ${workload}`;
}

export interface SweepAxis {
  name: string;
  values: SweepValue[];
}

export interface SweepPlan {
  workload: Workload;
  /** One parameter, or two for a heat map. */
  axes: SweepAxis[];
  strategies: Strategy[];
  profile: string;
  samples: number;
  seed: number;
  /** Seeds per point (seed, seed+1, …); 1 = no repeats. */
  repeat?: number;
  /** Settings every run gets (e.g. hostNoise=on). */
  fixed?: Record<string, SweepValue>;
}

/** One run per (value [× second value] × strategy × seed), values in sweep order, strategies in the lab's order. */
export function sweepRuns(plan: SweepPlan): RunSpec[] {
  const strategies = STRATEGIES.filter((s) => plan.strategies.includes(s));
  const combos: Array<Record<string, SweepValue>> = [{}];
  for (const axis of plan.axes) {
    const p = sweepParamByName(axis.name);
    const values = p ? sortValues(p, axis.values) : axis.values;
    const next: Array<Record<string, SweepValue>> = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [axis.name]: v });
    combos.splice(0, combos.length, ...next);
  }
  const repeat = Math.max(1, plan.repeat ?? 1);
  return combos.flatMap((set) =>
    strategies.flatMap((strategy) =>
      Array.from({ length: repeat }, (_, i) => ({
        workload: plan.workload,
        strategy,
        profile: plan.profile,
        samples: plan.samples,
        seed: plan.seed + i,
        set: { ...(plan.fixed ?? {}), ...set },
        trace: false,
      })),
    ),
  );
}

/**
 * What the sweep should be told before it runs: a swept parameter that the workload or a chosen
 * strategy does not read, or that acts only under a switch the sweep leaves off.
 */
export function sweepEffectWarnings(workload: Workload, axes: readonly string[], strategies: readonly Strategy[], fixed: Record<string, unknown>): string[] {
  const params: Record<string, unknown> = { ...defaultRunParams(), ...Object.fromEntries(Object.entries(fixed).map(([k, v]) => [k, normalizeFixed(k, v)])) };
  const out: string[] = [];
  for (const name of axes) {
    const blanket = paramNoEffect(name, { workload, params });
    if (blanket) {
      const req = /acts only while (\w+) is on/.exec(blanket);
      out.push(`${blanket}: every run would give the same result${req ? ` — add ${req[1]}=on to the fixed settings` : ''}`);
      continue;
    }
    for (const s of strategies) {
      const why = paramNoEffect(name, { workload, strategy: s, params });
      if (why) out.push(`${why}: its results do not change`);
    }
  }
  return out;
}

function normalizeFixed(name: string, v: unknown): unknown {
  const spec = RUN_PARAMS.find((p) => p.name === name);
  if (!spec) return v;
  try {
    return parseParamValue(spec, v);
  } catch {
    return v;
  }
}

/** The swept value of a stored run, or null when its configuration does not tell. */
export function sweepValueOf(run: Pick<RunDetail, 'config'>, param: string): SweepValue | null {
  const cfg = run.config;
  if (!cfg) return null;
  const v = param === 'X' ? cfg.profile.X : (cfg.params as unknown as Record<string, unknown>)[param];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
}

/**
 * Which parameters a stored sweep varied: its experiment's name says so ("sweep delta × X on …");
 * otherwise the sweepable parameters whose values differ between the runs (at most two).
 */
export function detectSweepParams(runs: ReadonlyArray<Pick<RunDetail, 'name' | 'config'> & { experimentName?: string | null }>): string[] {
  for (const r of runs) {
    const m = /^sweep (.+?) on /.exec(r.experimentName ?? '') ?? /^sweep (\S+)/.exec(r.name);
    if (!m) continue;
    const names = (m[1] as string).split(' × ').map((n) => n.trim());
    if (names.every((n) => sweepParamByName(n))) return names;
  }
  const names = [...RUN_PARAMS.map((p) => p.name), 'X'];
  return names.filter((n) => new Set(runs.map((r) => JSON.stringify(sweepValueOf(r, n)))).size > 1).slice(0, 2);
}

export interface SweepRow {
  runId: number;
  name: string;
  value: SweepValue | null;
  /** The second parameter's value (two-parameter sweeps). */
  value2: SweepValue | null;
  strategy: string;
  seed: number | null;
  status: RunStatus;
  unit: 'cycles' | 'ns';
  mean: number | null;
  p50: number | null;
  p99: number | null;
  max: number | null;
  /** The spread across this point's repeats (when it has some). */
  across: AcrossRuns | null;
  error: string | null;
}

function valueRank(param: SweepParam | null, v: SweepValue | null): number {
  if (v === null) return Infinity;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  if (param?.kind === 'enum') return (param.values ?? []).indexOf(v);
  return 0;
}

/** The table of a sweep: one row per run, by value (then second value), strategy and seed. */
export function sweepRows(runs: readonly RunDetail[], params: readonly string[]): SweepRow[] {
  const [p1, p2] = params.map(sweepParamByName);
  const rank = (s: string): number => {
    const i = (STRATEGIES as readonly string[]).indexOf(s);
    return i < 0 ? STRATEGIES.length : i;
  };
  const cmp = (p: SweepParam | null | undefined, a: SweepValue | null, b: SweepValue | null): number =>
    p?.kind === 'release' && typeof a === 'string' && typeof b === 'string' ? compareReleaseTexts(a, b) : valueRank(p ?? null, a) - valueRank(p ?? null, b);
  return runs
    .map((r): SweepRow => {
      const lat = r.summary?.latency;
      return {
        runId: r.id,
        name: r.name,
        value: params[0] ? sweepValueOf(r, params[0]) : null,
        value2: params[1] ? sweepValueOf(r, params[1]) : null,
        strategy: r.strategy,
        seed: r.seed,
        status: r.status,
        unit: lat?.unit ?? r.unit ?? 'cycles',
        mean: lat?.mean ?? r.mean,
        p50: lat?.p50 ?? null,
        p99: lat?.p99 ?? r.p99,
        max: lat?.max ?? null,
        across: r.repeats ?? null,
        error: r.error,
      };
    })
    .sort((a, b) => cmp(p1, a.value, b.value) || cmp(p2, a.value2, b.value2) || rank(a.strategy) - rank(b.strategy) || (a.seed ?? 0) - (b.seed ?? 0) || a.runId - b.runId);
}

/** One point of a sweep chart per (value [, second value], strategy): its runs folded together. */
export interface SweepCell {
  value: SweepValue;
  value2: SweepValue | null;
  strategy: string;
  runs: number;
  /** Mean latency: of the one run, or the mean of the repeats' means. */
  mean: number;
  p99: number;
  /** 95 % interval of the mean across repeats (absent without repeats). */
  meanLo?: number;
  meanHi?: number;
}

/**
 * Folds finished rows into cells: repeats of a point become one cell with the spread across them,
 * taken from the repeat whose spread covers the most runs (a repeat read before the others
 * finished carries the spread of fewer).
 */
export function sweepCells(rows: readonly SweepRow[]): SweepCell[] {
  const cells = new Map<string, { row: SweepRow; means: number[]; p99s: number[]; across: AcrossRuns | null }>();
  for (const r of rows) {
    if (r.status !== 'done' || r.value === null || r.mean === null || r.p99 === null) continue;
    const key = JSON.stringify([r.value, r.value2, r.strategy]);
    const c = cells.get(key) ?? { row: r, means: [], p99s: [], across: null };
    c.means.push(r.mean);
    c.p99s.push(r.p99);
    if (r.across && (!c.across || r.across.n > c.across.n)) c.across = r.across;
    cells.set(key, c);
  }
  return [...cells.values()].map(({ row, means, p99s, across: a }) => {
    const cell: SweepCell = {
      value: row.value as SweepValue,
      value2: row.value2,
      strategy: row.strategy,
      runs: means.length,
      mean: means.reduce((s, v) => s + v, 0) / means.length,
      p99: p99s.reduce((s, v) => s + v, 0) / p99s.length,
    };
    if (a && a.n >= 2 && means.length >= 2) Object.assign(cell, { meanLo: a.ciLow, meanHi: a.ciHigh });
    return cell;
  });
}

/** A strategy whose results are all the same across the swept values: the parameter did nothing for it. */
export function flatStrategies(cells: readonly SweepCell[]): string[] {
  const by = new Map<string, number[]>();
  for (const c of cells) by.set(c.strategy, [...(by.get(c.strategy) ?? []), c.mean]);
  return [...by].filter(([, means]) => means.length > 1 && means.every((m) => m === means[0])).map(([s]) => s);
}

/** Rules of profiles:save for a name (validateProfile), plus: no profile, built-in or saved, has it (in any case). */
export function profileNameError(raw: string, profiles: readonly ProfileInfo[]): string | null {
  const name = raw.trim();
  if (name === '') return 'give the profile a name';
  if (name.length > 64) return `at most 64 characters (${name.length} given)`;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(name)) return 'use letters, digits, space, dot, dash or underscore, starting with a letter or digit';
  const builtIn = profiles.find((p) => p.builtIn && p.name.toLowerCase() === name.toLowerCase());
  if (builtIn) return `"${builtIn.name}" is a built-in profile; choose another name`;
  const saved = profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (saved) return `${profileNameTaken(saved.name, false)}; choose another name`;
  return null;
}
