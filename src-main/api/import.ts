/**
 * Turning a parsed measurement (cyclictest, kvm-unit-tests, trace-cmd, perf kvm stat) into the
 * stored runs of kind `measured`: one per series of the file (merged, then each thread, vCPU, VM
 * or test) grouped as one experiment, each with its source file name, format and SHA-256, what it
 * measures, the statistics the file gives (nothing invented: unknown percentiles are null), its
 * distribution in the file's own unit, and the file's context and tables. Exit times stay in ns;
 * cycles appear only with a TSC rate that is known (given at import) or estimated from the
 * trace. Nothing is stored when parsing fails. Must not import electron.
 */
import { createHash } from 'node:crypto';
import type { ImportFormat, ImportUnit } from '../../src-shared/contract.js';
import { TSC_GIVEN_AT_IMPORT, type MeasuredExit, type MeasurementInfo, type TscRate } from '../../src-shared/measurement.js';
import type { ExitStat, Histogram, SummaryStats } from '../../src-shared/result.js';
import type { ParsedMeasurement, ParsedSeries, ParseOptions } from '../formats/index.js';
import { knownStats, logLinearHistogram, seriesDistribution } from '../stats/index.js';
import type { ExperimentInput, MeasuredRunInput } from '../store/index.js';
import { ApiError } from './errors.js';
import { TSCDEADLINE_GUEST_UNKNOWN } from '../../src-shared/workloads.js';

const WORKLOAD_OF: Partial<Record<ImportFormat, string>> = {
  cyclictest: 'cyclictest',
  'cyclictest-verbose': 'cyclictest',
  'cyclictest-hist': 'cyclictest',
  'cyclictest-json': 'cyclictest',
  // the log does not say whether the guest halted or busy-waited
  'tscdeadline-latency': TSCDEADLINE_GUEST_UNKNOWN,
  vmexit: 'vmexit-tscdeadline',
};

/** Timer events whose trace lines an imported trace keeps for its timeline, unless asked otherwise. */
export const IMPORT_TRACE_TIMER_EVENTS = 2000;

/** Parser options from an import's arguments (the same for every front door). */
export function importParseOptions(args: { unit?: ImportUnit | undefined; traceTimerEvents?: number | undefined }): ParseOptions {
  return { ...(args.unit ? { unitHint: args.unit } : {}), traceTimerEvents: args.traceTimerEvents ?? IMPORT_TRACE_TIMER_EVENTS };
}

/** The import arguments that change what is stored from the same file. */
export interface ImportOptions {
  format?: ImportFormat | undefined;
  unit?: ImportUnit | undefined;
  tscKhz?: number | undefined;
  traceTimerEvents?: number | undefined;
}

/**
 * The options part of an import's identity: a file is stored once per set of options that change
 * its runs (a histogram read as ns is another measurement than the same one read as µs); the name
 * is not one of them. `{}` when every option is left to its default or set to it: a format the
 * import names counts only when it is not the one detection finds in the file (`detected`).
 */
