/**
 * Public surface of src-main/formats: pure parsers (streaming, line by line) and exporters for
 * the tools timer engineers already use. Must not import node:*, electron or better-sqlite3.
 */
export type {
  ExitTotals,
  HistogramData,
  ImportFormat,
  LineParser,
  MeasurementSummary,
  ParsedMeasurement,
  ParsedSeries,
  ParseOptions,
} from './types.js';
export { FormatError } from './errors.js';
export { MAX_LINE_CHARS, splitLines } from './lines.js';
export { MAX_COUNT, MAX_SAMPLE } from './numbers.js';
// The layers of the trace reader, for modules that consume a host trace's per-vCPU event stream.
export { TraceTokenizer, parseTraceLine, type TraceEvent, type TraceItem, type TraceResolution } from './trace-tokenizer.js';
export { VcpuSequencer, DROP_REASONS, type DropReason, type SegmentSink, type TimerVia, type VcpuSegment, type VcpuThread } from './vcpu-sequencer.js';
export { readVcpuSegments, type VcpuStreamResult } from './vcpu-stream.js';
export { TscRateEstimator, type TscEstimate } from './tsc-estimate.js';
export { isPreemptionTimerExit, virtOfReasons } from './exit-reasons.js';
export * as traceFields from './trace-line.js';
export { detectFormat, detectTextFormat, sniffedLines } from './detect.js';
export { createParser, parseLineStream, parseText, type StreamProgress } from './parse.js';
export { CyclictestStatusParser } from './cyclictest-status.js';
export { CyclictestVerboseParser } from './cyclictest-verbose.js';
export { CyclictestHistParser } from './cyclictest-hist.js';
export { CyclictestJsonParser } from './cyclictest-json.js';
export { TscdeadlineLatencyParser } from './tscdeadline-latency.js';
export { VmexitParser } from './vmexit.js';
export { TraceCmdParser } from './trace-cmd.js';
export { PerfKvmStatParser } from './perf-kvm-stat.js';
export { toCyclictestHistogram, toCyclictestJson, type CyclictestExportOptions, type CyclictestJsonOptions } from './export-cyclictest.js';
export { toHistogramCsv, toSummaryCsv, SUMMARY_CSV_COLUMNS, type SummaryCsvRow } from './export-csv.js';
export { toTscdeadlineLog, type TscdeadlineLogOptions } from './export-tscdeadline.js';
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent, type ChromeTraceOptions } from './export-chrome-trace.js';
export { toTraceCmdReport, type TraceCmdReportOptions } from './export-trace-cmd.js';
export type { TraceEventIn } from './trace-events.js';
