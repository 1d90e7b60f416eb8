/**
 * Writes histograms in cyclictest's own formats: the `-h` histogram text (`%06d ` buckets,
 * `%06lu` tab-separated counts, `%09llu`/`%05lu` trailer) and rt-tests 2.x `--json` (with the
 * `"cmdline:"` / `"rt_test_version:"` colon-keys quirk). Input values are ns unless
 * `inputUnit: 'us'`; output buckets are µs unless `unit: 'ns'`. Pure: must not import node:*,
 * electron or better-sqlite3.
 */
import type { HistogramData } from './types.js';

export interface CyclictestExportOptions {
  /** Output bucket unit (cyclictest -N writes ns). Default 'us'. */
  unit?: 'us' | 'ns';
  /** Unit of the input values. Default 'ns'. */
  inputUnit?: 'us' | 'ns';
  /** Histogram size (-h N): values ≥ N are overflows. Default: highest value + 1. */
  buckets?: number;
  /** Per-thread cycle numbers of overflowed samples (as cyclictest records them). */
  overflowCycles?: number[][];
  smis?: number[];
}

interface ThreadBins {
  dense: number[];
  total: number;
  overflow: number;
  cycles: number;
  min: number;
  max: number;
  avg: number;
  sparse: Map<number, number>;
}

function toBucket(v: number, from: 'us' | 'ns', to: 'us' | 'ns'): number {
  const x = from === to ? v : from === 'ns' ? v / 1000 : v * 1000;
  return Math.max(0, Math.floor(x));
}

function bin(threads: HistogramData[], opts: CyclictestExportOptions): { size: number; bins: ThreadBins[] } {
  const from = opts.inputUnit ?? 'ns';
  const to = opts.unit ?? 'us';
  const sparse = threads.map((t) => {
    if (t.values.length !== t.counts.length) throw new RangeError('values and counts differ in length');
    const m = new Map<number, number>();
    t.values.forEach((v, i) => {
      const c = t.counts[i] ?? 0;
      if (!Number.isInteger(c) || c < 0) throw new RangeError(`count ${c} is not a non-negative integer`);
      if (c > 0) {
        const b = toBucket(v, from, to);
        m.set(b, (m.get(b) ?? 0) + c);
      }
    });
    return m;
  });
  let highest = 0;
  for (const m of sparse) for (const b of m.keys()) highest = Math.max(highest, b);
  const size = opts.buckets ?? highest + 1;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`buckets must be a positive integer, got ${size}`);
  const bins = sparse.map((m) => {
    const dense = new Array<number>(size).fill(0);
    let total = 0;
    let overflow = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const [b, c] of m) {
      if (b < size) {
        dense[b] = (dense[b] ?? 0) + c;
        total += c;
      } else overflow += c;
      sum += b * c;
      min = Math.min(min, b);
      max = Math.max(max, b);
    }
    const cycles = total + overflow;
    return { dense, total, overflow, cycles, min: cycles ? min : 0, max: cycles ? max : 0, avg: cycles ? sum / cycles : 0, sparse: m };
  });
  return { size, bins };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export function toCyclictestHistogram(threads: HistogramData[], opts: CyclictestExportOptions = {}): string {
  if (threads.length === 0) throw new RangeError('at least one thread is needed');
  const { size, bins } = bin(threads, opts);
  const out: string[] = ['# Histogram'];
  for (let i = 0; i < size; i++) out.push(`${pad(i, 6)} ${bins.map((b) => pad(b.dense[i] ?? 0, 6)).join('\t')}`);
  const row = (label: string, f: (b: ThreadBins) => number, w: number): string => `# ${label}:${bins.map((b) => ` ${pad(f(b), w)}`).join('')}`;
  out.push(row('Total', (b) => b.total, 9));
  out.push(row('Min Latencies', (b) => b.min, 5));
  out.push(row('Avg Latencies', (b) => Math.floor(b.avg), 5));
  out.push(row('Max Latencies', (b) => b.max, 5));
  out.push(row('Histogram Overflows', (b) => b.overflow, 5));
  out.push('# Histogram Overflow at cycle number:');
  bins.forEach((b, j) => {
    const cyc = opts.overflowCycles?.[j] ?? [];
    const others = b.overflow - cyc.length;
    out.push(`# Thread ${j}:${cyc.map((c) => ` ${pad(c, 5)}`).join('')}${others > 0 ? ` # ${pad(others, 5)} others` : ''}`);
  });
  if (opts.smis) out.push(`# SMIs:${opts.smis.map((s) => ` ${pad(s, 5)}`).join('')}`);
  return `${out.join('\n')}\n\n`;
}

export interface CyclictestJsonOptions extends CyclictestExportOptions {
  cmdline?: string;
  rtTestVersion?: string;
  startTime?: string;
  endTime?: string;
  returnCode?: number;
  sysinfo?: Partial<Record<'sysname' | 'nodename' | 'release' | 'version' | 'machine', string>> & { realtime?: number };
  cpus?: number[];
}

export function toCyclictestJson(threads: HistogramData[], opts: CyclictestJsonOptions = {}): string {
  if (threads.length === 0) throw new RangeError('at least one thread is needed');
  const { bins } = bin(threads, opts);
  const thread: Record<string, unknown> = {};
  bins.forEach((b, j) => {
    const histogram: Record<string, number> = {};
    b.dense.forEach((c, i) => {
      if (c > 0) histogram[String(i)] = c;
    });
    thread[String(j)] = {
      histogram,
      cycles: b.cycles,
      min: b.min,
      max: b.max,
      avg: Number(b.avg.toFixed(2)),
      cpu: opts.cpus?.[j] ?? j,
      node: 0,
    };
  });
  const doc = {
    file_version: 1,
    'cmdline:': opts.cmdline ?? 'timer-lab export',
    'rt_test_version:': opts.rtTestVersion ?? '2.60',
    start_time: opts.startTime ?? '',
    end_time: opts.endTime ?? '',
    return_code: opts.returnCode ?? 0,
    sysinfo: {
      sysname: 'Linux',
      nodename: 'timer-lab',
      release: '',
      version: '',
      machine: 'x86_64',
      realtime: 0,
      ...opts.sysinfo,
    },
    num_threads: threads.length,
    resolution_in_ns: (opts.unit ?? 'us') === 'ns' ? 1 : 0,
    thread,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
