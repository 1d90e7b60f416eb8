/**
 * Parses cyclictest histogram text (`-h N` / `--histfile`): `# Histogram`, one `%06d ` bucket
 * line with tab-separated per-thread counts each, then the `# Total/Min/Avg/Max Latencies/
 * Histogram Overflows/Overflow at cycle number/Thread N/SMIs` trailer. Checks Total against the
 * bucket sums. Must not import node:*, electron or better-sqlite3.
 */
import { histogramStats, mergeHistograms, stripAnsi, threadsSummary } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { HistogramData, LineParser, ParsedMeasurement, ParseOptions, ThreadStats } from './types.js';

const BUCKET = /^(\d+) (\S.*)$/;
const TRAILER = /^# (Total|Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows|SMIs):(.*)$/;
const THREAD = /^# Thread (\d+):(.*)$/;
const MAX_OVERFLOW_CYCLES_KEPT = 100;

type TrailerKey = 'Total' | 'Min Latencies' | 'Avg Latencies' | 'Max Latencies' | 'Histogram Overflows' | 'SMIs';

export class CyclictestHistParser implements LineParser {
  readonly format = 'cyclictest-hist' as const;
  private phase: 'pre' | 'buckets' | 'trailer' = 'pre';
  private cols = 0;
  private readonly buckets: number[] = [];
  private readonly columns: number[][] = [];
  private readonly trailer = new Map<TrailerKey, { values: number[]; line: number; raw: string }>();
  private readonly overflowCycles = new Map<number, { cycles: number[]; others: number }>();
  private readonly meta: Record<string, string> = {};
  private lines = 0;
  private readonly scale: number;

