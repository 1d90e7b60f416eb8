/**
 * A run's full configuration as plain data, and the rules that turn user input (`--set
 * name=value`, form fields, API arguments) into one. Every bad value gets an error naming the
 * field. Must not import anything but src-shared modules.
 */
import { kernelDefaults, kernelFeatures, MECHANISM_IDS, OLDEST_KERNEL, parseRelease, profileDefaultKernel, compareReleases, type MechanismId, type Release } from './kernels.js';
import { COST_NAMES, MAX_JITTER, MAX_PREEMPTION_X, MAX_TSC_KHZ, MIN_TSC_KHZ, type Profile } from './profile.js';
import type { Strategy } from './strategies.js';
import { MAX_SAMPLES, RUN_PARAMS, type ParamSpec, type Workload } from './workloads.js';

export interface RunParams {
  delta: number;
  breakmax: number;
  vmexitDelta: number;
  interval: number;
  guestIdle: 'hlt' | 'poll';
  hostNoise: boolean;
  hostIrqRateHz: number;
  hostIrqCycles: number;
  preemptRateHz: number;
  preemptCycles: number;
  /** Samples discarded before recording starts. */
  warmup: number;
  /** Host Linux release, X.Y[.Z]. */
  kernel: string;
  apicv: boolean;
  mitigations: boolean;
  timerAdvanceNs: number;
  hltInGuest: boolean;
  haltPollNs: number;
  tscScaling: boolean;
  guestTscKhz: number;
  /** Mechanisms switched on or off against what the kernel release has (`mech.<id>=on|off`). */
  mechanisms: Partial<Record<MechanismId, boolean>>;
}

export interface RunConfig {
  workload: Workload;
  strategy: Strategy;
  /** The whole profile, every cost included, so a stored run can be reproduced exactly. */
  profile: Profile;
  params: RunParams;
  samples: number;
  seed: number;
}

