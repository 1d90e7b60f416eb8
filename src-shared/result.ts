/**
 * What a finished run looks like as plain data: the engine's summary (the `--json` object of
 * `timer-lab run`), its histogram and per-step breakdowns. Samples travel separately as an
 * Int32Array (guest TSC cycles). Must not import anything but src-shared modules.
 */
import type { Strategy } from './strategies.js';
import type { Workload } from './workloads.js';

export interface LatencyStats {
  unit: 'cycles' | 'ns';
  mean: number;
  min: number;
  max: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

export interface ExitStat {
  count: number;
  /** Host cycles from the VM exit to the next VM entry, summed over all exits of this reason. */
  hostCycles: number;
}

/**
 * Log-linear histogram (HdrHistogram-style): values below 2^subBucketBits are exact; above, each
 * power of two is split into 2^(subBucketBits-1) equal buckets. Only non-zero buckets are listed,
 * as [lowest value, highest value, count], ascending. Values below zero count in `underflow`.
 */
export interface Histogram {
  subBucketBits: number;
  buckets: Array<[number, number, number]>;
  underflow: number;
  total: number;
}

export interface RunSummary {
  workload: Workload;
  strategy: Strategy;
  profile: string;
  samples: number;
  seed: number;
  engineVersion: string;
  latency: LatencyStats;
  latencyNs: LatencyStats;
  exits: Record<string, ExitStat>;
  /** Host CPU cycles taken from the guest per timer event (exit→entry time minus idle waits). */
  overheadCyclesPerTimerEvent: number;
  timerEvents: number;
  /**
   * Mean cycles per sample spent in each step after the deadline, in the samples' unit (guest TSC
   * cycles); sums to the mean latency (less any part of a sample that is negative).
   */
  criticalPath: Record<string, number>;
  /** Mean host cycles per timer event spent in each host step (the overhead view). */
  hostCyclesByStep: Record<string, number>;
  /** Set when the run stopped early (tscdeadline_latency breakmax). */
  stoppedBy?: 'breakmax';
}
