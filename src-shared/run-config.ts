/**
 * Checking a complete RunConfig that comes from outside: an API argument, or a stored run read
 * back. Costs and parameters added since the config was written are filled in (costs from the
 * profile's base, parameters from their defaults), so old runs keep loading and reproducing.
 * Errors name the field. Must not import anything but other src-shared modules.
 */
import { ConfigError, defaultRunParams, PARAM_BY_NAME, parseParamValue, validateSamples, validateSeed, type RunConfig } from './config.js';
import type { Profile } from './profile.js';
import { MECHANISM_IDS, type MechanismId } from './kernels.js';
import { resolveProfileDoc } from './profile-doc.js';
import { BUILTIN_PROFILES } from './profiles/index.js';
import { isStrategy, STRATEGIES } from './strategies.js';
import { isWorkload, WORKLOADS } from './workloads.js';

export function validateRunConfig(raw: unknown, bases: readonly Profile[] = BUILTIN_PROFILES): RunConfig {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError('config', 'expected an object');
  const o = raw as Record<string, unknown>;
  if (!isWorkload(o.workload)) throw new ConfigError('workload', `expected one of ${WORKLOADS.join(', ')}`);
  if (!isStrategy(o.strategy)) throw new ConfigError('strategy', `expected one of ${STRATEGIES.join(', ')}`);
  const profile = resolveProfileDoc(o.profile, bases);
  const paramsIn = o.params ?? {};
  if (typeof paramsIn !== 'object' || paramsIn === null) throw new ConfigError('params', 'expected an object');
  const params = defaultRunParams() as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(paramsIn)) {
    if (k === 'mechanisms') {
      params.mechanisms = validMechanisms(v);
      continue;
    }
    if (k === 'immediateShortcut') {
      // Runs stored before kernel releases were modelled: the shortcut was a switch on 4.9.
      if (v === true) params.mechanisms = { ...(params.mechanisms as object), expired_inject: true };
      continue;
    }
    const spec = PARAM_BY_NAME.get(k);
    if (!spec) throw new ConfigError(`params.${k}`, 'unknown parameter');
    params[k] = parseParamValue(spec, v);
  }
  return {
    workload: o.workload,
    strategy: o.strategy,
    profile,
    params: params as unknown as RunConfig['params'],
    samples: validateSamples(o.samples),
    seed: validateSeed(o.seed),
  };
}

function validMechanisms(raw: unknown): Partial<Record<MechanismId, boolean>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('params.mechanisms', 'expected an object of mechanism: true|false');
  const out: Partial<Record<MechanismId, boolean>> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(MECHANISM_IDS as readonly string[]).includes(k)) throw new ConfigError(`params.mechanisms.${k}`, 'unknown mechanism');
    if (typeof v !== 'boolean') throw new ConfigError(`params.mechanisms.${k}`, 'expected true or false');
    out[k as MechanismId] = v;
  }
  return out;
}

/**
 * A stored run's config as the current version reads it (gaps filled as above); the parsed JSON
 * as it is when it no longer validates, so a run is always shown.
 */
export function readStoredRunConfig(json: string, bases: readonly Profile[] = BUILTIN_PROFILES): RunConfig {
  const raw = JSON.parse(json) as RunConfig;
  try {
    return validateRunConfig(raw, bases);
  } catch {
    return raw;
  }
}