/** The guest TSC frequency: the scaled one when TSC scaling is on, else the host's (samples' unit). */
export function guestTscKhz(config: Pick<RunConfig, 'params' | 'profile'>): number {
  return config.params.tscScaling ? config.params.guestTscKhz : config.profile.tsc_khz;
}

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The run parameters with their 4.9 / HSW-2016 defaults (see runParamsFor for a profile's). */
export function defaultRunParams(): RunParams {
  const out: Record<string, unknown> = {};
  for (const p of RUN_PARAMS) out[p.name] = p.default;
  out.mechanisms = {};
  return out as unknown as RunParams;
}

/** The parsed release of a run, or of text that already passed parseParamValue. */
export function releaseOf(kernel: string): Release {
  const r = parseRelease(kernel);
  if (!r) throw new ConfigError('kernel', `expected a release such as 5.15 or 6.1.20, got "${kernel}"`);
  return r;
}

/**
 * Defaults that depend on the profile and the kernel: the profile's kernel and APICv setting,
 * and the kernel's timer advance and halt-poll cap. `explicit` holds what the user set; only the
 * others are filled in.
 */
export function applyContextDefaults(params: RunParams, profile: Profile, explicit: ReadonlySet<string>): RunParams {
  const out = { ...params };
  if (!explicit.has('kernel')) out.kernel = profileDefaultKernel(profile);
  if (!explicit.has('apicv')) out.apicv = profile.apicv ?? true;
  const release = releaseOf(out.kernel);
  const k = kernelDefaults(release, kernelFeatures(release, out.mechanisms));
  if (!explicit.has('timerAdvanceNs')) out.timerAdvanceNs = k.timerAdvanceNs;
  if (!explicit.has('haltPollNs')) out.haltPollNs = k.haltPollNs;
  return out;
}

export const PARAM_BY_NAME = new Map(RUN_PARAMS.map((p) => [p.name, p]));


/** Parses and range-checks one parameter value given as text or as a typed value. */
export function parseParamValue(spec: ParamSpec, raw: unknown): number | string | boolean {
  const field = spec.name;
  if (spec.kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    const s = String(raw).toLowerCase();
    if (['on', 'true', '1', 'yes'].includes(s)) return true;
    if (['off', 'false', '0', 'no'].includes(s)) return false;
    throw new ConfigError(field, `expected on or off (or true/false, yes/no, 1/0), got "${String(raw)}"`);
  }
  if (spec.kind === 'release') {
    // as a number, 5.10 is 5.1: a release is only taken as text
    if (typeof raw !== 'string') throw new ConfigError(field, `expected a Linux release as text, such as "5.15" or "6.1.20" (a number loses trailing zeros: 5.10 is 5.1), got ${typeof raw === 'number' ? raw : typeof raw}`);
    const s = raw.trim();
    const r = parseRelease(s);
    if (!r) throw new ConfigError(field, `expected a Linux release such as 5.15 or 6.1.20, got "${s}"`);
    if (compareReleases(r, parseRelease(OLDEST_KERNEL) as Release) < 0) {
      throw new ConfigError(field, `the lab models releases from ${OLDEST_KERNEL} on (the hv timer arrived in 4.8/4.9), got ${s}`);
    }
    return s;
  }
  if (spec.kind === 'enum') {
    const s = String(raw);
    if (!spec.values?.includes(s)) {
      throw new ConfigError(field, `expected one of ${spec.values?.join(', ')}, got "${s}"`);
    }
    return s;
  }
  return parseIntInRange(field, raw, spec.min ?? 0, spec.max ?? Number.MAX_SAFE_INTEGER, spec.unit);
}

/** Integer text as people write it: an optional minus and decimal digits, `_` between digits (200_000). */
const DECIMAL_INTEGER = /^-?\d+(?:_\d+)*$/;
/** Decimal number text: digits with an optional fraction and exponent (0.3, .3, 3e-1); no hex, no Infinity. */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The integer a plain decimal text denotes, or null for anything else (0x100, 0o7, 0b11, +5, 1e3, 1.0, ''). */
export function parseDecimalInteger(text: string): number | null {
  const t = text.trim();
  return DECIMAL_INTEGER.test(t) ? Number(t.replace(/_/g, '')) : null;
}

/** What can be a setting name (`delta`, `pending_inject.jitter`): a letter first, then letters, digits, _ and dots. */
export const SETTING_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;

export function parseIntInRange(
  field: string,
  raw: unknown,
  min: number,
  max: number,
  unit?: string,
): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? (parseDecimalInteger(raw) ?? NaN) : NaN;
  if (!Number.isFinite(n) || !Number.isInteger(n)) {
    throw new ConfigError(field, `expected an integer in plain decimal digits, got "${String(raw)}"`);
  }
  if (n < min || n > max) {
    throw new ConfigError(field, `must be between ${min} and ${max}${unit ? ` ${unit}` : ''}, got ${n}`);
  }
  return n;
}

