/**
 * Save benchmark helper for the lead's benchmark script and the store tests: a synthetic but
 * valid RunConfig/RunSummary, deterministic synthetic samples, and `benchSave` timing one full
 * queued → running → saveResult cycle. Must not import electron, src-main/engine, runner or api
 * (hence its own synthetic profile rather than the engine's HSW-2016).
 */
import { defaultRunParams, type RunConfig } from '../../src-shared/config.js';
import { COST_NAMES, type Profile } from '../../src-shared/profile.js';
import type { Histogram, LatencyStats, RunSummary } from '../../src-shared/result.js';
import type { RunStore } from './runs.js';

export function syntheticProfile(name = 'bench-synthetic'): Profile {
  const costs: Profile['costs'] = {};
  for (const c of COST_NAMES) costs[c] = { cycles: 100, jitter: 0.05, meaning: c, basis: 'synthetic' };
  return { name, description: 'synthetic profile for store tests', tsc_khz: 2_600_000, X: 5, costs };
}

export function syntheticRunConfig(samples = 10_000, seed = 1): RunConfig {
  return {
    workload: 'tscdeadline-halt',
    strategy: 'vmx-preemption',
    profile: syntheticProfile(),
    params: defaultRunParams(),
    samples,
    seed,
  };
}

/** Latency-like samples (about 4000 ± 300 cycles, rare spikes), deterministic per seed. */
export function syntheticSamples(n: number, seed = 1): Int32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = rnd() + rnd() + rnd() + rnd() - 2;
    out[i] = Math.round(4000 + 520 * g + (rnd() < 0.001 ? 50_000 * rnd() : 0));
  }
  return out;
}

export function syntheticSummary(config: RunConfig, n: number): RunSummary {
  const stats = (unit: 'cycles' | 'ns'): LatencyStats => ({
    unit, mean: 4000, min: 3000, max: 54000, stddev: 300, p50: 4000, p90: 4400, p99: 4700, p999: 30000,
  });
  return {
    workload: config.workload,
    strategy: config.strategy,
    profile: config.profile.name,
    samples: n,
    seed: config.seed,
    engineVersion: 'bench',
    latency: stats('cycles'),
    latencyNs: stats('ns'),
    exits: { PREEMPTION_TIMER: { count: n, hostCycles: n * 1000 } },
    overheadCyclesPerTimerEvent: 1000,
    timerEvents: n,
    criticalPath: { vmexit_hw: 1000, vmentry_hw: 3000 },
    hostCyclesByStep: { vmexit_hw: 1000 },
  };
}

export function syntheticHistogram(n: number): Histogram {
  return { subBucketBits: 7, buckets: [[3000, 4999, n]], underflow: 0, total: n };
}

export interface BenchSaveResult {
  runId: number;
  samples: number;
  /** Wall time of saveResult alone (encoding + transaction), in clock units (ms). */
  saveMs: number;
  encodedBytes: number;
}

/** Times one saveResult of `n` synthetic samples; `clock` returns milliseconds (performance.now). */
export function benchSave(store: RunStore, n: number, clock: () => number): BenchSaveResult {
  const config = syntheticRunConfig(Math.max(1, n));
  const runId = store.insertQueuedRun({ name: `bench ${n}`, config });
  store.markRunning(runId);
  const samples = syntheticSamples(n);
  const t0 = clock();
  store.saveResult(runId, { summary: syntheticSummary(config, n), histogram: syntheticHistogram(n), samples });
  const saveMs = clock() - t0;
  const row = store.db
    .prepare<[number], { len: number | null }>('SELECT length(samples_blob) AS len FROM run_data WHERE run_id = ?')
    .get(runId);
  return { runId, samples: n, saveMs, encodedBytes: row?.len ?? 0 };
}
