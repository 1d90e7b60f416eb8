/**
 * Parses cyclictest `--json` output (rt-tests 2.x: `"cmdline:"` / `"rt_test_version:"` keys with
 * the colon inside, `resolution_in_ns`, `thread: {"0": {histogram, cycles, min, max, avg, cpu,
 * node}}`). JSON is not line-oriented, so lines are buffered up to a cap (200 MB by default).
 * Must not import node:*, electron or better-sqlite3.
 */
import { histogramStats, mergeHistograms, threadsSummary } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { HistogramData, LineParser, ParsedMeasurement, ParseOptions, ThreadStats } from './types.js';

const DEFAULT_MAX_CHARS = 200 * 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

  private lineOf(key: string): number {
    const i = this.chunks.findIndex((c) => c.includes(`"${key}"`));
    return i < 0 ? this.firstLine : this.firstLine + i;
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
      const idx = line - this.firstLine;
      throw new FormatError(line, `valid JSON (${msg})`, this.chunks[idx] ?? END_OF_FILE);
    }
    if (!isRecord(doc)) throw new FormatError(this.firstLine, 'a JSON object', this.chunks[0] ?? '');
    const threadObj = doc.thread;
    if (!isRecord(threadObj)) throw new FormatError(this.lineOf('thread'), 'a "thread" object', this.chunks[this.lineOf('thread') - this.firstLine] ?? '');
    const res = doc.resolution_in_ns;
    const ns = res === 1 || res === true || res === '1';
    const scale = ns ? 1 : 1000;
    const warnings: string[] = [];
    if (res === undefined) warnings.push('no "resolution_in_ns": assumed µs');

    const num = (v: unknown, key: string, what: string): number => {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        const line = this.lineOf(key);
        throw new FormatError(line, `a number for ${what}`, this.chunks[line - this.firstLine] ?? String(v));
      }
      return n;
    };

    const threads: ThreadStats[] = [];
    const hists: HistogramData[] = [];
    let overflows = 0;
    const meta: Record<string, string> = {};
    for (const [k, t] of Object.entries(threadObj).sort((a, b) => Number(a[0]) - Number(b[0]))) {
      if (!/^\d+$/.test(k) || !isRecord(t)) throw new FormatError(this.lineOf(k), 'thread entries "N": { … }', this.chunks[this.lineOf(k) - this.firstLine] ?? k);
      const id = Number(k);
      let histogram: HistogramData | null = null;
      let inHist = 0;
      if (t.histogram !== undefined) {
        if (!isRecord(t.histogram)) throw new FormatError(this.lineOf('histogram'), 'a "histogram" object', '');
        const pairs = Object.entries(t.histogram).map(([b, c]) => {
          if (!/^\d+$/.test(b)) throw new FormatError(this.lineOf(b), 'integer histogram bucket keys', b);
          return [Number(b) * scale, num(c, b, `thread ${k} bucket ${b}`)] as const;
        });
        pairs.sort((a, b) => a[0] - b[0]);
        const nz = pairs.filter((p) => p[1] !== 0);
        histogram = { values: nz.map((p) => p[0]), counts: nz.map((p) => p[1]) };
        inHist = nz.reduce((a, p) => a + p[1], 0);
        hists.push(histogram);
      }
      const cycles = t.cycles === undefined ? inHist : num(t.cycles, 'cycles', `thread ${k} cycles`);
      const hs = histogram ? histogramStats(histogram) : null;
      const min = t.min === undefined ? (hs?.min ?? 0) : num(t.min, 'min', `thread ${k} min`) * scale;
      const max = t.max === undefined ? (hs?.max ?? 0) : num(t.max, 'max', `thread ${k} max`) * scale;
      // "avg" is printed %.2f: the histogram's own mean is exact when nothing overflowed.
      const avgField = t.avg === undefined ? null : num(t.avg, 'avg', `thread ${k} avg`) * scale;
      const avg = hs && (cycles === inHist || avgField === null) ? hs.mean : (avgField ?? 0);
      if (histogram && cycles > inHist) overflows += cycles - inHist;
      if (histogram && cycles < inHist) warnings.push(`thread ${k}: cycles ${cycles} below the histogram sum ${inHist}`);
      if (t.cpu !== undefined) meta[`thread.${k}.cpu`] = String(t.cpu);
      if (t.node !== undefined) meta[`thread.${k}.node`] = String(t.node);
      threads.push({ id, histogram, count: Math.max(cycles, inHist), min, max, avg });
    }
    if (threads.length === 0) throw new FormatError(this.lineOf('thread'), 'at least one thread', '{}');
    for (const key of ['file_version', 'cmdline:', 'rt_test_version:', 'start_time', 'end_time', 'return_code', 'num_threads', 'resolution_in_ns']) {
      const v = doc[key];
      if (v !== undefined && typeof v !== 'object') meta[key.replace(/:$/, '')] = String(v);
    }
    if (isRecord(doc.sysinfo)) {
      for (const [k, v] of Object.entries(doc.sysinfo)) if (typeof v !== 'object') meta[`sysinfo.${k}`] = String(v);
    }
    if (overflows > 0) warnings.push(`${overflows} samples are counted in "cycles" but not in the histogram (overflows)`);
    return {
      format: this.format,
      unit: 'ns',
      samples: null,
      histogram: hists.length ? mergeHistograms(hists) : null,
      threads,
      summary: threadsSummary(threads),
      overflows,
      warnings,
      meta: { ...meta, sourceUnit: ns ? 'ns' : 'us', threads: String(threads.length) },
    };
  }
}
