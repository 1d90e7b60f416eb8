/**
 * Calibration as plain data: what a calibration detected in the user's files, each fitted cost
 * with its interval and origin, the goodness of fit of the reproduction, the provenance a
 * calibrated profile keeps, and the labels that keep measured, reproduced and predicted runs
 * apart. Shared by the CLI, the API, the store and the renderer; validated where it comes from
 * outside (readProvenance). Must not import anything but other src-shared modules.
 */
import { ConfigError } from './config.js';

/** What a run is in a calibration's experiment. */
export const RUN_ROLES = ['measured', 'reproduced', 'predicted'] as const;
export type RunRole = (typeof RUN_ROLES)[number];

export const RUN_ROLE_INFO: Readonly<Record<RunRole, { title: string; description: string }>> = {
  measured: { title: 'measured', description: 'read from a file of the real machine' },
  reproduced: { title: 'reproduced', description: 'the calibrated profile simulating what was measured' },
  predicted: { title: 'predicted', description: 'the calibrated profile simulating a strategy or setting that was not measured' },
};

/**
 * Where a cost's value comes from: `fitted` — the segments fix it on its own; `sum` — they fix
 * only a sum it is part of (with `sumWith`), so it moved with that sum in the base profile's
 * proportions; `base` — nothing in the files depends on it, it keeps the base value.
 */
export type CostOrigin = 'fitted' | 'sum' | 'base';

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface CostFit extends Interval {
  origin: CostOrigin;
  /** Fitted on its own with a 95 % interval within ±8 % (+1 cycle): what the calibration calls determined. */
  determined: boolean;
  base: number;
  /** Segments whose means depend on the cost (ids of `fit.segments`). */
  segments: string[];
  /** For `sum`: the costs the files cannot tell it apart from. */
  sumWith: string[];
  jitter: Interval & { origin: CostOrigin; base: number };
}

export interface KernelFinding {
  /** Mechanism id of the kernel notes (M3, M5, …). */
  id: string;
  name: string;
  /** true: the later behaviour; false: the earlier one; null: the trace does not say. */
  present: boolean | null;
  evidence: string;
  /** Releases this finding allows, in words. */
  releases: string;
}

export interface KernelRange {
  /** Releases every finding allows, e.g. "5.19–6.10". */
  releases: string;
  min: string | null;
  max: string | null;
  /** Findings that narrowed it. */
  basis: string[];
}

export interface Detection {
  strategy: string;
  strategyEvidence: string;
  guest: 'halt' | 'busy';
  workloadEvidence: string;
  guestEvidence: string;
  workload: string;
  /** Run settings the simulations use (delta, interval, kernel, …). */
  settings: Record<string, string | number | boolean>;
  /** The kernel releases the trace's event placement allows; null when it says nothing. */
  kernel: KernelRange | null;
  /** The kernel given with --kernel, if any, and whether the engine could simulate it. */
  kernelGiven: { release: string; simulated: boolean; note: string } | null;
  mechanisms: KernelFinding[];
  /** kvm_hv_timer_state around HLT: traced before the vCPU blocks, at unblock, or not seen. */
  hvTimerStatePlacement: 'before-block' | 'at-unblock' | 'none';
  haltPoll: { polled: number; slept: number; note: string } | null;
  tsc: { khz: number; basis: 'estimated' | 'base'; note: string };
  resolutionNs: number | null;
  resolutionNote: string;
  vcpu: { thread: number; vcpu: number | null; comm: string; cpu: number };
  timerCycles: number;
  counts: Record<string, number>;
}

export interface CalibrationSource {
  fileName: string;
  sha256: string;
  kind: 'host-trace' | 'guest-latency' | 'perf-kvm-stat';
  format: string;
  lines: number;
  bytes: number;
}

export interface DistributionSummary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** One segment (or the guest latency) measured against its reproduction. */
export interface SegmentCheck {
  id: string;
  label: string;
  unit: string;
  /** Whether the fit used it. */
  used: boolean;
  measured: DistributionSummary;
  reproduced: DistributionSummary | null;
  /** Mean of the reproduction relative to the measurement, percent. */
  meanErrorPct: number | null;
  /** Two-sample Kolmogorov–Smirnov distance and its asymptotic p-value. */
  ks: number | null;
  ksP: number | null;
  poor: boolean;
  note: string;
}

export interface GoodnessOfFit {
  segments: SegmentCheck[];
  latency: SegmentCheck | null;
  perf: Array<{ reason: string; measuredUs: number; reproducedUs: number | null; errorPct: number | null; poor: boolean }> | null;
  /** Plain statements of where the fit is poor (empty when it is good everywhere). */
  poor: string[];
  /**
   * Used segments the data cannot settle either way: a mean that differs visibly but within the
   * noise of the values, or too few values to tell. The fit is called good only without these.
   */
  uncertain: string[];
}

/** The one-line verdict on a fit, as the CLI and the app print it. */
export function fitVerdict(g: GoodnessOfFit): string {
  if (g.poor.length > 0) return 'the fit is poor here:';
  if (g.uncertain.length > 0) return 'no used segment differs beyond its noise, but these cannot be told either way:';
  return 'the fit is good: every used segment agrees with its reproduction';
}

