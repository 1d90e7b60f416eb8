/**
 * How calibration runs the engine: through a Simulator the caller provides (the worker pool in
 * the app, the engine in this thread in tests and the bench), in batches so they can run side by
 * side. A simulated run's trace is read back as trace-cmd report text through the same reader
 * as the user's trace, so a segment is cut the same way from both. Pure: must not import node:*,
 * electron or better-sqlite3.
 */
import type { RunConfig } from '../../src-shared/config.js';
import type { Profile } from '../../src-shared/profile.js';
import type { SummaryStats } from '../../src-shared/result.js';
import { buildRunConfig, type TraceRecord } from '../engine/index.js';
import { toTraceCmdReport } from '../formats/index.js';
import { readHostTrace, type HostTrace } from './host-trace.js';

export interface SimulationRequest {
  config: RunConfig;
  /** Timer events whose trace to keep (0: no trace). */
  traceTimerEvents: number;
}

export interface SimulationOutput {
  samples: Int32Array;
  trace: TraceRecord[] | null;
  /** Mean cycles per sample by step after the deadline (the run's summary). */
  criticalPath: Record<string, number>;
  /** The run's latency statistics as a stored run of this configuration has them. */
  latency: Pick<SummaryStats, 'mean' | 'p50' | 'p99'>;
}

/** Runs a batch of simulations (in any order or in parallel) and returns their results in order. */
export type Simulator = (batch: readonly SimulationRequest[]) => Promise<SimulationOutput[]>;

/** What a calibration simulates: the detected workload and strategy with its settings. */
export interface Scenario {
  workload: string;
  strategy: string;
  /** `--set`-style run settings (delta, kernel, …). */
  set: Record<string, string | number | boolean>;
}

export function scenarioConfig(s: Scenario, profile: Profile, samples: number, seed: number): RunConfig {
  return buildRunConfig({ workload: s.workload, strategy: s.strategy, profile, samples, seed, set: s.set });
}

async function* linesOf(text: string): AsyncGenerator<string> {
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    yield text.slice(start, nl);
    start = nl + 1;
  }
  if (start < text.length) yield text.slice(start);
}

/** A simulated run's trace read like a host trace (ns or µs timestamps). */
export function readSimulatedTrace(trace: readonly TraceRecord[], tscKhz: number, ns = true): Promise<HostTrace> {
  return readHostTrace(linesOf(toTraceCmdReport([...trace], { tscKhz, nsTimestamps: ns })));
}
