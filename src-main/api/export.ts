/**
 * `export`: runs as summary CSV, JSON, cyclictest histogram text or `--json` output, a run's
 * samples as kvm-unit-tests tscdeadline_latency output, a run's trace as trace-cmd report text or
 * Chrome trace-event JSON (Perfetto), and a comparison as one self-contained HTML report; another
 * tool's format only for runs measuring what that tool measures (the export-format registry).
 * Must not import electron.
 */
import type { ExportFile, ParsedArgs, RunDetail } from '../../src-shared/contract.js';
import {
  toChromeTrace,
  toCyclictestHistogram,
  toCyclictestJson,
  toSummaryCsv,
  toTraceCmdReport,
  toTscdeadlineLog,
  type HistogramData,
} from '../formats/index.js';
import type { RunStore } from '../store/index.js';
import { runDistribution } from './compare.js';
import { ApiError } from './errors.js';
import { exportMismatch } from '../../src-shared/export-formats.js';
import { measureTitle } from '../../src-shared/measures.js';
import type { SummaryStats } from '../../src-shared/result.js';
import { statText, UNKNOWN_STAT } from '../../src-shared/stat-text.js';
import { nsPerUnit } from './compare.js';
import { htmlReport } from './report.js';

export function exportRuns(store: RunStore, args: ParsedArgs<'export'>): ExportFile {
  const runs = args.ids.map((id) => store.get(id));
  for (const run of runs) {
    const mismatch = exportMismatch(args.format, run);
    if (mismatch) throw new ApiError('conflict', mismatch, 'format');
  }
  const stem = runs.length === 1 ? `timer-lab-run-${runs[0]!.id}` : `timer-lab-runs-${runs.map((r) => r.id).join('-')}`;
  switch (args.format) {
    case 'csv':
      return text(`${stem}.csv`, 'text/csv', summaryCsv(runs));
    case 'json':
      return text(`${stem}.json`, 'application/json', JSON.stringify(runs, null, 2) + '\n');
    case 'cyclictest-hist':
      return text(`${stem}.hist.txt`, 'text/plain', toCyclictestHistogram(...cyclictestThreads(store, runs)));
    case 'cyclictest-json': {
      const [threads, binning] = cyclictestThreads(store, runs);
      return text(`${stem}.cyclictest.json`, 'application/json', toCyclictestJson(threads, { ...binning, cmdline: `timer-lab export ${runs.map((r) => r.id).join(' ')} --format cyclictest-json` }));
    }
    case 'tscdeadline-latency': {
      const run = single(runs, 'tscdeadline-latency');
      return text(`${stem}.tscdeadline_latency.txt`, 'text/plain', toTscdeadlineLog(guestCycleSamples(store, run), { breakmax: run.config?.params.breakmax ?? 0 }));
    }
    case 'trace-cmd': {
      const run = single(runs, 'trace-cmd');
      return text(`${stem}.trace.txt`, 'text/plain', toTraceCmdReport(traceOf(store, run), { tscKhz: tscKhzOf(run), nsTimestamps: args.traceTs === 'ns' }));
    }
    case 'chrome-trace': {
      const run = single(runs, 'chrome-trace');
      const trace = toChromeTrace(traceOf(store, run), { tscKhz: tscKhzOf(run) });
      return text(`${stem}.trace.json`, 'application/json', JSON.stringify(trace));
    }
    case 'html':
      return text(`${stem}.html`, 'text/html', htmlReport(store, runs));
  }
}

function text(fileName: string, mime: string, content: string): ExportFile {
  return { fileName, mime, content, encoding: 'utf8' };
}

function single(runs: RunDetail[], format: string): RunDetail {
  if (runs.length !== 1) throw new ApiError('bad-input', `ids: ${format} export takes exactly one run`, 'ids');
  return runs[0]!;
}

/**
 * Ticks per ms of a run's trace timestamps: a simulated run's host TSC (kHz); an imported trace
 * keeps ns (1 000 000 per ms).
 */
export function tscKhzOf(run: RunDetail): number {
  return run.config?.profile.tsc_khz ?? 1_000_000;
}

function traceOf(store: RunStore, run: RunDetail) {
  const rows = store.getTrace(run.id, 1_000_000);
  if (rows.length === 0) {
    throw new ApiError(
      'conflict',
      run.kind === 'measured'
        ? `run ${run.id} is an imported measurement without a kept trace (only trace-cmd imports keep their first timer events)`
        : `run ${run.id} has no trace: run it again (the CLI always keeps one; the app keeps it for runs of ≤ 50 000 samples)`,
    );
  }
  return rows;
}

/** A statistic for the CSV: the number itself, or "—" / "> limit" / "< step" as every view writes it. */
function csvStat(l: SummaryStats, key: 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max'): number | string {
  const v = l[key];
  const text = statText(l, key, String);
  return v !== null && text === String(v) ? v : text;
}

function summaryCsv(runs: RunDetail[]): string {
  return toSummaryCsv(
    runs.map((r) => {
      const l = r.summary?.latency;
      const stat = (k: 'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max') => (l ? csvStat(l, k) : UNKNOWN_STAT);
      return {
        id: r.id,
        name: r.name,
        kind: r.kind,
        workload: r.workload,
        strategy: r.strategy,
        measures: measureTitle(r.measure),
        samples: r.summary?.samples ?? r.samples,
        mean: stat('mean'),
        p50: stat('p50'),
        p90: stat('p90'),
        p99: stat('p99'),
        p999: stat('p999'),
        max: stat('max'),
        unit: l?.unit ?? 'cycles',
      };
    }),
  );
}

/**
 * A run's samples in sample order, in guest TSC cycles, as tscdeadline_latency prints them: only
 * runs that keep their samples (simulated runs, imported logs) in cycles.
 */
function guestCycleSamples(store: RunStore, run: RunDetail): Int32Array {
  if (run.summary?.latency.unit === 'ns') {
    throw new ApiError('conflict', `run ${run.id} is measured in ns; a tscdeadline_latency log holds guest TSC cycles`);
  }
  const samples = store.getSamples(run.id);
  if (!samples || samples.length === 0) throw new ApiError('conflict', `run ${run.id} keeps no individual samples (only a histogram)`);
  return samples;
}

/**
 * Each run as one thread of a cyclictest histogram, in ns (cycles converted with the guest TSC
 * frequency), with the bucket count a `-h` histogram of the largest value needs (1 µs buckets).
 */
function cyclictestThreads(store: RunStore, runs: RunDetail[]): [HistogramData[], { buckets: number }] {
  const threads: HistogramData[] = runs.map((r) => {
    const d = runDistribution(store, r);
    // samples are guest cycles: the guest's TSC frequency converts them (never an assumed one)
    const toNs = nsPerUnit(r);
    if (toNs === null) throw new ApiError('conflict', `run ${r.id} is in guest TSC cycles with no known TSC rate: it cannot be written in µs (import it with its TSC rate)`);
    const byNs = new Map<number, number>();
    for (let i = 0; i < d.values.length; i++) {
      const ns = Math.round(d.values[i]! * toNs);
      byNs.set(ns, (byNs.get(ns) ?? 0) + d.counts[i]!);
    }
    const values = [...byNs.keys()].sort((a, b) => a - b);
    return { values, counts: values.map((v) => byNs.get(v)!) };
  });
  const maxUs = Math.max(...threads.map((t) => (t.values.at(-1) ?? 0) / 1000));
  return [threads, { buckets: Math.max(400, Math.ceil(maxUs) + 1) }];
}