export interface CalibrationResult {
  profile: string;
  saved: boolean;
  base: string;
  sources: CalibrationSource[];
  detected: Detection;
  costs: Record<string, CostFit>;
  fit: {
    segments: Array<{ id: string; label: string; n: number; mean: number; unit: string }>;
    /** Segments of the files the simulated scenario does not produce (not used). */
    unmatched: Array<{ id: string; label: string; n: number }>;
    cycles: number;
    skippedCycles: number;
    bootstrap: number;
    iterations: number;
  };
  goodness: GoodnessOfFit;
  warnings: string[];
  /** Runs the files were imported as (measured), when saved. */
  measuredRunIds: number[];
}

/** What a calibrated profile keeps about where it comes from (stored with the profile). */
export interface CalibrationProvenance {
  version: 1;
  createdAt: string;
  base: string;
  sources: CalibrationSource[];
  detected: Detection;
  costs: Record<string, CostFit>;
  /** Bootstrap draws of the fitted costs: [cycles, jitter] per cost that is not `base`. */
  draws: Array<Record<string, [number, number]>>;
  measuredRunIds: number[];
  poor: string[];
}

/** A read calibration input, kept by the main process until a calibration uses it. */
export interface CalibrationInputInfo {
  inputId: number;
  fileName: string;
  kind: CalibrationSource['kind'];
  format: string;
  lines: number;
  bytes: number;
  sha256: string;
  /** One line on what the file holds (e.g. "trace-cmd report: 2 vCPU threads, 4120 timer expiries, 1 µs timestamps"). */
  summary: string;
}

/** A predicted figure with the interval the fit's uncertainty gives it. */
export interface PredictedRun {
  runId: number;
  role: 'reproduced' | 'predicted';
  name: string;
  strategy: string;
  workload: string;
  settings: Record<string, string | number | boolean>;
  /** Guest TSC cycles, over the bootstrap draws of the fit. */
  mean: Interval;
  p50: Interval;
  p99: Interval;
  /** Costs on this run's critical path that the files did not determine (kept at the base). */
  undetermined: string[];
}

export interface PredictResult {
  experimentId: number;
  profile: string;
  runs: PredictedRun[];
  measuredRunIds: number[];
  draws: number;
  notes: string[];
}

/** Calibration details a simulated run's summary carries when it belongs to a calibration. */
export interface RunCalibrationInfo {
  role: 'reproduced' | 'predicted';
  profile: string;
  mean?: Interval;
  p50?: Interval;
  p99?: Interval;
  draws?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A stored provenance read back: checked field by field (it comes from the database or from a
 * profile file a person edited); errors name the field.
 */
export function readProvenance(raw: unknown): CalibrationProvenance {
  if (!isObject(raw)) throw new ConfigError('provenance', 'expected an object');
  if (raw.version !== 1) throw new ConfigError('provenance.version', `expected 1, got ${JSON.stringify(raw.version)}`);
  for (const key of ['createdAt', 'base'] as const) {
    if (typeof raw[key] !== 'string') throw new ConfigError(`provenance.${key}`, 'expected a string');
  }
  if (!Array.isArray(raw.sources)) throw new ConfigError('provenance.sources', 'expected an array');
  raw.sources.forEach((s, i) => {
    if (!isObject(s) || typeof s.fileName !== 'string' || typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256)) {
      throw new ConfigError(`provenance.sources.${i}`, 'expected {fileName, sha256 (64 hex digits), kind, format, lines, bytes}');
    }
  });
  if (!isObject(raw.detected) || typeof raw.detected.strategy !== 'string' || typeof raw.detected.workload !== 'string') {
    throw new ConfigError('provenance.detected', 'expected the detection ({strategy, workload, …})');
  }
  if (!isObject(raw.costs)) throw new ConfigError('provenance.costs', 'expected an object');
  for (const [name, c] of Object.entries(raw.costs)) {
    if (!isObject(c) || ![c.value, c.low, c.high, c.base].every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new ConfigError(`provenance.costs.${name}`, 'expected {value, low, high, base, origin, …} with finite numbers');
    }
    if (!['fitted', 'sum', 'base'].includes(String(c.origin))) throw new ConfigError(`provenance.costs.${name}.origin`, 'expected fitted, sum or base');
  }
  if (!Array.isArray(raw.draws)) throw new ConfigError('provenance.draws', 'expected an array');
  raw.draws.forEach((d, i) => {
    if (!isObject(d)) throw new ConfigError(`provenance.draws.${i}`, 'expected an object');
    for (const [name, pair] of Object.entries(d)) {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
        throw new ConfigError(`provenance.draws.${i}.${name}`, 'expected [cycles, jitter] with non-negative numbers');
      }
    }
  });
  if (!Array.isArray(raw.measuredRunIds) || !raw.measuredRunIds.every((x) => Number.isSafeInteger(x) && (x as number) > 0)) {
    throw new ConfigError('provenance.measuredRunIds', 'expected run ids');
  }
  if (!Array.isArray(raw.poor) || !raw.poor.every((x) => typeof x === 'string')) throw new ConfigError('provenance.poor', 'expected strings');
  return raw as unknown as CalibrationProvenance;
}