  constructor(private readonly opts: ParseOptions = {}) {
    this.scale = opts.unitHint === 'ns' ? 1 : 1000;
  }

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trimEnd();
    const trimmed = line.trim();
    if (this.phase === 'pre') {
      if (trimmed === '# Histogram') {
        this.phase = 'buckets';
        return;
      }
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('policy:') || trimmed.startsWith('T:')) return;
      throw new FormatError(lineNo, '"# Histogram"', raw);
    }
    if (this.phase === 'buckets' && !trimmed.startsWith('#')) {
      if (trimmed === '') return;
      const m = BUCKET.exec(line);
      if (!m) throw new FormatError(lineNo, 'a histogram line "%06d " followed by tab-separated counts', raw);
      const [, bucketText = '', countsText = ''] = m;
      const fields = countsText.split('\t');
      if (this.cols === 0) {
        this.cols = fields.length;
        for (let j = 0; j < this.cols; j++) this.columns.push([]);
      } else if (fields.length !== this.cols) {
        throw new FormatError(lineNo, `${this.cols} tab-separated counts`, raw);
      }
      const bucket = Number(bucketText);
      const previous = this.buckets.at(-1);
      if (previous !== undefined && bucket <= previous) {
        throw new FormatError(lineNo, `a bucket above ${previous}`, raw);
      }
      fields.forEach((field, j) => {
        const f = field.trim();
        if (!/^\d+$/.test(f)) throw new FormatError(lineNo, 'a non-negative integer count', raw);
        this.columns[j]?.push(Number(f));
      });
      this.buckets.push(bucket);
      return;
    }
    this.phase = 'trailer';
    if (trimmed === '' || trimmed.startsWith('T:') || trimmed.startsWith('policy:')) return;
    if (!trimmed.startsWith('#')) throw new FormatError(lineNo, 'a "# …" trailer line', raw);
    const t = TRAILER.exec(trimmed);
    if (t) {
      const [, key = '', rest = ''] = t;
      const values = this.numbers(rest, lineNo, raw);
      this.trailer.set(key as TrailerKey, { values, line: lineNo, raw });
      return;
    }
    const th = THREAD.exec(trimmed);
    if (th) {
      const [, threadText = '', rest = ''] = th;
      const [listPart = '', othersPart] = rest.split('#');
      const cycles = this.numbers(listPart, lineNo, raw);
      let others = 0;
      if (othersPart !== undefined) {
        const o = /^\s*(\d+) others\s*$/.exec(othersPart);
        if (!o) throw new FormatError(lineNo, '"# %05lu others"', raw);
        others = Number(o[1]);
      }
      this.overflowCycles.set(Number(threadText), { cycles: cycles.slice(0, MAX_OVERFLOW_CYCLES_KEPT), others: others + Math.max(0, cycles.length - MAX_OVERFLOW_CYCLES_KEPT) });
      return;
    }
    const b = /^# Break (thread|value): (\d+)/.exec(trimmed);
    if (b) this.meta[b[1] === 'thread' ? 'breakThread' : 'breakValue'] = b[2] ?? '';
    // Other comments ("# Histogram Overflow at cycle number:", …) carry nothing to keep.
  }

  private numbers(text: string, lineNo: number, raw: string): number[] {
    const parts = text.trim() === '' ? [] : text.trim().split(/\s+/);
    return parts.map((p) => {
      if (!/^\d+$/.test(p)) throw new FormatError(lineNo, 'space-separated non-negative integers', raw);
      return Number(p);
    });
  }

  finish(): ParsedMeasurement {
    const eofLine = this.lines + 1;
    if (this.phase === 'pre') throw new FormatError(eofLine, '"# Histogram"', END_OF_FILE);
    if (this.buckets.length === 0) throw new FormatError(eofLine, 'histogram bucket lines', END_OF_FILE);
    const total = this.trailer.get('Total');
    if (!total) throw new FormatError(eofLine, 'the "# Total:" trailer line', END_OF_FILE);
    const n = total.values.length;
    const warnings: string[] = [];
    let cols = this.columns;
    if (this.cols === n + 1 && n > 1) {
      cols = this.columns.slice(0, n); // -H: the last column sums all threads
      this.meta.allThreadsColumn = 'yes';
    } else if (this.cols !== n) {
      throw new FormatError(total.line, `${this.cols} per-thread totals (one per histogram column)`, total.raw);
    }
    const field = (key: TrailerKey): number[] | null => {
      const t = this.trailer.get(key);
      if (!t) return null;
      const allowExtra = key === 'Max Latencies' || key === 'Histogram Overflows';
      if (t.values.length !== n && !(allowExtra && t.values.length === n + 1)) {
        throw new FormatError(t.line, `${n} values (one per thread)`, t.raw);
      }
      return t.values.slice(0, n);
    };
    const mins = field('Min Latencies');
    const avgs = field('Avg Latencies');
    const maxs = field('Max Latencies');
    const overflows = field('Histogram Overflows') ?? new Array<number>(n).fill(0);
    const smis = field('SMIs');
    if (!mins || !maxs) warnings.push('trailer lacks Min/Max Latencies: min/max taken from the buckets');

    const threads: ThreadStats[] = [];
    const histograms: HistogramData[] = [];
    for (let j = 0; j < n; j++) {
      const counts = cols[j] ?? [];
      let sum = 0;
      const values: number[] = [];
      const cs: number[] = [];
      counts.forEach((c, i) => {
        sum += c;
        if (c !== 0) {
          values.push((this.buckets[i] ?? 0) * this.scale);
          cs.push(c);
        }
      });
      const declared = total.values[j] ?? 0;
      const overflow = overflows[j] ?? 0;
      if (declared !== sum) {
        if (Math.abs(declared - sum) <= overflow) {
          warnings.push(`thread ${j}: # Total ${declared} differs from the bucket sum ${sum} (within its ${overflow} overflows)`);
        } else {
          throw new FormatError(total.line, `thread ${j} Total ${sum} (the sum of its bucket counts, overflows ${overflow})`, total.raw);
        }
      }
      const h = { values, counts: cs };
      histograms.push(h);
      const hs = histogramStats(h);
      const count = sum + overflow;
      const minField = mins?.[j];
      const maxField = maxs?.[j];
      const avgField = avgs?.[j];
      const min = minField !== undefined ? minField * this.scale : hs.min;
      const max = maxField !== undefined ? maxField * this.scale : hs.max;
      const avg = overflow === 0 || avgField === undefined ? hs.mean : avgField * this.scale;
      if (minField !== undefined && overflow === 0 && hs.count > 0 && minField * this.scale !== hs.min) {
        warnings.push(`thread ${j}: trailer Min ${minField} is not the lowest non-empty bucket ${hs.min / this.scale}`);
      }
      if (maxField !== undefined && overflow === 0 && hs.count > 0 && maxField * this.scale !== hs.max) {
        warnings.push(`thread ${j}: trailer Max ${maxField} is not the highest non-empty bucket ${hs.max / this.scale}`);
      }
      threads.push({ id: j, histogram: h, count, min, max, avg });
      const oc = this.overflowCycles.get(j);
      if (oc && (oc.cycles.length > 0 || oc.others > 0)) {
        this.meta[`overflowCycles.thread${j}`] = oc.cycles.join(' ') + (oc.others > 0 ? ` (+${oc.others} others)` : '');
      }
      const smi = smis?.[j];
      if (smi !== undefined) this.meta[`smis.thread${j}`] = String(smi);
    }
    const totalOverflows = overflows.reduce((a, b) => a + b, 0);
    if (totalOverflows > 0) warnings.push(`${totalOverflows} samples overflowed the ${this.buckets.length}-bucket histogram (counted, not in the buckets)`);
    if (!this.opts.unitHint) warnings.push('histogram text does not record its unit: assumed µs (import with --unit ns for cyclictest -N output)');
    return {
      format: this.format,
      unit: 'ns',
      samples: null,
      histogram: mergeHistograms(histograms),
      threads,
      summary: threadsSummary(threads),
      overflows: totalOverflows,
      warnings,
      meta: { ...this.meta, sourceUnit: this.scale === 1 ? 'ns' : 'us', threads: String(n), buckets: String(this.buckets.length) },
    };
  }
}
