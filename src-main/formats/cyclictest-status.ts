/**
 * Parses cyclictest's live/normal status output (`T: 0 ( 1234) P:99 I:1000 C: … Min: … Act: …
 * Avg: … Max: …`), including the redrawn-in-place form with ANSI `ESC[nA` escapes. Keeps the
 * last line per thread; gives a summary only (no distribution). Must not import node:*,
 * electron or better-sqlite3.
 */
import { stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { LineParser, ParsedMeasurement, ParseOptions, ThreadStats } from './types.js';

const STATUS =
  /^T:\s*(\d+)\s+\(\s*(\d+)\)\s+P:\s*(\d+)\s+I:\s*(\d+)\s+C:\s*(\d+)\s+Min:\s*(-?\d+)\s+Act:(\s*-?\d+)\s+Avg:\s*(-?\d+)\s+Max:\s*(-?\d+)(?:\s+SMI:\s*(\d+))?\s*$/;

interface ThreadLine {
  tid: number;
  prio: number;
  interval: number;
  cycles: number;
  min: number;
  avg: number;
  max: number;
  actWidth: number;
}

export class CyclictestStatusParser implements LineParser {
  readonly format = 'cyclictest' as const;
  private readonly threads = new Map<number, ThreadLine>();
  private readonly meta: Record<string, string> = {};
  private lines = 0;
  private redraws = 0;

  constructor(private readonly opts: ParseOptions = {}) {}

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    if (raw.includes('\x1b[')) this.redraws++;
    const line = stripAnsi(raw).trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# \/dev\/cpu_dma_latency set to (\d+)us/.exec(line);
      if (m?.[1] !== undefined) this.meta.cpuDmaLatencyUs = m[1];
      return;
    }
    if (line.startsWith('policy:')) {
      this.meta.policy = line.slice('policy:'.length).trim();
      return;
    }
    const m = STATUS.exec(line);
    if (!m) throw new FormatError(lineNo, 'a cyclictest status line "T:%2d (%5d) P:%2d I:%ld C:%7lu Min:%7ld Act:%5ld Avg:%5ld Max:%8ld"', raw);
    const [, thread, tid, prio, interval, cycles, min, act = '', avg, max] = m;
    this.threads.set(Number(thread), {
      tid: Number(tid),
      prio: Number(prio),
      interval: Number(interval),
      cycles: Number(cycles),
      min: Number(min),
      actWidth: act.length,
      avg: Number(avg),
      max: Number(max),
    });
  }

  finish(): ParsedMeasurement {
    if (this.threads.size === 0) throw new FormatError(this.lines + 1, 'at least one "T: …" status line', END_OF_FILE);
    const warnings: string[] = ['cyclictest status output has no distribution: summary only (run with -h or --json for a histogram)'];
    let unitSource: string;
    let us: boolean;
    if (this.opts.unitHint) {
      us = this.opts.unitHint === 'us';
      unitSource = 'hint';
    } else {
      // With -N, Act and Avg are printed %8ld instead of %5ld.
      us = ![...this.threads.values()].every((t) => t.actWidth === 8);
      unitSource = 'Act field width';
    }
    const scale = us ? 1000 : 1;
    const ids = [...this.threads.keys()].sort((a, b) => a - b);
    const threads: ThreadStats[] = ids.map((id) => {
      const t = this.threads.get(id) as ThreadLine;
      this.meta[`thread.${id}`] = `tid=${t.tid} prio=${t.prio} interval=${t.interval}us`;
      return { id, histogram: null, count: t.cycles, min: t.min * scale, max: t.max * scale, avg: t.avg * scale };
    });
    const count = threads.reduce((a, t) => a + t.count, 0);
    const mean = count === 0 ? 0 : threads.reduce((a, t) => a + t.avg * t.count, 0) / count;
    if (this.redraws > 0) this.meta.redraws = String(this.redraws);
    return {
      format: this.format,
      unit: 'ns',
      samples: null,
      histogram: null,
      threads,
      summary: {
        count,
        min: Math.min(...threads.map((t) => t.min)),
        max: Math.max(...threads.map((t) => t.max)),
        mean,
      },
      warnings,
      meta: { ...this.meta, sourceUnit: us ? 'us' : 'ns', unitSource, threads: String(threads.length) },
    };
  }
}
