/**
 * The export formats every front door offers (app, CLI, web): a short description each and the
 * measures a file of that format can carry, so that no run is written as another tool's output
 * of a quantity it does not measure. Plain data without zod, so the renderer can import it. Must
 * not import anything but other src-shared modules.
 */
import { measureTitle, type MeasureId } from './measures.js';

export interface ExportFormatInfo {
  description: string;
  /**
   * What a run must measure to be written in this format: the tool's own quantity for another
   * tool's file format; `any` for the lab's own tables, reports and traces (they say what a run
   * measures, or hold its timeline rather than its samples).
   */
  measures: readonly MeasureId[] | 'any';
}

export const EXPORT_FORMAT_INFO = {
  csv: { description: 'summary table, one row per run', measures: 'any' },
  json: { description: 'every run detail as JSON', measures: 'any' },
  'cyclictest-hist': { description: 'cyclictest -h histogram text (1 µs buckets), one thread per run', measures: ['wakeup-latency'] },
  'cyclictest-json': { description: 'cyclictest --json output, one thread per run', measures: ['wakeup-latency'] },
  'tscdeadline-latency': { description: 'kvm-unit-tests tscdeadline_latency output (guest TSC cycles, sample order)', measures: ['guest-deadline-to-isr'] },
  'trace-cmd': { description: 'the run trace as trace-cmd report text', measures: 'any' },
  'chrome-trace': { description: 'the run trace as Chrome trace-event JSON (opens in Perfetto)', measures: 'any' },
  html: { description: 'a self-contained comparison report', measures: 'any' },
} as const satisfies Record<string, ExportFormatInfo>;

export type ExportFormat = keyof typeof EXPORT_FORMAT_INFO;
export const EXPORT_FORMATS = Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[];

/** Whether a file of this format can carry a run measuring `measure` (null: not known). */
export function exportCarries(format: ExportFormat, measure: MeasureId | null): boolean {
  const fits: readonly MeasureId[] | 'any' = EXPORT_FORMAT_INFO[format].measures;
  return fits === 'any' || (measure !== null && fits.includes(measure));
}

/** The export formats that can carry a run measuring `measure`. */
export function exportFormatsFor(measure: MeasureId | null): ExportFormat[] {
  return EXPORT_FORMATS.filter((f) => exportCarries(f, measure));
}

/**
 * Why a run cannot be written in `format`, naming the run, what it measures and the formats that
 * fit it; null when it can.
 */
export function exportMismatch(format: ExportFormat, run: { id: number; measure: MeasureId | null }): string | null {
  if (exportCarries(format, run.measure)) return null;
  const fits = EXPORT_FORMAT_INFO[format].measures as readonly MeasureId[];
  return (
    `run ${run.id} measures ${measureTitle(run.measure)}; a ${format} file holds ${fits.map((m) => measureTitle(m)).join(' or ')}` +
    ` (formats that fit run ${run.id}: ${exportFormatsFor(run.measure).join(', ')})`
  );
}
