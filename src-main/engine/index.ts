/**
 * The engine's public surface: build a validated RunConfig, simulate shards, merge them, print
 * traces. Everything else in src-main/engine is internal. Pure: no node:*, electron, sqlite,
 * clocks or Math.random anywhere below this file.
 */
import {
  applySetting,
  ConfigError,
  defaultRunParams,
  isStrategy,
  isWorkload,
  validateSamples,
  validateSeed,
  type RunConfig,
} from '../../src-shared/config.js';
import type { Profile } from '../../src-shared/profile.js';
import { STRATEGIES, WORKLOADS } from '../../src-shared/workloads.js';

export { ENGINE_VERSION, SHARD_SIZE, mergeShards, planShards, simulate, simulateShard } from './run.js';
export type { MergedRun, ShardOptions, ShardResult } from './run.js';
export { formatTraceLine, formatTraceReport } from './trace.js';
export type { TraceRecord } from './trace.js';
export { BUILTIN_PROFILES, DEFAULT_PROFILE, builtinProfile } from './profiles/index.js';

export interface RunRequest {
  workload: unknown;
  strategy: unknown;
  profile: Profile;
  samples?: unknown;
  seed?: unknown;
  /** `--set name=value` overrides, applied in order. */
  set?: Record<string, unknown>;
}

/** Validates a request and returns the complete configuration (every cost included). */
export function buildRunConfig(req: RunRequest): RunConfig {
  if (!isWorkload(req.workload)) {
    throw new ConfigError('workload', `expected one of ${WORKLOADS.join(', ')}, got "${String(req.workload)}"`);
  }
  if (!isStrategy(req.strategy)) {
    throw new ConfigError('strategy', `expected one of ${STRATEGIES.join(', ')}, got "${String(req.strategy)}"`);
  }
  let params = defaultRunParams();
  let profile = structuredClone(req.profile);
  for (const [name, value] of Object.entries(req.set ?? {})) {
    ({ params, profile } = applySetting(params, profile, name, value));
  }
  return {
    workload: req.workload,
    strategy: req.strategy,
    profile,
    params,
    samples: req.samples === undefined ? 10_000 : validateSamples(req.samples),
    seed: req.seed === undefined ? 1 : validateSeed(req.seed),
  };
}
