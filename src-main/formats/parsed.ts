/**
 * Assembling a parser's result: the series to store (merged first), the file's per-source table,
 * and defaults for the tables a format does not have. Must not import node:*, electron or
 * better-sqlite3.
 */
import { emptyContext, type MeasureContext, type RunSource, type SourceRow } from '../../src-shared/measurement.js';
import type { MeasureId } from '../../src-shared/measures.js';
import { END_OF_FILE, FormatError } from './errors.js';
import type { ImportFormat, ParsedMeasurement, ParsedSeries } from './types.js';

/** Most runs one file becomes (the merged one included); further sources stay in the table. */
export const MAX_SERIES = 65;

export interface ParsedInput {
  format: ImportFormat;
  measure: MeasureId;
  unit: 'cycles' | 'ns';
  series: ParsedSeries[];
  context?: Partial<MeasureContext>;
  warnings?: string[];
  meta?: Record<string, string>;
  lostEvents?: number | null;
  sysinfo?: Record<string, string> | null;
  vmexitTests?: ParsedMeasurement['vmexitTests'];
  perfRows?: ParsedMeasurement['perfRows'];
  unknownLines?: ParsedMeasurement['unknownLines'];
  trace?: ParsedMeasurement['trace'];
}

export function sourceRow(s: ParsedSeries): SourceRow {
  const has = s.summary.count > 0;
  const exits = s.exits ? Object.values(s.exits).reduce((a, e) => a + e.count, 0) : null;
  return {
    source: s.source,
    count: s.summary.count,
    min: has ? s.summary.min : null,
    max: has ? s.summary.max : null,
    mean: has ? s.summary.mean : null,
    overflow: s.overflow?.count ?? 0,
    exits,
  };
}

/**
 * The result of a parse. `merged` is the whole file; `parts` its sources (threads, vCPUs, …).
 * With one part the merged series is that part (no duplicate run); with several, the merged
 * series comes first, then each part with data, up to MAX_SERIES runs in all.
 */
export function withParts(merged: ParsedSeries, parts: ParsedSeries[], mergedLabel: string): { series: ParsedSeries[]; sources: SourceRow[]; dropped: number } {
  const sources = parts.map(sourceRow);
  const withData = parts.filter((p) => p.summary.count > 0);
  if (parts.length <= 1) {
    const only = parts[0];
    const source: RunSource = only ? { ...only.source, scope: 'file' } : { scope: 'file', label: mergedLabel };
    return { series: [{ ...merged, source }], sources: [], dropped: 0 };
  }
  const kept = withData.slice(0, MAX_SERIES - 1);
  return {
    series: [{ ...merged, source: { scope: 'merged', label: mergedLabel } }, ...kept],
    sources,
    dropped: withData.length - kept.length,
  };
}

/**
 * The timer interval (µs) every thread of a file shares, for the merged run; null when none is
 * known or when they differ (then each thread's run keeps its own, and a warning says so).
 */
export function commonInterval(parts: readonly ParsedSeries[], warnings: string[]): number | null {
  const known = [...new Set(parts.map((p) => p.intervalUs).filter((v): v is number => typeof v === 'number'))];
  if (known.length > 1) warnings.push(`threads have different intervals (${known.join(', ')} µs): each thread's run has its own, the merged run none`);
  return known.length === 1 && parts.every((p) => p.intervalUs === known[0]) ? (known[0] as number) : null;
}

export function parsedMeasurement(input: ParsedInput, sources: SourceRow[] = []): ParsedMeasurement {
  const first = input.series[0];
  if (!first) throw new FormatError(1, 'timer data', '(nothing found)');
  return {
    ...first,
    format: input.format,
    measure: input.measure,
    unit: input.unit,
    series: input.series,
    context: { ...emptyContext(), ...input.context },
    sources,
    lostEvents: input.lostEvents ?? null,
    sysinfo: input.sysinfo ?? null,
    vmexitTests: input.vmexitTests ?? null,
    perfRows: input.perfRows ?? null,
    unknownLines: input.unknownLines ?? null,
    trace: input.trace ?? null,
    warnings: input.warnings ?? [],
    meta: input.meta ?? {},
  };
}

export function emptySeries(source: RunSource): ParsedSeries {
  return { source, samples: null, histogram: null, overflow: null, summary: { count: 0, min: 0, max: 0, mean: 0 } };
}

/** The error of a file with no usable data: "… expected X (no timer events found), got "(end of file)"". */
export function noData(lineNo: number, what: string): FormatError {
  return new FormatError(lineNo, `${what} (no timer events found)`, END_OF_FILE);
}
