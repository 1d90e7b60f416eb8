/**
 * The shape every import parser produces (ParsedMeasurement) and the streaming parser interface.
 * Pure types: must not import node:*, electron or better-sqlite3.
 */
import type { ImportFormat } from '../../src-shared/contract.js';

export type { ImportFormat };

/** value → count, ascending by value, only non-zero counts. */
export interface HistogramData {
  values: number[];
  counts: number[];
}

export interface ThreadStats {
  id: number;
  histogram: HistogramData | null;
  count: number;
  min: number;
  max: number;
  avg: number;
}

export interface ExitTotals {
  count: number;
  totalNs: number;
}

export interface MeasurementSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
}

export interface ParsedMeasurement {
  format: ImportFormat;
  /** µs inputs are converted to ns. */
  unit: 'cycles' | 'ns';
  /** Exact values, when the file lists each one. */
  samples: Int32Array | null;
  /** Merged histogram (all threads), when only buckets are given. */
  histogram: HistogramData | null;
  threads?: ThreadStats[];
  summary: MeasurementSummary;
  exits?: Record<string, ExitTotals>;
  /** trace-cmd: exits per vCPU (key `vcpu N`, or the COMM-PID when the vCPU id is unknown). */
  exitsByVcpu?: Record<string, Record<string, ExitTotals>>;
  /** Bounded (first `maxLatencies`, default 1e6). */
  timerLatenciesNs?: number[];
  overflows?: number;
  warnings: string[];
  meta: Record<string, string>;
}

export interface ParseOptions {
  /** Unit of cyclictest values when the file cannot say (status, -v, histogram text). */
  unitHint?: 'us' | 'ns';
  /** Cap on kept trace-cmd timer latencies (default 1e6). */
  maxLatencies?: number;
  /** Cap on a buffered JSON document in characters (default 200 MB). */
  maxJsonChars?: number;
}

/** One format's streaming parser. `push` every line (1-based lineNo), then `finish` once. */
export interface LineParser {
  readonly format: ImportFormat;
  push(line: string, lineNo: number): void;
  finish(): ParsedMeasurement;
}
