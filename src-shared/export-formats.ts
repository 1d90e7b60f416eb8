/**
 * The export formats every front door offers (app, CLI, web), with a short description each.
 * Plain data without zod, so the renderer can import it. Must not import anything.
 */
export const EXPORT_FORMAT_INFO = {
  csv: 'summary table, one row per run',
  json: 'every run detail as JSON',
  'cyclictest-hist': 'cyclictest -h histogram text (1 µs buckets), one thread per run',
  'cyclictest-json': 'cyclictest --json output, one thread per run',
  'tscdeadline-latency': 'kvm-unit-tests tscdeadline_latency output (guest TSC cycles, sample order)',
  'trace-cmd': 'the run trace as trace-cmd report text',
  'chrome-trace': 'the run trace as Chrome trace-event JSON (opens in Perfetto)',
  html: 'a self-contained comparison report',
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMAT_INFO;
export const EXPORT_FORMATS = Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[];
