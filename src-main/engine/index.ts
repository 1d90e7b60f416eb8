/**
 * The engine's public surface: build a validated RunConfig, simulate shards, merge them, print
 * traces. Everything else in src-main/engine is internal. Pure: no node:*, electron, sqlite,
 * clocks or Math.random anywhere below this file.
 */
import { applyContextDefaults, applySetting, ConfigError, defaultRunParams, validateSamples, validateSeed, type RunConfig } from '../../src-shared/config.js';
import { checkKernelSettings } from '../../src-shared/run-checks.js';
import type { Profile } from '../../src-shared/profile.js';
import { isStrategy, STRATEGIES } from '../../src-shared/strategies.js';
import { isWorkload, WORKLOAD_INFO, WORKLOADS } from '../../src-shared/workloads.js';

import { SHARD_SIZE } from './run.js';
export { ENGINE_VERSION, SHARD_SIZE, createShardSimulation, mergeShards, planShards, sampleWindow, simulate, simulateShard } from './run.js';
export { SampleRangeError, SimulationStalledError, type SampleWindow } from './simulation.js';
export type { MergedRun, ShardOptions, ShardResult } from './run.js';
export type { TraceRecord } from './trace.js';
export { BUILTIN_PROFILES, DEFAULT_PROFILE, builtinProfile } from '../../src-shared/profiles/index.js';

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
  params = applyContextDefaults(params, profile, new Set(Object.keys(req.set ?? {})));
  const config: RunConfig = {
    workload: req.workload,
    strategy: req.strategy,
    profile,
    params,
    samples: req.samples === undefined ? 10_000 : validateSamples(req.samples),
    seed: req.seed === undefined ? 1 : validateSeed(req.seed),
  };
  checkKernelSettings(config);
  checkSimulatedSpan(config);
  checkHostNoiseLoad(config);
  return config;
}

/** Refuses host noise that would leave the vCPU no CPU time at all (the run could never end). */
function checkHostNoiseLoad(c: RunConfig): void {
  const p = c.params;
  if (!p.hostNoise) return;
  const cyclesPerSec = c.profile.tsc_khz * 1000;
  const irq = (p.hostIrqRateHz * p.hostIrqCycles) / cyclesPerSec;
  const preempt = (p.preemptRateHz * p.preemptCycles) / cyclesPerSec;
  const busy = irq + preempt;
  if (busy >= 0.5) {
    // the field named is the larger share's: that is the setting to lower
    const field = preempt > irq ? 'preemptRateHz' : 'hostIrqRateHz';
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    throw new ConfigError(field, `host noise would take ${pct(busy)} of the pCPU (interrupts ${pct(irq)}: hostIrqRateHz × hostIrqCycles; preemptions ${pct(preempt)}: preemptRateHz × preemptCycles); keep the two together below 50 %`);
  }
}

/** Host cycles a shard may simulate: time stays an exact integer well below 2^53. */
const MAX_SHARD_SPAN = 2 ** 52;

/** Refuses configurations whose shards would run the clock past MAX_SHARD_SPAN. */
function checkSimulatedSpan(c: RunConfig): void {
  const perShard = Math.min(c.samples, SHARD_SIZE) + 1;
  const p = c.params;
  const span = WORKLOAD_INFO[c.workload].spanParam;
  const field = span?.name ?? 'samples';
  const value = span ? (p as unknown as Record<string, number>)[span.name] ?? 0 : 0;
  const period = span?.unit === 'µs' ? (value * c.profile.tsc_khz) / 1000 : value;
  // guest cycles of a scaled TSC take tsc_khz / guestTscKhz host cycles each
  const hostPerGuest = p.tscScaling && span?.unit === 'guest cycles' ? Math.max(1, c.profile.tsc_khz / p.guestTscKhz) : 1;
  if (perShard * (period * hostPerGuest + 100_000) > MAX_SHARD_SPAN) {
    throw new ConfigError(field, `too long for ${c.samples} samples: a shard would simulate more than 2^52 cycles; lower it or the sample count`);
  }
}
