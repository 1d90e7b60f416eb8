/**
 * Profiles as users save them and as stored runs carry them: a built-in base plus overrides.
 * Resolving a document fills every cost it does not set from its base, so a cost added to the
 * built-in profiles later never breaks a saved profile or a stored run. Errors name the field.
 * Must not import anything but other src-shared modules.
 */
import type { CalibrationProvenance } from './calibration.js';
import { ConfigError, parseIntInRange, parseNumberInRange, parseParamValue } from './config.js';
import { OLDEST_KERNEL, profileDefaultKernel } from './kernels.js';
import { MAX_JITTER, MAX_PREEMPTION_X, MAX_TSC_KHZ, MIN_TSC_KHZ, type CostSpec, type Profile } from './profile.js';
import { BUILTIN_PROFILES, builtinProfile } from './profiles/index.js';

/** What a user profile stores: its base and only the values that differ from it. */
export interface ProfileDoc {
  name: string;
  description: string;
  base: string;
  overrides: {
    tsc_khz?: number;
    X?: number;
    defaultKernel?: string;
    apicv?: boolean;
    costs?: Record<string, Partial<CostSpec>>;
  };
  /** Where a calibrated profile comes from (calibration.ts, validated by readProvenance). */
  provenance?: CalibrationProvenance;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The base a document names, else the built-in of the same name, else the default profile. */
function baseOf(o: Record<string, unknown>, bases: readonly Profile[]): Profile {
  if (o.base !== undefined) {
    const named = typeof o.base === 'string' ? builtinProfile(o.base, bases) : undefined;
    if (!named) throw new ConfigError('profile.base', `expected a built-in profile (${bases.map((b) => b.name).join(', ')}), got "${String(o.base)}"`);
    return named;
  }
  return (typeof o.name === 'string' ? builtinProfile(o.name, bases) : undefined) ?? (bases[0] as Profile);
}

function validRelease(field: string, raw: unknown): string {
  return parseParamValue({ name: field, kind: 'release', default: OLDEST_KERNEL, help: '' }, raw) as string;
}

function parseBool(field: string, raw: unknown): boolean {
  return parseParamValue({ name: field, kind: 'bool', default: true, help: '' }, raw) as boolean;
}

function costOverride(name: string, raw: unknown, base: CostSpec): CostSpec {
  if (!isObject(raw)) throw new ConfigError(`profile.costs.${name}`, 'expected an object such as {"cycles": 300, "jitter": 0.08}');
  for (const k of Object.keys(raw)) {
    if (!['cycles', 'jitter', 'meaning', 'basis'].includes(k)) throw new ConfigError(`profile.costs.${name}.${k}`, 'unknown field (cycles, jitter, meaning, basis)');
  }
  return {
    cycles: raw.cycles === undefined ? base.cycles : parseIntInRange(`profile.costs.${name}.cycles`, raw.cycles, 0, 1e9, 'cycles'),
    jitter: raw.jitter === undefined ? base.jitter : parseNumberInRange(`profile.costs.${name}.jitter`, raw.jitter, 0, MAX_JITTER),
    meaning: typeof raw.meaning === 'string' ? raw.meaning.slice(0, 500) : base.meaning,
    basis: typeof raw.basis === 'string' ? raw.basis.slice(0, 500) : base.basis,
  };
}

/**
 * A complete profile from a stored document ({name, base, overrides}) or from a profile written
 * out whole or in part ({name, tsc_khz?, X?, costs?}, as `timer-lab profiles NAME --json` prints
 * it, or as a stored run carries it). Every cost the base defines is present in the result.
 */
export function resolveProfileDoc(raw: unknown, bases: readonly Profile[] = BUILTIN_PROFILES): Profile {
  if (!isObject(raw)) throw new ConfigError('profile', 'expected an object');
  if (typeof raw.name !== 'string' || !NAME_RE.test(raw.name)) {
    throw new ConfigError('profile.name', 'expected 1–64 letters, digits, space, dot, dash or underscore');
  }
  const base = baseOf(raw, bases);
  const values = raw.overrides === undefined ? raw : raw.overrides;
  if (!isObject(values)) throw new ConfigError('profile.overrides', 'expected an object');
  const costsIn = values.costs ?? {};
  if (!isObject(costsIn)) throw new ConfigError('profile.costs', 'expected an object');
  for (const k of Object.keys(costsIn)) {
    if (!Object.prototype.hasOwnProperty.call(base.costs, k)) throw new ConfigError(`profile.costs.${k}`, 'unknown cost');
  }
  const costs: Record<string, CostSpec> = {};
  for (const [name, spec] of Object.entries(base.costs)) {
    costs[name] = Object.prototype.hasOwnProperty.call(costsIn, name) ? costOverride(name, costsIn[name], spec) : { ...spec };
  }
  const profile: Profile = {
    name: raw.name,
    description: typeof raw.description === 'string' ? raw.description.slice(0, 500) : '',
    tsc_khz: values.tsc_khz === undefined ? base.tsc_khz : parseIntInRange('profile.tsc_khz', values.tsc_khz, MIN_TSC_KHZ, MAX_TSC_KHZ, 'kHz'),
    X: values.X === undefined ? base.X : parseIntInRange('profile.X', values.X, 0, MAX_PREEMPTION_X),
    costs,
  };
  // host facts are present only where the base or the document sets them (absent = intel, 4.9, APICv on)
  const defaultKernel = values.defaultKernel === undefined ? base.defaultKernel : validRelease('profile.defaultKernel', values.defaultKernel);
  const apicv = values.apicv === undefined ? base.apicv : parseBool('profile.apicv', values.apicv);
  if (base.vendor !== undefined) profile.vendor = base.vendor;
  if (defaultKernel !== undefined) profile.defaultKernel = defaultKernel;
  if (apicv !== undefined) profile.apicv = apicv;
  if (raw.base !== undefined && base.name !== profile.name) profile.base = base.name;
  return profile;
}

/** The stored form of a profile: its base and the values that differ from it. */
export function toProfileDoc(profile: Profile, bases: readonly Profile[] = BUILTIN_PROFILES): ProfileDoc {
  const base = baseOf({ base: profile.base }, bases);
  const overrides: ProfileDoc['overrides'] = {};
  if (profile.tsc_khz !== base.tsc_khz) overrides.tsc_khz = profile.tsc_khz;
  if (profile.X !== base.X) overrides.X = profile.X;
  if (profile.defaultKernel !== undefined && profile.defaultKernel !== profileDefaultKernel(base)) overrides.defaultKernel = profile.defaultKernel;
  if (profile.apicv !== undefined && profile.apicv !== (base.apicv ?? true)) overrides.apicv = profile.apicv;
  const costs: Record<string, Partial<CostSpec>> = {};
  for (const [name, spec] of Object.entries(profile.costs)) {
    const b = base.costs[name];
    if (!b) continue;
    const diff: Partial<CostSpec> = {};
    if (spec.cycles !== b.cycles) diff.cycles = spec.cycles;
    if (spec.jitter !== b.jitter) diff.jitter = spec.jitter;
    if (spec.meaning !== b.meaning) diff.meaning = spec.meaning;
    if (spec.basis !== b.basis) diff.basis = spec.basis;
    if (Object.keys(diff).length > 0) costs[name] = diff;
  }
  if (Object.keys(costs).length > 0) overrides.costs = costs;
  return { name: profile.name, description: profile.description, base: base.name, overrides };
}

/** Why a new profile cannot take a saved profile's name; each front door adds its remedy. */
export function profileNameTaken(savedName: string, calibrated: boolean): string {
  return `${calibrated ? 'a calibrated profile' : 'a profile'} named "${savedName}" exists already`;
}
