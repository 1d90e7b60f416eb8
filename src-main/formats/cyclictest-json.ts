/**
 * Pure: must not import node:*, electron or better-sqlite3.
 * Parses cyclictest `--json` output (rt-tests 2.x: `"cmdline:"` / `"rt_test_version:"` keys with
 * the colon inside, `resolution_in_ns`, `sysinfo` {sysname, release, version, machine, realtime},
 * `thread: {"0": {histogram, cycles, min, max, avg, cpu, node}}`). One series per thread and the
 * merged one; `cycles` beyond the histogram's sum are overflows (counted, percentiles among them
 * read "> limit", the histogram size taken from the command line's -h when it says). JSON is not
 * line-oriented, so lines are buffered up to a cap (200 MB by default). Every number is checked:
 * an error names the field and the line where it is.
 *
 */
import { bucketOverFieldWarning, histogramStats, mergedSummary, mergeHistograms } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import { addTotal, checkedNumber, MAX_COUNT, MAX_LATENCY_FIELD } from './numbers.js';
import { noData, parsedMeasurement, withParts } from './parsed.js';
import type { HistogramData, LineParser, ParsedMeasurement, ParseOptions, ParsedSeries } from './types.js';

const DEFAULT_MAX_CHARS = 200 * 1024 * 1024;
const MAX_THREADS = 4096;
const MAX_BUCKET = 10_000_000;
const SYSINFO_KEYS = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `-i200`, `-i 200`, `--interval=200`, `--interval 200` (µs). */
function cmdlineOption(cmdline: string, short: string, long: string): number | null {
  const m = new RegExp(`(?:^|\\s)(?:-${short}\\s*|--${long}[= ])(\\d{1,12})(?=\\s|$)`).exec(cmdline);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export class CyclictestJsonParser implements LineParser {
  readonly format = 'cyclictest-json' as const;
  private readonly chunks: string[] = [];
  private chars = 0;
  private lines = 0;
  private firstLine = 0;
  private readonly max: number;

  constructor(opts: ParseOptions = {}) {
    this.max = opts.maxJsonChars ?? DEFAULT_MAX_CHARS;
  }

  push(line: string, lineNo: number): void {
    assertText(line, lineNo);
    if (this.firstLine === 0) {
      if (line.trim() === '') return;
      this.firstLine = lineNo;
    }
    this.chars += line.length + 1;
    if (this.chars > this.max) throw new FormatError(lineNo, `a JSON document under ${this.max} characters`, line);
    this.chunks.push(line);
    this.lines = lineNo;
  }

  /** Line number (in the input) of a character offset in the buffered text. */
  private lineAt(offset: number): number {
    let pos = 0;
    for (const [i, chunk] of this.chunks.entries()) {
      pos += chunk.length + 1;
      if (pos > offset) return this.firstLine + i;
    }
    return this.lines;
  }

  /** Line of the first `"key"` at or after line `from` (the document's first line by default). */
  private lineOf(key: string, from = this.firstLine): number {
    const needle = `"${key}"`;
    for (let i = Math.max(0, from - this.firstLine); i < this.chunks.length; i++) {
      if (this.chunks[i]?.includes(needle)) return this.firstLine + i;
    }
    return from;
  }

  private textOf(line: number): string {
    return this.chunks[line - this.firstLine] ?? END_OF_FILE;
  }

  finish(): ParsedMeasurement {
    if (this.chunks.length === 0) throw new FormatError(1, 'a cyclictest JSON document', END_OF_FILE);
    const text = this.chunks.join('\n');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const pos = /position (\d+)/.exec(msg);
      const ln = /line (\d+)/.exec(msg);
      const line = pos ? this.lineAt(Number(pos[1])) : ln ? this.firstLine + Number(ln[1]) - 1 : this.lines;
      throw new FormatError(line, `valid JSON (${msg.slice(0, 200)})`, this.textOf(line));
    }
    if (!isRecord(doc)) throw new FormatError(this.firstLine, 'a JSON object', this.chunks[0] ?? '');
    const threadObj = doc.thread;
    const threadLine = this.lineOf('thread');
    if (!isRecord(threadObj)) throw new FormatError(threadLine, 'a "thread" object', this.textOf(threadLine));
    const res = doc.resolution_in_ns;
    const ns = res === 1 || res === true || res === '1';
    const scale = ns ? 1 : 1000;
    const warnings: string[] = [];
    if (res === undefined) warnings.push('no "resolution_in_ns": assumed µs');
    const cmdline = typeof doc['cmdline:'] === 'string' ? doc['cmdline:'] : typeof doc.cmdline === 'string' ? doc.cmdline : '';
    const histogramSize = cmdlineOption(cmdline, 'h', 'histogram');

    const num = (v: unknown, key: string, from: number, what: string, max: number, whole: boolean): number => {
      const line = this.lineOf(key, from);
      const n = typeof v === 'string' && /^-?\d{1,15}(\.\d{1,9})?$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number') throw new FormatError(line, `${what}: a number`, this.textOf(line));
      return checkedNumber(n, line, this.textOf(line), what, 0, max, whole);
    };

    const entries = Object.entries(threadObj);
    if (entries.length > MAX_THREADS) throw new FormatError(threadLine, `at most ${MAX_THREADS} threads`, this.textOf(threadLine));
    const parts: ParsedSeries[] = [];
    const meta: Record<string, string> = {};
    let limit = 0;
    let totalOverflow = 0;
    for (const [k, t] of entries.sort((a, b) => Number(a[0]) - Number(b[0]))) {
      const kLine = this.lineOf(k, threadLine);
      if (!/^\d{1,5}$/.test(k) || !isRecord(t)) throw new FormatError(kLine, 'thread entries "N": { … }', this.textOf(kLine));
      const id = Number(k);
      let histogram: HistogramData | null = null;
      let inHist = 0;
      const hLine = this.lineOf('histogram', kLine);
      if (t.histogram !== undefined) {
        if (!isRecord(t.histogram)) throw new FormatError(hLine, `thread ${k} "histogram": an object`, this.textOf(hLine));
        const pairs = Object.entries(t.histogram).map(([b, c]) => {
          const bLine = this.lineOf(b, hLine);
          if (!/^\d{1,8}$/.test(b) || Number(b) > MAX_BUCKET) throw new FormatError(bLine, `thread ${k} histogram: bucket keys 0–${MAX_BUCKET}`, this.textOf(bLine));
          return [Number(b), num(c, b, hLine, `thread ${k} bucket ${b} count`, MAX_COUNT, true)] as const;
        });
        pairs.sort((a, b) => a[0] - b[0]);
        const nz = pairs.filter((p) => p[1] !== 0);
        histogram = { values: nz.map((p) => p[0] * scale), counts: nz.map((p) => p[1]) };
        for (const [, c] of nz) inHist = addTotal(inHist, c, hLine, this.textOf(hLine), `thread ${k} histogram total`);
        const top = nz.at(-1)?.[0];
        if (top !== undefined) limit = Math.max(limit, top);
      }
      const cycles = t.cycles === undefined ? inHist : num(t.cycles, 'cycles', kLine, `thread ${k} cycles`, MAX_COUNT, true);
      const hs = histogram ? histogramStats(histogram) : null;
      const field = (key: 'min' | 'max' | 'avg'): number | null =>
        t[key] === undefined ? null : num(t[key], key, kLine, `thread ${k} ${key}`, MAX_LATENCY_FIELD, key !== 'avg') * scale;
      const minField = field('min');
      const maxField = field('max');
      const avgField = field('avg');
      const overflow = histogram && cycles > inHist ? cycles - inHist : 0;
      if (histogram && cycles < inHist) warnings.push(`thread ${k}: cycles ${cycles} below the histogram sum ${inHist}`);
      totalOverflow += overflow;
      const count = Math.max(cycles, inHist);
      // "avg" is printed %.2f: the histogram's own mean is exact when nothing overflowed.
      const mean = hs && (overflow === 0 || avgField === null) ? hs.mean : (avgField ?? 0);
      // a histogram that holds every cycle gives min and max, so the summary and the distribution agree
      const whole = hs !== null && overflow === 0 && hs.count > 0;
      if (whole && minField !== null && minField !== hs.min) warnings.push(bucketOverFieldWarning(`thread ${k}`, 'min', minField / scale, 'lowest', hs.min / scale));
      if (whole && maxField !== null && maxField !== hs.max) warnings.push(bucketOverFieldWarning(`thread ${k}`, 'max', maxField / scale, 'highest', hs.max / scale));
      const min = whole ? hs.min : (minField ?? hs?.min ?? 0);
      const max = whole ? hs.max : (maxField ?? hs?.max ?? 0);
      if (count > 0 && hs === null && (minField === null || maxField === null || avgField === null)) {
        throw new FormatError(kLine, `thread ${k}: a "histogram", or "min", "max" and "avg"`, this.textOf(kLine));
      }
      const cpu = typeof t.cpu === 'number' && Number.isInteger(t.cpu) && t.cpu >= 0 ? t.cpu : null;
      if (cpu !== null) meta[`thread.${k}.cpu`] = String(cpu);
      if (t.node !== undefined && typeof t.node !== 'object') meta[`thread.${k}.node`] = String(t.node);
      parts.push({
        source: { scope: 'thread', label: `thread ${id}${cpu === null ? '' : ` (CPU ${cpu})`}`, thread: id, ...(cpu === null ? {} : { cpu }) },
        samples: null,
        histogram,
        overflow: null,
        summary: count === 0 ? { count: 0, min: 0, max: 0, mean: 0 } : { count, min, max, mean },
      });
      if (overflow > 0) (parts.at(-1) as ParsedSeries).overflow = { count: overflow, limit: -1 };
    }
    if (parts.length === 0) throw new FormatError(threadLine, 'at least one thread', '{}');
    if (parts.every((p) => p.summary.count === 0)) throw noData(threadLine, 'a thread with at least one cycle');
    // Samples past the histogram are ≥ its size (-h N); without it, above its highest listed bucket.
    const limitValue = (histogramSize !== null ? Math.max(histogramSize - 1, limit) : limit) * scale;
    for (const p of parts) if (p.overflow) p.overflow.limit = limitValue;
    for (const key of ['file_version', 'cmdline:', 'rt_test_version:', 'start_time', 'end_time', 'return_code', 'num_threads', 'resolution_in_ns']) {
      const v = doc[key];
      if (v !== undefined && typeof v !== 'object') meta[key.replace(/:$/, '')] = String(v).slice(0, 1000);
    }
    const sysinfo: Record<string, string> = {};
    if (isRecord(doc.sysinfo)) {
      for (const [k, v] of Object.entries(doc.sysinfo).slice(0, SYSINFO_KEYS)) if (typeof v !== 'object') sysinfo[k.slice(0, 64)] = String(v).slice(0, 1000);
    }
    const realtime = sysinfo.realtime === undefined ? null : sysinfo.realtime === '1' || sysinfo.realtime === 'true';
    if (totalOverflow > 0) warnings.push(`${totalOverflow} samples are counted in "cycles" but not in the histogram (overflows): percentiles among them read "> ${limitValue}"`);
    const merged: ParsedSeries = {
      source: { scope: 'merged', label: '' },
      samples: null,
      histogram: parts.some((p) => p.histogram) ? mergeHistograms(parts.map((p) => p.histogram).filter((h): h is HistogramData => h !== null)) : null,
      overflow: totalOverflow > 0 ? { count: totalOverflow, limit: limitValue } : null,
      summary: mergedSummary(parts.map((p) => p.summary)),
    };
    const { series, sources } = withParts(merged, parts, `all ${parts.length} threads`);
    return parsedMeasurement(
      {
        format: this.format,
        measure: 'wakeup-latency',
        unit: 'ns',
        series,
        context: {
          kernel: sysinfo.release ?? null,
          machine: sysinfo.machine ?? null,
          realtime,
          resolutionNs: scale,
          resolutionNote: ns ? 'whole ns (resolution_in_ns 1)' : `whole µs (${res === undefined ? 'assumed' : 'resolution_in_ns 0'})`,
          intervalUs: cmdlineOption(cmdline, 'i', 'interval'),
          threads: parts.length,
        },
        warnings,
        meta: { ...meta, sourceUnit: ns ? 'ns' : 'us', threads: String(parts.length) },
        sysinfo: Object.keys(sysinfo).length > 0 ? sysinfo : null,
      },
      sources,
    );
  }
}