export function parseNumberInRange(field: string, raw: unknown, min: number, max: number): number {
  const text = typeof raw === 'string' ? raw.trim() : '';
  const n = typeof raw === 'number' ? raw : DECIMAL_NUMBER.test(text) ? Number(text.replace(/_/g, '')) : NaN;
  if (!Number.isFinite(n)) throw new ConfigError(field, `expected a number, got "${String(raw)}"`);
  if (n < min || n > max) throw new ConfigError(field, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Names accepted by `--set`: run parameters, profile scalars, costs and `<cost>.jitter`. */
export function settableNames(): string[] {
  return [
    ...RUN_PARAMS.map((p) => p.name),
    'X',
    'tsc_khz',
    ...COST_NAMES,
    ...COST_NAMES.map((c) => `${c}.jitter`),
    ...MECHANISM_IDS.map((m) => `${MECHANISM_PREFIX}${m}`),
  ];
}

/** `--set mech.<id>=on|off` switches one kernel mechanism. */
export const MECHANISM_PREFIX = 'mech.';

/**
 * A run's parameters as `--set` would write them (`name=value`, and `mech.<id>=on|off` for each
 * switched mechanism), those `keep` accepts; mechanisms are always kept.
 */
export function paramAssignments(params: RunParams, keep: (name: string, value: unknown) => boolean): string[] {
  const all = params as unknown as Record<string, unknown>;
  return [
    ...Object.keys(all)
      .filter((k) => k !== 'mechanisms' && keep(k, all[k]))
      .map((k) => `${k}=${String(all[k])}`),
    ...Object.entries(params.mechanisms ?? {}).map(([k, on]) => `${MECHANISM_PREFIX}${k}=${on ? 'on' : 'off'}`),
  ];
}

function parseOnOff(field: string, raw: unknown): boolean {
  return parseParamValue({ name: field, kind: 'bool', default: false, help: '' }, raw) as boolean;
}

/**
 * Applies one `name=value` override to params or profile (both copied, never mutated).
 * Unknown names and bad values throw ConfigError naming the field.
 */
export function applySetting(
  params: RunParams,
  profile: Profile,
  name: string,
  raw: unknown,
): { params: RunParams; profile: Profile } {
  const spec = PARAM_BY_NAME.get(name);
  if (spec) return { params: { ...params, [name]: parseParamValue(spec, raw) }, profile };
  if (name.startsWith(MECHANISM_PREFIX)) {
    const id = name.slice(MECHANISM_PREFIX.length);
    if (!(MECHANISM_IDS as readonly string[]).includes(id)) {
      const near = closestName(id, MECHANISM_IDS);
      throw new ConfigError(name, `unknown mechanism${near ? `; did you mean "${MECHANISM_PREFIX}${near}"?` : ''} (\`timer-lab kernels\` lists them)`);
    }
    return { params: { ...params, mechanisms: { ...params.mechanisms, [id]: parseOnOff(name, raw) } }, profile };
  }
  if (name === 'immediateShortcut') {
    throw new ConfigError(name, 'replaced by the kernel release: the expired-deadline shortcut is mechanism expired_inject (4.13 on); give kernel=4.13 or later, or mech.expired_inject=on');
  }
  if (name === 'X') return { params, profile: { ...profile, X: parseIntInRange('X', raw, 0, MAX_PREEMPTION_X) } };
  if (name === 'tsc_khz') {
    return { params, profile: { ...profile, tsc_khz: parseIntInRange('tsc_khz', raw, MIN_TSC_KHZ, MAX_TSC_KHZ, 'kHz') } };
  }
  const [cost, sub, ...rest] = name.split('.') as [string, string | undefined, ...string[]];
  if ((COST_NAMES as readonly string[]).includes(cost) && (sub === undefined || sub === 'jitter') && rest.length === 0) {
    const old = profile.costs[cost];
    if (!old) throw new ConfigError(name, 'the profile does not define this cost');
    const next =
      sub === 'jitter'
        ? { ...old, jitter: parseNumberInRange(name, raw, 0, MAX_JITTER) }
        : { ...old, cycles: parseIntInRange(name, raw, 0, 1e9, 'cycles') };
    return { params, profile: { ...profile, costs: { ...profile.costs, [cost]: next } } };
  }
  throw new ConfigError(name, unknownParameterMessage(name));
}

/** What an unknown setting is told: the nearest known name, and where the names are listed. */
export function unknownParameterMessage(name: string): string {
  const near = closestName(name, settableNames());
  return `unknown parameter${near ? `; did you mean "${near}"?` : ''} (run parameters: ${RUN_PARAMS.map((p) => p.name).join(', ')}; profile: X, tsc_khz, any cost name or <cost>.jitter — \`timer-lab profiles HSW-2016\` lists them)`;
}

/** Whether a run parameter is read by a workload (absent = every workload). */
export function paramAppliesTo(name: string, workload: Workload): boolean {
  const spec = PARAM_BY_NAME.get(name);
  return !spec?.workloads || spec.workloads.includes(workload);
}

/** The known name nearest to `name` (edit distance ≤ 2, case-insensitive), if any. */
export function closestName(name: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Checks samples and seed. */
export function validateSamples(raw: unknown): number {
  return parseIntInRange('samples', raw, 1, MAX_SAMPLES);
}
export function validateSeed(raw: unknown): number {
  return parseIntInRange('seed', raw, 0, Number.MAX_SAFE_INTEGER);
}
