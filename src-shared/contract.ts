/**
 * The one contract between the renderer (or CLI) and the main process: every call with its
 * argument schema (zod, checked at runtime by the main process) and result type, and every push.
 * Both transports (Electron IPC, web-mode HTTP bridge) and the CLI go through it.
 * Must not import node:*, electron, better-sqlite3, svelte or chart.js.
 */
import { z } from 'zod';
import type { CalibrationInputInfo, CalibrationProvenance, CalibrationResult, PredictResult, RunRole } from './calibration.js';
import type { RunConfig } from './config.js';
import { MAX_TSC_KHZ, MIN_TSC_KHZ, type Profile } from './profile.js';
import type { MeasurementInfo } from './measurement.js';
import type { MeasureId } from './measures.js';
import type { Histogram, RunSummary } from './result.js';
import { CONTROL_CHAR_MESSAGE, hasControlChar, NOTES_CONTROL_CHAR_MESSAGE } from './control-chars.js';
import { EXPORT_FORMATS, type ExportFormat } from './export-formats.js';
import { MAX_RUNS_PER_EXPERIMENT } from './experiment-limits.js';
import { STRATEGIES } from './strategies.js';
import { MAX_SAMPLES, WORKLOADS, type WorkloadMetric } from './workloads.js';

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_KINDS = ['simulated', 'measured'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/**
 * Every argument object of every call, at every level: a field the call does not know is refused
 * (the API names it, e.g. `runs.0.params: unknown field`), never dropped, so a misspelt option
 * cannot quietly run with its default.
 */
const argsObject = z.strictObject;

const id = z.number().int().positive();

/** The noise threshold of a comparison (mean shifts below it are called below it): a percentage, 1 unless given. */
export const DEFAULT_NOISE_THRESHOLD_PCT = 1;
export const MAX_NOISE_THRESHOLD_PCT = 100;

/** Runs one `runs:list` returns at most (its `limit`, the CLI's list --limit). */
export const MAX_LIST_LIMIT = 10_000;

/** Largest samples one `runs:worst` lists at most (its `n`, the CLI's show --worst). */
export const MAX_WORST_SAMPLES = 100;

/** Runs one comparison (and one export) takes at most. */
export const MAX_COMPARED_RUNS = 8;

/** Bootstrap draws a calibration may make (`calibrate`'s bootstrap, the CLI's --bootstrap). */
export const MIN_BOOTSTRAP = 20;
export const MAX_BOOTSTRAP = 2000;

/** Bootstrap draws of a fit one prediction simulates at most (`predict`'s draws, the CLI's --draws). */
export const MAX_PREDICT_DRAWS = 64;
/** Text that names something (a run, an experiment, a tag, a file, a profile): no control characters. */
const nameText = (max: number) => z.string().trim().min(1).max(max).refine((s) => !hasControlChar(s), CONTROL_CHAR_MESSAGE);
const name = nameText(200);
const tag = nameText(64).regex(/^[^,\s][^,]*$/, 'no commas');
/** Free text: newlines are fine, other control characters are not. */
const notes = z.string().max(10_000).refine((s) => !hasControlChar(s, { newlines: true }), NOTES_CONTROL_CHAR_MESSAGE);
const fileName = z.string().min(1).max(255).refine((s) => !hasControlChar(s), CONTROL_CHAR_MESSAGE);

/** Most timer events a run may keep in its trace. */
export const MAX_TRACE_TIMER_EVENTS = 50_000;

/** One run of an experiment, as the user describes it (profile by name plus overrides). */
export const runSpecSchema = argsObject({
  workload: z.enum(WORKLOADS),
  strategy: z.enum(STRATEGIES),
  profile: z.string().min(1).max(64).default('HSW-2016'),
  samples: z.number().int().min(1).max(MAX_SAMPLES).default(10_000),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  /** `--set` style overrides: run parameters, `X`, `tsc_khz`, costs, `<cost>.jitter`. */
  set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  trace: z.boolean().default(false),
  /** Timer events a traced run keeps (shard 0); default 2000. */
  traceTimerEvents: z.number().int().min(1).max(MAX_TRACE_TIMER_EVENTS).optional(),
});
export type RunSpec = z.input<typeof runSpecSchema>;

export const listFilterSchema = argsObject({
  workload: z.enum(WORKLOADS).optional(),
  strategy: z.enum(STRATEGIES).optional(),
  kind: z.enum(RUN_KINDS).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  tag: z.string().max(64).optional(),
  text: z.string().max(200).optional(),
  experimentId: id.optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(500),
  offset: z.number().int().min(0).default(0),
});

/** Largest file an import accepts (any transport). */
export const MAX_IMPORT_BYTES = 250 * 1024 * 1024;

export { EXPORT_FORMATS } from './export-formats.js';
export const IMPORT_FORMATS = [
  'cyclictest',
  'cyclictest-verbose',
  'cyclictest-hist',
  'cyclictest-json',
  'tscdeadline-latency',
  'vmexit',
  'trace-cmd',
  'perf-kvm-stat',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** Units a cyclictest file may be read in when it cannot say (µs, or ns for `cyclictest -N`). */
export const IMPORT_UNITS = ['us', 'ns'] as const;
export type ImportUnit = (typeof IMPORT_UNITS)[number];

/** What an import made: every run of the file (merged first) and the experiment grouping them. */
export interface ImportResult {
  /** The first run: the merged one of a file with several sources, or the only one. */
  runId: number;
  runIds: number[];
  experimentId: number | null;
  format: ImportFormat;
  warnings: string[];
  /** True when the same file (same SHA-256) was imported before: these are the existing runs. */
  deduplicated: boolean;
}

/** Calls: argument schema per channel. Results are typed in `CallResults`. */
export const CALLS = {
  'experiments:submit': argsObject({
    name: name.default('experiment'),
    notes: notes.default(''),
    tags: z.array(tag).max(32).default([]),
    runs: z.array(runSpecSchema).min(1).max(MAX_RUNS_PER_EXPERIMENT),
  }),
  /** Runs one spec without storing it (CLI `run --no-save`); progress is pushed with runId 0. */
  'runs:simulate': argsObject({ run: runSpecSchema }),
  'runs:list': listFilterSchema,
  'runs:get': argsObject({ id }),
  'runs:histogram': argsObject({ id }),
  'runs:trace': argsObject({ id, limit: z.number().int().min(1).max(100_000).default(2_000) }),
  /** The largest samples of a run, largest first (ties: lower index first). */
  'runs:worst': argsObject({ id, n: z.number().int().min(1).max(MAX_WORST_SAMPLES).default(10) }),
  /** The events of one sample of a simulated run, from the arming of its deadline to its measurement. */
  'runs:sampleTrace': argsObject({ id, index: z.number().int().min(0).max(MAX_SAMPLES - 1) }),
  'runs:rename': argsObject({ id, name }),
  'runs:notes': argsObject({ id, notes }),
  'runs:tag': argsObject({ id, tags: z.array(tag).max(32) }),
  'runs:delete': argsObject({ ids: z.array(id).min(1).max(1000) }),
  'runs:cancel': argsObject({ id }),
  compare: argsObject({
    ids: z.array(id).min(2).max(MAX_COMPARED_RUNS),
    baseline: id.optional(),
    noiseThresholdPct: z.number().min(0).max(MAX_NOISE_THRESHOLD_PCT).default(DEFAULT_NOISE_THRESHOLD_PCT),
  }),
  export: argsObject({
    ids: z.array(id).min(1).max(MAX_COMPARED_RUNS),
    format: z.enum(EXPORT_FORMATS as [ExportFormat, ...ExportFormat[]]),
    /** Timestamp resolution of a trace-cmd export: µs (trace-cmd report) or ns (report -t). */
    traceTs: z.enum(['us', 'ns']).default('us'),
  }),
  import: argsObject({
    fileName,
    /** File text (these formats are all text). */
    content: z.string().max(MAX_IMPORT_BYTES),
    format: z.enum(IMPORT_FORMATS).optional(),
    name: name.optional(),
    tscKhz: z.number().int().min(MIN_TSC_KHZ).max(MAX_TSC_KHZ).optional(),
    /** Unit of cyclictest values the file cannot state (status, -v, histogram text): µs, or ns for `cyclictest -N`. */
    unit: z.enum(IMPORT_UNITS).optional(),
    /** trace-cmd reports: keep the lines of the first N timer events as the run's timeline (0: none; default 2000). */
    traceTimerEvents: z.number().int().min(0).max(MAX_TRACE_TIMER_EVENTS).optional(),
  }),
  'profiles:list': argsObject({}),
  'profiles:get': argsObject({ name: z.string().min(1).max(64) }),
  /** Saves a user profile; one of the same name (in any case) is refused unless `replace`. */
  'profiles:save': argsObject({ profile: z.unknown(), replace: z.boolean().default(false) }),
  'params:spec': argsObject({}),
  /**
   * Reads one calibration input (a host trace-cmd report, a guest-side tscdeadline_latency or
   * cyclictest file, a perf kvm stat report) and keeps what calibration needs for a while; large
   * files go through the streaming route instead (web: POST /api/calibrate/input, CLI: the host).
   */
  'calibrate:read': argsObject({
    fileName,
    content: z.string().max(MAX_IMPORT_BYTES),
  }),
  /** Fits a profile to read inputs (one host trace, optionally a guest-side log and perf kvm stat). */
  calibrate: argsObject({
    inputs: z.array(id).min(1).max(4),
    base: z.string().min(1).max(64).default('HSW-2016'),
    name: nameText(64).optional(),
    /** Kernel release to simulate, e.g. 5.15 (when the engine models releases). */
    kernel: z.string().trim().min(1).max(16).optional(),
    /** vCPU to read when several have timer cycles. */
    vcpu: z.number().int().min(0).max(4096).optional(),
    save: z.boolean().default(true),
    /** Overwrite a user profile of the same name (else the save is refused before the fit runs). */
    replace: z.boolean().default(false),
    bootstrap: z.number().int().min(MIN_BOOTSTRAP).max(MAX_BOOTSTRAP).default(200),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  }),
  /** A profile with its calibration provenance (null for profiles that were not calibrated). */
  'calibrate:get': argsObject({ profile: z.string().min(1).max(64) }),
  /** Simulates the strategies and settings a calibrated profile did not measure, with intervals. */
  predict: argsObject({
    profile: z.string().min(1).max(64),
    strategies: z.array(z.enum(STRATEGIES)).min(1).max(8).optional(),
    /** Settings for the predicted runs (`--set` style), e.g. timerAdvanceNs=-1, haltPollNs=0, kernel=6.1. */
    set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    samples: z.number().int().min(100).max(MAX_SAMPLES).default(10_000),
    /** Bootstrap draws of the fit to simulate (default: every one the profile keeps). */
    draws: z.number().int().min(0).max(MAX_PREDICT_DRAWS).optional(),
    name: name.optional(),
  }),
  /** The full integrity check of the database (timer-lab check). */
  'db:check': argsObject({}),
} as const;

export type CallChannel = keyof typeof CALLS;
export const CALL_CHANNELS = Object.keys(CALLS) as CallChannel[];
export type CallArgs<K extends CallChannel> = z.input<(typeof CALLS)[K]>;
export type ParsedArgs<K extends CallChannel> = z.output<(typeof CALLS)[K]>;

export interface RunListItem {
  id: number;
  experimentId: number | null;
  name: string;
  kind: RunKind;
  workload: string;
  strategy: string;
  profile: string;
  samples: number;
  seed: number | null;
  status: RunStatus;
  tags: string[];
  createdAt: string;
  finishedAt: string | null;
  mean: number | null;
  p99: number | null;
  error: string | null;
  sourceFile: string | null;
  /** Unit of mean and p99: guest TSC cycles (simulated, kvm-unit-tests) or ns (cyclictest, traces). */
  unit: 'cycles' | 'ns' | null;
  /** What the run measures (measures.ts); null when not known. */
  measure: MeasureId | null;
  /** In a calibration: measured (every import), reproduced or predicted; null for other simulated runs. */
  role: RunRole | null;
  /** Name of the experiment the run belongs to (null without one). */
  experimentName: string | null;
}

export interface RunDetail extends RunListItem {
  notes: string;
  config: RunConfig | null;
  summary: RunSummary | null;
  source: { fileName: string; format: string; sha256: string } | null;
  hasTrace: boolean;
  /** An imported run's part of its file, the file's context and its tables; null for simulated runs. */
  measurement: MeasurementInfo | null;
  /** Its configuration's repeats in its experiment (other seeds), when there are at least two finished runs. */
  repeats?: AcrossRuns;
}

export interface CompareRow {
  id: number;
  name: string;
  /** The run's strategy (its colour in every chart), or `measured` for imports. */
  strategy: string;
  /** What the run measures (measures.ts). */
  measure: MeasureId | null;
  /** In a calibration: measured, reproduced or predicted (labels and groups it in charts and reports). */
  role?: RunRole | null;
  samples: number;
  /** Statistics in the comparison's unit; null when unknown (no distribution, or no known TSC rate). */
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  /** Null percentiles lie above this value (samples beyond a histogram): they read "> above". */
  above?: number;
  /** Percent change against the baseline (0 for the baseline itself; null when not comparable). */
  deltaPct: { mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };
  deltaCycles: { mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };
  /** Two-sided Mann–Whitney U p-value against the baseline (1 for the baseline); null without one. */
  pValue: number | null;
  /** Bootstrap 95% CI of mean(run) − mean(baseline), in the comparison's unit; null without one. */
  ci95: [number, number] | null;
  /**
   * Bootstrap 95 % band of p99(run) − p99(baseline), in the comparison's unit: the percentile
   * delta at p99 (percentileDeltas), from the samples of the two runs. Null for the baseline,
   * without a verdict, with values above a histogram's limit, or with fewer than 10 samples
   * beyond p99 in either run.
   */
  ci95P99: [number, number] | null;
  significant: boolean;
  /** |Δmean| above the noise threshold as well as significant. */
  practicallySignificant: boolean;
  /** Why the row has no verdict and no p-value (it measures something else, has no distribution, …). */
  noVerdict: string | null;
  /** The run's CPU profile, the kernel it models or ran, its seed and engine version (figure footers, colour shades). */
  profile?: string | null;
  kernel?: string | null;
  seed?: number | null;
  engineVersion?: string | null;
  /**
   * Repeats: the runs of the same configuration under other seeds (this run included) and the
   * spread of their means; absent when the run has no repeats.
   */
  across?: AcrossRuns;
  /** What the verdict's p-value and CI rest on: the samples of the two runs, or the runs of two repeat groups. */
  basis?: 'samples' | 'runs';
  /** With basis `runs`: percent change of the group's mean against the baseline group's. */
  acrossDeltaPct?: number | null;
}

/** Statistics of one value (a run's mean latency) across the repeats of a configuration. */
export interface AcrossRuns {
  /** Number of runs. */
  n: number;
  mean: number;
  /** 95 % confidence interval of the mean across runs (Student t); equal to the mean when n = 1. */
  ciLow: number;
  ciHigh: number;
  /** Sample standard deviation across runs (0 when n = 1). */
  stddev: number;
  /** The runs (ids) of the group. */
  runIds: number[];
}

/** The difference to the baseline at one percentile, with its bootstrap 95 % confidence band. */
export interface PercentileDelta {
  /** Percentile as a probability (0.5 = p50). */
  p: number;
  /** Percentile of the run minus the baseline's, in the comparison's unit. */
  delta: number;
  lo: number;
  hi: number;
}

export interface CompareResult {
  baseline: number;
  /** Unit of every latency number and series (simulated runs are cycles; mixed with ns → ns). */
  unit: 'cycles' | 'ns';
  /** What the numbers are: `latency`, or `cycles per iteration` when every run is a vmexit loop. */
  metric: WorkloadMetric;
  /** Things the reader should know, e.g. runs that measure different quantities. */
  warnings: string[];
  /** How the runs' contexts differ (kernel against the model's, assumed or estimated TSC rate, resolution, …). */
  contextDifferences: string[];
  noiseThresholdPct: number;
  runs: CompareRow[];
  /** Chart series, per run in the order of `runs`. */
  cdf: Array<{ id: number; points: Array<[number, number]> }>;
  histograms: Array<{ id: number; histogram: Histogram }>;
  /** Per run: mean cycles per sample by critical-path step (simulated runs only). */
  criticalPath: Array<{ id: number; steps: Record<string, number> }>;
  /** Per run other than the baseline (with a verdict): its difference to the baseline at each percentile. */
  percentileDeltas: Array<{ id: number; points: PercentileDelta[] }>;
}

export interface ExportFile {
  fileName: string;
  mime: string;
  /** Text content, or base64 when `encoding` is base64. */
  content: string;
  encoding: 'utf8' | 'base64';
}

export interface ProfileInfo {
  name: string;
  description: string;
  builtIn: boolean;
}

export interface ParamsSpec {
  runParams: typeof import('./workloads.js').RUN_PARAMS;
  costNames: readonly string[];
}

export interface TraceEventRow {
  /** Host TSC cycles since the start of the trace. */
  t: number;
  cpu: number;
  /** The task that ran it, when known: the vCPU thread, or 0 for the idle task (`<idle>-0`). */
  pid?: number;
  event: string;
  text: string;
}

export interface CallResults {
  /** The new runs' ids and the names the lab gave them, in the order of `runs`. */
  'experiments:submit': { experimentId: number; runIds: number[]; runNames: string[] };
  'runs:simulate': { summary: RunSummary; trace: TraceEventRow[] | null };
  'runs:list': RunListItem[];
  'runs:get': RunDetail;
  'runs:histogram': Histogram;
  'runs:trace': TraceEventRow[];
  'runs:worst': Array<{ index: number; value: number }>;
  /** `deadline`: host TSC time the sample started at (its deadline), on the clock of the events' `t`. */
  'runs:sampleTrace': { index: number; value: number; deadline: number; events: TraceEventRow[] };
  'runs:rename': { ok: true };
  'runs:notes': { ok: true };
  'runs:tag': { ok: true };
  'runs:delete': { deleted: number };
  'runs:cancel': { ok: boolean };
  compare: CompareResult;
  export: ExportFile;
  import: ImportResult;
  'profiles:list': ProfileInfo[];
  'profiles:get': Profile;
  'profiles:save': { ok: true };
  'params:spec': ParamsSpec;
  'db:check': { file: string; ok: boolean; problems: string[] };
  'calibrate:read': CalibrationInputInfo;
  calibrate: CalibrationResult;
  'calibrate:get': { profile: Profile; provenance: CalibrationProvenance | null; note: string | null };
  predict: PredictResult;
}

/** Pushes from main to the renderer. */
export interface RunProgress {
  runId: number;
  experimentId: number | null;
  status: RunStatus;
  done: number;
  total: number;
  samplesPerSec: number;
  etaSec: number | null;
}
export interface RunFinished {
  runId: number;
  status: RunStatus;
  error: string | null;
}
export interface PushPayloads {
  'run:progress': RunProgress;
  'run:finished': RunFinished;
  'import:progress': { fileName: string; bytesDone: number; bytesTotal: number };
  /** A calibration's or prediction's progress: reading a file (bytes), the model's simulations, the bootstrap, the reproduction. */
  'calibrate:progress': { stage: string; done: number; total: number };
}
export type PushChannel = keyof PushPayloads;
export const PUSH_CHANNELS: PushChannel[] = ['run:progress', 'run:finished', 'import:progress', 'calibrate:progress'];

/** Error shape crossing any transport: a message and, for bad input, the field it names. */
export interface LabErrorPayload {
  code: 'bad-input' | 'not-found' | 'conflict' | 'failed';
  message: string;
  field?: string;
}

/** What `window.lab` offers the renderer, whatever the transport. */
export interface LabApi {
  call<K extends CallChannel>(channel: K, args: CallArgs<K>): Promise<CallResults[K]>;
  on<K extends PushChannel>(channel: K, listener: (payload: PushPayloads[K]) => void): () => void;
}
