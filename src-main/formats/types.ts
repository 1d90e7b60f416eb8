/**
 * The shape every import parser produces (ParsedMeasurement: one series per run to store, the
 * file's context and tables) and the streaming parser interface.
 * Pure types: must not import node:*, electron or better-sqlite3.
 */
import type { ImportFormat } from '../../src-shared/contract.js';
import type { MeasureId } from '../../src-shared/measures.js';
import type {
  LapicExpireStats,
  MeasureContext,
  PairingReport,
  PerfRow,
  RunSource,
  SourceRow,
} from '../../src-shared/measurement.js';

export type { ImportFormat };

/** value → count, ascending by value, only non-zero counts. */
export interface HistogramData {
  values: number[];
  counts: number[];
}

/** Exit totals of one reason: every exit counts; `timed` of them were paired with their entry. */
export interface ExitTotals {
  count: number;
  timed: number;
  totalNs: number;
  minNs: number | null;
  maxNs: number | null;
}

/** What the file states about a series; min/max/mean are absent only when count is 0. */
export interface MeasurementSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
}

/** One run's worth of data: a thread, a vCPU, a VM, a vmexit test, or the whole file merged. */
export interface ParsedSeries {
  source: RunSource;
  /** Workload the series corresponds to, when the format says (vmexit tests). */
  workload?: string;
  /** Exact values, when the file lists each one. */
  samples: Int32Array | null;
  /** value → count, when only buckets are given (traces: exact, or log-linear above 100 000 distinct values). */
  histogram: HistogramData | null;
  /** Samples counted beyond the histogram (cyclictest overflows): they lie above `limit`. */
  overflow: { count: number; limit: number } | null;
  /** Count (overflows included), and min/max/mean as the file gives them. */
  summary: MeasurementSummary;
  /** The series' own timer interval (µs) when the file gives one per thread: it replaces the context's. */
  intervalUs?: number | null;
  exits?: Record<string, ExitTotals>;
  pairing?: PairingReport;
  hvTimer?: { software: number; preemption: number };
  lapicExpire?: LapicExpireStats;
}

/** Everything a parser read from one file. The top-level series fields are those of `series[0]`. */
export interface ParsedMeasurement extends ParsedSeries {
  format: ImportFormat;
  measure: MeasureId;
  /** µs inputs are converted to ns. */
  unit: 'cycles' | 'ns';
  /** Runs to store, first the merged (or only, or primary) one, then one per thread/vCPU/VM/test. */
  series: ParsedSeries[];
  context: MeasureContext;
  /** The file's per-source table (threads, vCPUs), when it has several sources. */
  sources: SourceRow[];
  lostEvents: number | null;
  sysinfo: Record<string, string> | null;
  vmexitTests: Array<{ test: string; count: number; cycles: number[] }> | null;
  perfRows: PerfRow[] | null;
  unknownLines: { count: number; examples: Array<{ line: number; text: string }> } | null;
  /** Trace lines kept for the run's timeline (imported traces: ts in ns), when asked for. */
  trace: Array<{ t: number; cpu: number; event: string; text: string }> | null;
  warnings: string[];
  meta: Record<string, string>;
}

export interface ParseOptions {
  /** Unit of cyclictest values when the file cannot say (status, -v, histogram text). */
  unitHint?: 'us' | 'ns';
  /** Cap on a buffered JSON document in characters (default 200 MB). */
  maxJsonChars?: number;
  /** Longest accepted line in characters (default MAX_LINE_CHARS). */
  maxLineChars?: number;
  /** trace-cmd: keep the trace lines of the first N timer events for the run's timeline (default 0). */
  traceTimerEvents?: number;
}

/** One format's streaming parser. `push` every line (1-based lineNo), then `finish` once. */
export interface LineParser {
  readonly format: ImportFormat;
  push(line: string, lineNo: number): void;
  finish(): ParsedMeasurement;
}
