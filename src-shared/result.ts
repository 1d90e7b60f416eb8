/**
 * What a finished run looks like as plain data: the engine's summary (the `--json` object of
 * `timer-lab run`), its histogram and per-step breakdowns. Samples travel separately as an
 * Int32Array (guest TSC cycles). Must not import anything but src-shared modules.
 */
import type { RunCalibrationInfo } from './calibration.js';
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

/** Percentile and spread keys of the statistics, in display order. */
export const STAT_KEYS = ['mean', 'min', 'p50', 'p90', 'p99', 'p999', 'max', 'stddev'] as const;
export type StatKey = (typeof STAT_KEYS)[number];
export const PERCENTILE_KEYS = ['p50', 'p90', 'p99', 'p999'] as const;

/**
 * Statistics as a run knows them. Simulated runs know every one (LatencyStats); an imported file
 * may give no distribution, so its percentiles and spread are null (shown as "—"), never guessed.
 */
export interface SummaryStats {
  unit: 'cycles' | 'ns';
  mean: number;
  min: number;
  max: number;
  stddev: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  /** Null percentiles lie among samples above this value (a histogram's overflow): "> above". */
  above?: number;
  /** Step the values are quantised to (e.g. 1000 ns for a 1 µs trace): a value below it reads "< step". */
  resolution?: number;
}

export interface ExitStat {
  count: number;
  /** Host cycles from the VM exit to the next VM entry, summed over all exits of this reason. */
  hostCycles: number;
  /**
   * What `perf kvm stat report` shows for this reason: kvm_exit → kvm_entry tracepoint time,
   * mean per exit in µs, over the exits whose both tracepoints fired (absent in older runs).
   */
  perfKvmStat?: { samples: number; meanUs: number };
}

/**
 * Log-linear histogram (HdrHistogram-style): values below 2^subBucketBits are exact; above, each
 * power of two is split into 2^(subBucketBits-1) equal buckets. Only non-zero buckets are listed,
 * as [lowest value, highest value, count], ascending. Values below zero count in `underflow`.
 */
export interface Histogram {
  subBucketBits: number;
  buckets: Array<[number, number, number]>;
  /**
   * Value step: a bucket [lo, hi] holds values from lo up to (not including) hi + step. Absent:
   * 1 (integer values). An imported 1 µs histogram in ns has step 1000.
   */
  step?: number;
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
  latency: SummaryStats;
  latencyNs: SummaryStats;
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
  /** Set when the run stopped early: tscdeadline_latency breakmax, or cancelled (the samples it finished). */
  stoppedBy?: 'breakmax' | 'cancelled';
  /** The host it simulated: kernel release and CPU vendor (absent in older runs: 4.9, intel). */
  host?: { kernel: string; vendor: 'intel' | 'amd'; apicv: boolean; mitigations: boolean };
  /** Host cycles per timer event spent in wait_lapic_expire's busy-wait (the price of the advance). */
  spinCyclesPerTimerEvent?: number;
  /** Cycles of the housekeeping CPU per timer event (posted timer interrupts). */
  housekeepingCyclesPerTimerEvent?: number;
  /** What the user should read beside the figures: fallbacks, proposals, mechanisms switched. */
  warnings?: string[];
  /** Set on the runs of a prediction: reproduced or predicted, from which calibrated profile, with intervals. */
  calibration?: RunCalibrationInfo;
}
