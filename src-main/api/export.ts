/**
 * `export`: runs as summary CSV, JSON, cyclictest histogram text or `--json` output, a run's
 * samples as kvm-unit-tests tscdeadline_latency output, a run's trace as trace-cmd report text or
 * Chrome trace-event JSON (Perfetto), and a comparison as one self-contained HTML report.
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
import { guestTscKhz } from '../../src-shared/config.js';
import { DEFAULT_IMPORT_TSC_KHZ } from './import.js';
import { htmlReport } from './report.js';

export function exportRuns(store: RunStore, args: ParsedArgs<'export'>): ExportFile {
  const runs = args.ids.map((id) => store.get(id));
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
      return text(`${stem}.trace.txt`, 'text/plain', toTraceCmdReport(traceOf(store, run), { tscKhz: tscKhzOf(run) }));
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

/** Host TSC frequency of a simulated run (trace timestamps are host cycles). */
export function tscKhzOf(run: RunDetail): number {
  return run.config?.profile.tsc_khz ?? DEFAULT_IMPORT_TSC_KHZ;
}

function traceOf(store: RunStore, run: RunDetail) {
  const rows = store.getTrace(run.id, 1_000_000);
  if (rows.length === 0) {
    throw new ApiError(
      'conflict',
      run.kind === 'measured'
        ? `run ${run.id} is an imported measurement: it has no simulated trace`
        : `run ${run.id} has no trace: run it again (the CLI always keeps one; the app keeps it for runs of ≤ 50 000 samples)`,
    );
  }
  return rows;
}

function summaryCsv(runs: RunDetail[]): string {
  return toSummaryCsv(
    runs.map((r) => {
      const l = r.summary?.latency;
      return {
        id: r.id,
        name: r.name,
        kind: r.kind,
        workload: r.workload,
        strategy: r.strategy,
        samples: r.summary?.samples ?? r.samples,
        mean: l?.mean ?? NaN,
        p50: l?.p50 ?? NaN,
        p90: l?.p90 ?? NaN,
        p99: l?.p99 ?? NaN,
        p999: l?.p999 ?? NaN,
        max: l?.max ?? NaN,
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
    // samples are guest cycles: the guest's TSC frequency converts them
    const toNs = r.summary?.latency.unit === 'ns' ? 1 : 1_000_000 / (r.config ? guestTscKhz(r.config) : DEFAULT_IMPORT_TSC_KHZ);
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
