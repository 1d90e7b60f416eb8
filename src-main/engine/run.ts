/**
 * Running a shard (a fixed slice of a run's samples with its own derived seed) and merging shard
 * results in shard order into the run's summary. The split is fixed by the sample count alone,
 * so the merged result is the same whatever number of workers ran the shards.
 * Must not import node:*, electron or sqlite.
 */
import { guestTscKhz, type RunConfig } from '../../src-shared/config.js';
import type { Histogram, RunSummary } from '../../src-shared/result.js';
import { createGuestProgram } from './guest/index.js';
import { GuestCpu } from './guest/guest-cpu.js';
import { MODE_IN_GUEST } from './kvm/x86.js';
import { summarizeSamples } from './metrics.js';
import { HostNoise } from './host-noise.js';
import { shardSeed } from './rng.js';
import { Simulation, type SampleWindow, type SimulationOptions } from './simulation.js';
import { EXIT_NAMES, S, STEP_NAMES, isGuestStep } from './steps.js';
import { configWarnings, runFeatures } from '../../src-shared/run-checks.js';
import type { TraceRecord } from './trace.js';

/**
 * Changes whenever the same configuration and seed would give other samples: 2.1.0 added the
 * shard warm-up and starts the preemption-timer countdown at the VM entry.
 */
export const ENGINE_VERSION = '2.1.0';
/** Samples per shard. Fixed: changing it changes results, so it is part of the engine version. */
export const SHARD_SIZE = 50_000;
/**
 * Samples every shard after the first runs and discards before recording, so that it continues
 * the run warm (halt-polling window grown, advance tuned) instead of starting cold: a run has
 * one cold start, as the real benchmark has, whatever its number of shards.
 */
export const SHARD_WARMUP = 2_000;

/** Samples shard `index` discards first: the run's own warm-up, and at least SHARD_WARMUP after shard 0. */
export function shardWarmup(config: RunConfig, index: number): number {
  return index === 0 ? config.params.warmup : Math.max(config.params.warmup, SHARD_WARMUP);
}

/** Sample counts of the shards of an n-sample run. */
export function planShards(samples: number): number[] {
  const out: number[] = [];
  for (let left = samples; left > 0; left -= SHARD_SIZE) out.push(Math.min(SHARD_SIZE, left));
  return out;
}

/** Everything a shard produces, as structured-clone-friendly data. */
export interface ShardResult {
  index: number;
  samples: Int32Array;
  timerEvents: number;
  exitCount: Float64Array;
  exitCycles: Float64Array;
  exitTracedCycles: Float64Array;
  exitTracedCount: Float64Array;
  hkCycles: number;
  idleCycles: number;
  foreignCycles: number;
  stepCycles: Float64Array;
  critCycles: Float64Array;
  stoppedBy: 'breakmax' | 'cancelled' | null;
  trace: TraceRecord[] | null;
  /** The windows of the samples asked for (ShardOptions.windows), in sample order. */
  windows: SampleWindow[];
}

export interface ShardOptions {
  /** Record trace events (only shard 0 is ever traced by the runners). */
  trace?: boolean;
  traceTimerEvents?: number;
  onProgress?: SimulationOptions['onProgress'];
  progressEvery?: number;
  /** Sample indices in this shard whose event windows to record (the trace is then off). */
  windows?: readonly number[];
}

/**
 * The simulation of one shard, set up and started (the guest has run up to its first wait) but
 * not run: `step()` then runs it one event at a time (tests), `runToEnd()` to the end.
 */
export function createShardSimulation(config: RunConfig, index: number, opts: ShardOptions = {}): Simulation {
  const sizes = planShards(config.samples);
  const count = sizes[index];
  if (count === undefined) throw new RangeError(`shard ${index} does not exist for ${config.samples} samples`);
  const sim = new Simulation(config, shardSeed(config.seed, index), count, { ...opts, warmup: shardWarmup(config, index) });
  sim.guest = new GuestCpu(sim, createGuestProgram(config));
  if (config.params.hostNoise) {
    sim.noise = new HostNoise(sim);
    sim.noise.start();
  }
  sim.vcpu.mode = MODE_IN_GUEST;
  sim.guest.start();
  return sim;
}

export function simulateShard(config: RunConfig, index: number, opts: ShardOptions = {}): ShardResult {
  const sim = createShardSimulation(config, index, opts);
  sim.runToEnd();
  return {
    index,
    samples: sim.samples.slice(0, sim.sampleCount),
    timerEvents: sim.timerEvents,
    exitCount: sim.exitCount,
    exitCycles: sim.exitCycles,
    exitTracedCycles: sim.exitTracedCycles,
    exitTracedCount: sim.exitTracedCount,
    hkCycles: sim.hkCycles,
    idleCycles: sim.idleCycles,
    foreignCycles: sim.foreignCycles,
    stepCycles: sim.stepCycles,
    critCycles: sim.critCycles,
    stoppedBy: sim.stoppedBy,
    trace: opts.windows && opts.windows.length > 0 ? null : sim.trace ? sim.trace.records : null,
    windows: sim.windows,
  };
}

export interface MergedRun {
  summary: RunSummary;
  samples: Int32Array;
  histogram: Histogram;
  trace: TraceRecord[] | null;
}