export function importOptionsKey(args: ImportOptions, detected: ImportFormat | null): string {
  const key: Record<string, string | number> = {};
  if (args.format !== undefined && args.format !== detected) key.format = args.format;
  // µs is what the parsers assume of a file that does not say (the app always sends a unit)
  if (args.unit !== undefined && args.unit !== 'us') key.unit = args.unit;
  if (args.tscKhz !== undefined) key.tscKhz = args.tscKhz;
  if (args.traceTimerEvents !== undefined && args.traceTimerEvents !== IMPORT_TRACE_TIMER_EVENTS) key.traceTimerEvents = args.traceTimerEvents;
  return JSON.stringify(key);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Exact value→count buckets ([v, v, count]) for imported histograms. */
function exactHistogram(values: readonly number[], counts: readonly number[]): Histogram {
  const buckets: Array<[number, number, number]> = [];
  let total = 0;
  let underflow = 0;
  values.forEach((v, i) => {
    const c = counts[i] ?? 0;
    total += c;
    if (v < 0) underflow += c;
    else buckets.push([v, v, c]);
  });
  return { subBucketBits: 0, buckets, underflow, total };
}

export interface ImportMeta {
  fileName: string;
  sha256: string;
  name?: string;
  /** TSC rate the user gives (kHz): converts cycles to ns, and exit times to cycles. */
  tscKhz?: number;
  /** importOptionsKey of the import's arguments (default `{}`). */
  options?: string;
}

export interface MeasuredImport {
  experiment: ExperimentInput;
  runs: MeasuredRunInput[];
}

/** The TSC rate of an import: given at import (known), else estimated from the file, else none. */
function tscRate(parsed: ParsedMeasurement, meta: ImportMeta): TscRate | null {
  if (meta.tscKhz) return { khz: meta.tscKhz, basis: 'known', method: TSC_GIVEN_AT_IMPORT };
  return parsed.context.tsc;
}

function measuredExits(series: ParsedSeries): MeasuredExit[] {
  return Object.entries(series.exits ?? {})
    .map(([reason, e]) => ({ reason, count: e.count, timed: e.timed, totalNs: e.totalNs, minNs: e.minNs, maxNs: e.maxNs }))
    .sort((a, b) => b.totalNs - a.totalNs || b.count - a.count);
}

/** Exit times as host cycles, only with a known or estimated TSC rate (never an assumed one). */
function exitCycles(series: ParsedSeries, tsc: TscRate | null): Record<string, ExitStat> {
  const out: Record<string, ExitStat> = {};
  if (!tsc || tsc.basis === 'assumed') return out;
  for (const [reason, e] of Object.entries(series.exits ?? {})) out[reason] = { count: e.count, hostCycles: Math.round((e.totalNs * tsc.khz) / 1_000_000) };
  return out;
}

function scaled(stats: Omit<SummaryStats, 'unit'>, f: number): Omit<SummaryStats, 'unit'> {
  const m = (v: number | null): number | null => (v === null ? null : v * f);
  const out: Omit<SummaryStats, 'unit'> = { mean: stats.mean * f, min: stats.min * f, max: stats.max * f, stddev: m(stats.stddev), p50: m(stats.p50), p90: m(stats.p90), p99: m(stats.p99), p999: m(stats.p999) };
  if (stats.above !== undefined) out.above = stats.above * f;
  if (stats.resolution !== undefined) out.resolution = stats.resolution * f;
  return out;
}

/** Refuses a run whose statistics are not finite numbers (nothing saved), naming the field. */
function checkFinite(stats: Omit<SummaryStats, 'unit'>, count: number, label: string): void {
  for (const [k, v] of Object.entries({ ...stats, count })) {
    if (v !== null && v !== undefined && !Number.isFinite(v)) {
      throw new ApiError('bad-input', `content: ${label}: ${k} is not a finite number`, 'content');
    }
  }
}

function histogramOf(series: ParsedSeries): Histogram | null {
  if (series.histogram && series.histogram.values.length > 0) return exactHistogram(series.histogram.values, series.histogram.counts);
  const d = series.samples && series.samples.length > 0 ? seriesDistribution(series) : null;
  return d ? logLinearHistogram(d) : null;
}

function runOf(parsed: ParsedMeasurement, series: ParsedSeries, index: number, meta: ImportMeta, tsc: TscRate | null): MeasuredRunInput {
  const base = meta.name ?? meta.fileName;
  const many = parsed.series.length > 1;
  const resolution = parsed.unit === 'ns' ? (parsed.context.resolutionNs ?? undefined) : undefined;
  const stats = knownStats(series, resolution);
  checkFinite(stats, series.summary.count, series.source.label || base);
  const measurement: MeasurementInfo = {
    measure: parsed.measure,
    source: series.source,
    context: { ...parsed.context, tsc, ...(series.intervalUs !== undefined ? { intervalUs: series.intervalUs } : {}) },
    overflow: series.overflow,
    sources: index === 0 ? parsed.sources : [],
    exits: measuredExits(series),
    pairing: series.pairing ?? null,
    lostEvents: parsed.lostEvents,
    hvTimer: series.hvTimer ?? null,
    lapicExpire: series.lapicExpire ?? null,
    sysinfo: parsed.sysinfo,
    vmexitTests: parsed.vmexitTests,
    perfRows: parsed.perfRows,
    unknownLines: parsed.unknownLines,
    warnings: parsed.warnings,
    importOptions: meta.options ?? '{}',
  };
  const samples = series.samples && series.samples.length > 0 ? series.samples : null;
  const input: MeasuredRunInput = {
    name: (many ? `${base} · ${series.source.label}` : base).slice(0, 200),
    sourceFile: meta.fileName,
    format: parsed.format,
    sha256: meta.sha256,
    unit: parsed.unit,
    stats,
    histogram: histogramOf(series),
    samples,
    count: series.summary.count,
    exits: exitCycles(series, tsc),
    workload: series.workload ?? WORKLOAD_OF[parsed.format] ?? 'measured',
    strategy: 'measured',
    measure: parsed.measure,
    measurement,
  };
  if (parsed.unit === 'cycles' && tsc?.basis === 'known') input.statsNs = scaled(stats, 1_000_000 / tsc.khz);
  if (index === 0 && parsed.trace && parsed.trace.length > 0) input.trace = parsed.trace;
  if (parsed.warnings.length > 0) input.notes = `Import warnings:\n${parsed.warnings.join('\n')}`;
  return input;
}

/** Every run of one imported file, and the experiment that groups them. */
export function measuredImport(parsed: ParsedMeasurement, meta: ImportMeta): MeasuredImport {
  const tsc = tscRate(parsed, meta);
  const runs = parsed.series.map((s, i) => runOf(parsed, s, i, meta, tsc));
  const base = meta.name ?? meta.fileName;
  const estimate = parsed.context.tsc;
  const notes = [
    `Imported from ${meta.fileName} (${parsed.format}), sha256 ${meta.sha256}: ${runs.length} run${runs.length === 1 ? '' : 's'}.`,
    ...(meta.tscKhz && estimate ? [`TSC rate given at import: ${meta.tscKhz} kHz; the trace suggests ${estimate.khz} kHz (${estimate.method}).`] : []),
  ];
  return { experiment: { name: base.slice(0, 200), notes: notes.join('\n') }, runs };
}

/** The first run of an import alone (tests, callers that store one run). */
export function measuredRunInput(parsed: ParsedMeasurement, meta: ImportMeta): MeasuredRunInput {
  const first = measuredImport(parsed, meta).runs[0];
  if (!first) throw new ApiError('bad-input', 'content: no run in the file', 'content');
  return first;
}
