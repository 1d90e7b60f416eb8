/**
 * Parses cyclictest `-v` output: one `%8d:%8lu:%8ld` (thread:cycle:value) line per sample,
 * optionally with an SMI count; exact samples (µs converted to ns unless unitHint is 'ns').
 * Must not import node:*, electron or better-sqlite3.
 */
import { RunningStats, SampleBuffer, stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { LineParser, ParsedMeasurement, ParseOptions, ThreadStats } from './types.js';

const VERBOSE = /^\s*(\d+):\s*(\d+):\s*(-?\d+)(?:\s+(-?\d+))?\s*$/;

export class CyclictestVerboseParser implements LineParser {
  readonly format = 'cyclictest-verbose' as const;
  private readonly samples = new SampleBuffer();
  private readonly all = new RunningStats();
  private readonly perThread = new Map<number, RunningStats>();
  private readonly scale: number;
  private lines = 0;

  constructor(private readonly opts: ParseOptions = {}) {
    this.scale = opts.unitHint === 'ns' ? 1 : 1000;
  }

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trim();
    if (line === '' || line.startsWith('#') || line.startsWith('policy:') || line.startsWith('T:')) return;
    const m = VERBOSE.exec(line);
    if (!m) throw new FormatError(lineNo, 'a cyclictest -v line "thread:cycle:value"', raw);
    const thread = Number(m[1]);
    const v = Number(m[3]) * this.scale;
    this.samples.push(v);
    this.all.add(v);
    let t = this.perThread.get(thread);
    if (!t) this.perThread.set(thread, (t = new RunningStats()));
    t.add(v);
  }

  finish(): ParsedMeasurement {
    if (this.samples.length === 0) throw new FormatError(this.lines + 1, 'at least one "thread:cycle:value" line', END_OF_FILE);
    const warnings: string[] = [];
    if (this.samples.clamped > 0) warnings.push(`${this.samples.clamped} samples outside int32 range were saturated`);
    if (!this.opts.unitHint) warnings.push('cyclictest -v does not record its unit: assumed µs (import with --unit ns for cyclictest -N output)');
    const threads: ThreadStats[] = [...this.perThread.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, s]) => {
        const sum = s.summary();
        return { id, histogram: null, count: sum.count, min: sum.min, max: sum.max, avg: sum.mean };
      });
    return {
      format: this.format,
      unit: 'ns',
      samples: this.samples.toArray(),
      histogram: null,
      threads,
      summary: this.all.summary(),
      warnings,
      meta: { sourceUnit: this.scale === 1 ? 'ns' : 'us', threads: String(threads.length) },
    };
  }
}