/** Merges shard results (in shard order; a breakmax stop ends the run at that shard). */
export function mergeShards(config: RunConfig, shardsIn: readonly ShardResult[]): MergedRun {
  const shards = [...shardsIn].sort((a, b) => a.index - b.index);
  const used: ShardResult[] = [];
  for (const s of shards) {
    used.push(s);
    if (s.stoppedBy === 'breakmax') break;
  }
  let n = 0;
  for (const s of used) n += s.samples.length;
  const samples = new Int32Array(n);
  let off = 0;
  for (const s of used) {
    samples.set(s.samples, off);
    off += s.samples.length;
  }
  const sum = (pick: (s: ShardResult) => Float64Array, i: number) => used.reduce((a, s) => a + pick(s)[i]!, 0);
  const timerEvents = used.reduce((a, s) => a + s.timerEvents, 0);
  const exits: RunSummary['exits'] = {};
  let exitTotal = 0;
  EXIT_NAMES.forEach((name, i) => {
    const count = sum((s) => s.exitCount, i);
    const hostCycles = sum((s) => s.exitCycles, i);
    exitTotal += hostCycles;
    if (count === 0) return;
    exits[name] = { count, hostCycles };
    const traced = sum((s) => s.exitTracedCount, i);
    if (traced > 0) {
      const cycles = sum((s) => s.exitTracedCycles, i);
      exits[name].perfKvmStat = { samples: traced, meanUs: cycles / traced / (config.profile.tsc_khz / 1000) };
    }
  });
  const idle = used.reduce((a, s) => a + s.idleCycles, 0);
  const foreign = used.reduce((a, s) => a + s.foreignCycles, 0);
  const criticalPath: Record<string, number> = {};
  const hostCyclesByStep: Record<string, number> = {};
  // The critical path is accumulated in host cycles; samples are guest cycles.
  const guestPerHost = guestTscKhz(config) / config.profile.tsc_khz;
  STEP_NAMES.forEach((name, i) => {
    const crit = sum((s) => s.critCycles, i);
    if (crit > 0 && n > 0) criticalPath[name] = (crit / n) * guestPerHost;
    const host = sum((s) => s.stepCycles, i);
    if (host > 0 && !isGuestStep(i) && timerEvents > 0) hostCyclesByStep[name] = host / timerEvents;
  });
  const { stats: latency, histogram } = summarizeSamples(samples);
  const khz = guestTscKhz(config);
  const toNs = (v: number) => (v * 1_000_000) / khz;
  const summary: RunSummary = {
    workload: config.workload,
    strategy: config.strategy,
    profile: config.profile.name,
    samples: n,
    seed: config.seed,
    engineVersion: ENGINE_VERSION,
    latency,
    latencyNs: {
      unit: 'ns',
      mean: toNs(latency.mean),
      min: toNs(latency.min),
      max: toNs(latency.max),
      stddev: toNs(latency.stddev),
      p50: toNs(latency.p50),
      p90: toNs(latency.p90),
      p99: toNs(latency.p99),
      p999: toNs(latency.p999),
    },
    exits,
    overheadCyclesPerTimerEvent: timerEvents > 0 ? (exitTotal - idle - foreign) / timerEvents : 0,
    timerEvents,
    criticalPath,
    hostCyclesByStep,
  };
  if (used.some((s) => s.stoppedBy === 'breakmax')) summary.stoppedBy = 'breakmax';
  const p = config.params;
  summary.host = { kernel: p.kernel, vendor: config.profile.vendor ?? 'intel', apicv: p.apicv, mitigations: p.mitigations && runFeatures(config).spec_mitigations };
  summary.spinCyclesPerTimerEvent = timerEvents > 0 ? sum((s) => s.stepCycles, S.wait_lapic_expire_spin) / timerEvents : 0;
  const hk = used.reduce((a, s) => a + s.hkCycles, 0);
  if (hk > 0) summary.housekeepingCyclesPerTimerEvent = timerEvents > 0 ? hk / timerEvents : 0;
  const warnings = configWarnings(config);
  if (warnings.length > 0) summary.warnings = warnings;
  return { summary, samples, histogram, trace: shards[0]?.trace ?? null };
}

/** Runs every shard in this thread, in order (the CLI without workers, tests). */
export function simulate(config: RunConfig, opts: ShardOptions = {}): MergedRun {
  const results: ShardResult[] = [];
  const sizes = planShards(config.samples);
  let done = 0;
  for (let i = 0; i < sizes.length; i++) {
    const base = done;
    const r = simulateShard(config, i, {
      ...opts,
      trace: opts.trace === true && i === 0,
      onProgress: opts.onProgress ? (k) => opts.onProgress!(base + k) : undefined,
    });
    results.push(r);
    done += r.samples.length;
    if (r.stoppedBy !== null) break;
    if (opts.onProgress && opts.onProgress(done) === false) break;
  }
  return mergeShards(config, results);
}

/**
 * The event window of sample `index` of a run (from the arming of its deadline to its
 * measurement), by simulating its shard again up to it: the engine is deterministic, so these are
 * the events of the stored sample. Returns null past the run's end.
 */
export function sampleWindow(config: RunConfig, index: number): SampleWindow | null {
  const shard = Math.floor(index / SHARD_SIZE);
  const sizes = planShards(config.samples);
  if (!Number.isInteger(index) || index < 0 || shard >= sizes.length) return null;
  const local = index - shard * SHARD_SIZE;
  const sim = createShardSimulation(config, shard, { windows: [local] });
  while (!sim.done && sim.windows.length === 0) {
    if (!sim.step()) break;
  }
  const w = sim.windows[0];
  return w ? { ...w, index } : null;
}
