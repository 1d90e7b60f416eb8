/**
 * Parses cyclictest histogram text (`-h N` / `--histfile`): `# Histogram`, one `%06d ` bucket
 * line with tab-separated per-thread counts each, then the `# Total/Min/Avg/Max Latencies/
 * Histogram Overflows/Overflow at cycle number/Thread N/SMIs` trailer. Must not import node:*,
 * electron or better-sqlite3. One series per thread and the merged one; overflows count in each
 * total; min and max are the buckets' when nothing overflowed (a trailer that disagrees is warned
 * about), else the trailer's; samples above the last bucket are kept as an overflow (their
 * percentiles read "> limit"). Checks Total against the bucket sums.
 */
import { bucketOverFieldWarning, histogramStats, mergedSummary, mergeHistograms, stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import { addTotal, countField, intField, MAX_COUNT, MAX_LATENCY_FIELD } from './numbers.js';
import { cyclictestResolutionNote, UNIT_CHOSEN_AT_IMPORT } from '../../src-shared/measurement.js';
import { noData, parsedMeasurement, withParts } from './parsed.js';
import type { HistogramData, LineParser, ParsedMeasurement, ParseOptions, ParsedSeries } from './types.js';

const BUCKET = /^(\d+) (\S.*)$/;
const TRAILER = /^# (Total|Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows|SMIs):(.*)$/;
const THREAD = /^# Thread (\d+):(.*)$/;
const MAX_OVERFLOW_CYCLES_KEPT = 100;
/** cyclictest threads are one per CPU at most. */
export const MAX_HISTOGRAM_COLUMNS = 4096;
/** Highest bucket (µs or ns) and most non-zero cells a histogram may have. */
const MAX_BUCKET = 10_000_000;
const MAX_NONZERO_CELLS = 4_000_000;

type TrailerKey = 'Total' | 'Min Latencies' | 'Avg Latencies' | 'Max Latencies' | 'Histogram Overflows' | 'SMIs';

/** One column's non-zero buckets (bucket index → count), in bucket order. */
interface Column {
  buckets: number[];
  counts: number[];
  sum: number;
}

export class CyclictestHistParser implements LineParser {
  readonly format = 'cyclictest-hist' as const;
  private phase: 'pre' | 'buckets' | 'trailer' = 'pre';
  private cols = 0;
  private lastBucket = -1;
  private bucketLines = 0;
  private cells = 0;
  private readonly columns: Column[] = [];
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
      if (trimmed !== '') this.bucketLine(line, lineNo, raw);
      return;
    }
    this.phase = 'trailer';
    this.trailerLine(trimmed, lineNo, raw);
  }

  private bucketLine(line: string, lineNo: number, raw: string): void {
    const m = BUCKET.exec(line);
    if (!m) throw new FormatError(lineNo, 'a histogram line "%06d " followed by tab-separated counts', raw);
    const [, bucketText = '', countsText = ''] = m;
    // Count the columns before splitting, so a line of millions of columns fails at once.
    let tabs = 0;
    for (let i = countsText.indexOf('\t'); i >= 0 && tabs < MAX_HISTOGRAM_COLUMNS; i = countsText.indexOf('\t', i + 1)) tabs++;
    if (tabs >= MAX_HISTOGRAM_COLUMNS) throw new FormatError(lineNo, `at most ${MAX_HISTOGRAM_COLUMNS} tab-separated counts (one per thread)`, raw);
    const fields = countsText.split('\t');
    if (this.cols === 0) {
      this.cols = fields.length;
      for (let j = 0; j < this.cols; j++) this.columns.push({ buckets: [], counts: [], sum: 0 });
    } else if (fields.length !== this.cols) {
      throw new FormatError(lineNo, `${this.cols} tab-separated counts`, raw);
    }
    const bucket = intField(bucketText, lineNo, raw, 'bucket', 0, MAX_BUCKET);
    if (bucket <= this.lastBucket) throw new FormatError(lineNo, `a bucket above ${this.lastBucket}`, raw);
    fields.forEach((field, j) => {
      const f = field.trim();
      if (!/^\d+$/.test(f)) throw new FormatError(lineNo, 'a non-negative integer count', raw);
      const c = countField(f, lineNo, raw, `thread ${j} count`);
      const col = this.columns[j];
      if (c === 0 || !col) return;
      if (++this.cells > MAX_NONZERO_CELLS) throw new FormatError(lineNo, `at most ${MAX_NONZERO_CELLS} non-zero histogram cells`, raw);
      col.buckets.push(bucket);
      col.counts.push(c);
      col.sum = addTotal(col.sum, c, lineNo, raw, `thread ${j} count`);
    });
    this.lastBucket = bucket;
    this.bucketLines++;
  }

  private trailerLine(trimmed: string, lineNo: number, raw: string): void {
    if (trimmed === '' || trimmed.startsWith('T:') || trimmed.startsWith('policy:')) return;
    if (!trimmed.startsWith('#')) throw new FormatError(lineNo, 'a "# …" trailer line', raw);
    const t = TRAILER.exec(trimmed);
    if (t) {
      const [, key = '', rest = ''] = t;
      const latency = key.endsWith('Latencies');
      const values = this.numbers(rest, lineNo, raw, key, latency ? MAX_LATENCY_FIELD : MAX_COUNT);
      this.trailer.set(key as TrailerKey, { values, line: lineNo, raw });
      return;
    }
    const th = THREAD.exec(trimmed);
    if (th) {
      const [, threadText = '', rest = ''] = th;
      const [listPart = '', othersPart] = rest.split('#');
      const cycles = this.numbers(listPart, lineNo, raw, 'overflow cycle numbers', MAX_COUNT);
      let others = 0;
      if (othersPart !== undefined) {
        const o = /^\s*(\d+) others\s*$/.exec(othersPart);
        if (!o) throw new FormatError(lineNo, '"# %05lu others"', raw);
        others = countField(o[1] ?? '', lineNo, raw, 'others');
      }
      const thread = intField(threadText, lineNo, raw, 'thread number', 0, MAX_HISTOGRAM_COLUMNS);
      this.overflowCycles.set(thread, { cycles: cycles.slice(0, MAX_OVERFLOW_CYCLES_KEPT), others: others + Math.max(0, cycles.length - MAX_OVERFLOW_CYCLES_KEPT) });
      return;
    }
    const b = /^# Break (thread|value): (\d+)/.exec(trimmed);
    if (b) this.meta[b[1] === 'thread' ? 'breakThread' : 'breakValue'] = b[2] ?? '';
    // Other comments ("# Histogram Overflow at cycle number:", …) carry nothing to keep.
  }

  private numbers(text: string, lineNo: number, raw: string, what: string, max: number): number[] {
    const parts = text.trim() === '' ? [] : text.trim().split(/\s+/, MAX_HISTOGRAM_COLUMNS + 2);
    if (parts.length > MAX_HISTOGRAM_COLUMNS + 1) throw new FormatError(lineNo, `at most ${MAX_HISTOGRAM_COLUMNS + 1} values`, raw);
    return parts.map((p) => {
      if (!/^\d+$/.test(p)) throw new FormatError(lineNo, 'space-separated non-negative integers', raw);
      return intField(p, lineNo, raw, what, 0, max);
    });
  }

  private field(key: TrailerKey, n: number): number[] | null {
    const t = this.trailer.get(key);
    if (!t) return null;
    const allowExtra = key === 'Max Latencies' || key === 'Histogram Overflows';
    if (t.values.length !== n && !(allowExtra && t.values.length === n + 1)) {
      throw new FormatError(t.line, `${n} values (one per thread)`, t.raw);
    }
    return t.values.slice(0, n);
  }

  finish(): ParsedMeasurement {
    const eofLine = this.lines + 1;
    if (this.phase === 'pre') throw new FormatError(eofLine, '"# Histogram"', END_OF_FILE);
    if (this.bucketLines === 0) throw new FormatError(eofLine, 'histogram bucket lines', END_OF_FILE);
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
    const mins = this.field('Min Latencies', n);
    const avgs = this.field('Avg Latencies', n);
    const maxs = this.field('Max Latencies', n);
    const overflows = this.field('Histogram Overflows', n) ?? new Array<number>(n).fill(0);
    const smis = this.field('SMIs', n);
    if (!mins || !maxs) warnings.push('trailer lacks Min/Max Latencies: min/max taken from the buckets');
    const limit = this.lastBucket * this.scale;

    const parts: ParsedSeries[] = [];
    for (let j = 0; j < n; j++) {
      const col = cols[j] ?? { buckets: [], counts: [], sum: 0 };
      const h: HistogramData = { values: col.buckets.map((b) => b * this.scale), counts: col.counts };
      const declared = total.values[j] ?? 0;
      const overflow = overflows[j] ?? 0;
      if (declared !== col.sum) {
        if (Math.abs(declared - col.sum) <= overflow) {
          warnings.push(`thread ${j}: # Total ${declared} differs from the bucket sum ${col.sum} (within its ${overflow} overflows)`);
        } else {
          throw new FormatError(total.line, `thread ${j} Total ${col.sum} (the sum of its bucket counts, overflows ${overflow})`, total.raw);
        }
      }
      const hs = histogramStats(h);
      const count = addTotal(col.sum, overflow, total.line, total.raw, `thread ${j} total with overflows`);
      const minField = mins?.[j];
      const maxField = maxs?.[j];
      const avgField = avgs?.[j];
      // Without overflows every sample is in the buckets, which then give min and max (a trailer
      // that disagrees is only warned about), so the summary and the distribution agree. With
      // overflows the largest samples are not in the buckets: the maximum is the trailer's.
      const min = overflow > 0 && minField !== undefined ? minField * this.scale : hs.min;
      const max = overflow === 0 ? hs.max : maxField !== undefined ? maxField * this.scale : limit;
      const mean = overflow === 0 || avgField === undefined ? hs.mean : avgField * this.scale;
      if (minField !== undefined && overflow === 0 && hs.count > 0 && minField * this.scale !== hs.min) {
        warnings.push(bucketOverFieldWarning(`thread ${j}`, 'trailer Min', minField, 'lowest', hs.min / this.scale));
      }
      if (maxField !== undefined && overflow === 0 && hs.count > 0 && maxField * this.scale !== hs.max) {
        warnings.push(bucketOverFieldWarning(`thread ${j}`, 'trailer Max', maxField, 'highest', hs.max / this.scale));
      }
      if (overflow > 0 && avgField === undefined) warnings.push(`thread ${j}: ${overflow} overflows and no Avg Latencies line: the mean leaves them out`);
      parts.push({
        source: { scope: 'thread', label: `thread ${j}`, thread: j },
        samples: null,
        histogram: h,
        overflow: overflow > 0 ? { count: overflow, limit } : null,
        summary: count === 0 ? { count: 0, min: 0, max: 0, mean: 0 } : { count, min, max, mean },
      });
      const oc = this.overflowCycles.get(j);
      if (oc && (oc.cycles.length > 0 || oc.others > 0)) {
        this.meta[`overflowCycles.thread${j}`] = oc.cycles.join(' ') + (oc.others > 0 ? ` (+${oc.others} others)` : '');
      }
      const smi = smis?.[j];
      if (smi !== undefined) this.meta[`smis.thread${j}`] = String(smi);
    }
    const totalOverflows = overflows.reduce((a, b) => a + b, 0);
    if (parts.every((p) => p.summary.count === 0)) throw noData(total.line, 'a histogram with at least one sample');
    if (totalOverflows > 0) warnings.push(`${totalOverflows} samples above the ${this.lastBucket + 1}-bucket histogram: counted in the totals, the maximum is the trailer's, and percentiles among them read "> ${limit}"`);
    if (!this.opts.unitHint) warnings.push('histogram text does not record its unit: assumed µs (for cyclictest -N output, import again with the unit set to ns)');
    const merged: ParsedSeries = {
      source: { scope: 'merged', label: '' },
      samples: null,
      histogram: mergeHistograms(parts.map((p) => p.histogram).filter((h): h is HistogramData => h !== null)),
      overflow: totalOverflows > 0 ? { count: totalOverflows, limit } : null,
      summary: mergedSummary(parts.map((p) => p.summary)),
    };
    const { series, sources } = withParts(merged, parts, `all ${n} threads`);
    return parsedMeasurement(
      {
        format: this.format,
        measure: 'wakeup-latency',
        unit: 'ns',
        series,
        context: {
          resolutionNs: this.scale,
          resolutionNote: cyclictestResolutionNote(this.scale === 1, this.scale === 1 || this.opts.unitHint ? UNIT_CHOSEN_AT_IMPORT : 'assumed'),
          threads: n,
        },
        warnings,
        meta: { ...this.meta, sourceUnit: this.scale === 1 ? 'ns' : 'us', threads: String(n), buckets: String(this.bucketLines), overflows: String(totalOverflows) },
      },
      sources,
    );
  }
}
