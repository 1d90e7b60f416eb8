/**
 * Parses cyclictest's live/normal status output (`T: 0 ( 1234) P:99 I:1000 C: … Min: … Act: …
 * Avg: … Max: …`), including the redrawn-in-place form with ANSI `ESC[nA` escapes. Keeps the
 * last line per thread: one series per thread with count, min, mean and max as printed (no
 * distribution: no percentile is made up), and the merged series. Must not import node:*,
 * electron or better-sqlite3.
 */
import { mergedSummary, stripAnsi } from './accumulators.js';
import { assertText, FormatError } from './errors.js';
import { countField, intField, MAX_LATENCY_FIELD, MAX_VALUE } from './numbers.js';
import { cyclictestResolutionNote, UNIT_CHOSEN_AT_IMPORT } from '../../src-shared/measurement.js';
import { commonInterval, noData, parsedMeasurement, withParts } from './parsed.js';
import type { LineParser, ParsedMeasurement, ParseOptions, ParsedSeries } from './types.js';

const STATUS =
  /^T:\s*(\d+)\s+\(\s*(\d+)\)\s+P:\s*(\d+)\s+I:\s*(\d+)\s+C:\s*(\d+)\s+Min:\s*(-?\d+)\s+Act:(\s*-?\d+)\s+Avg:\s*(-?\d+)\s+Max:\s*(-?\d+)(?:\s+SMI:\s*(\d+))?\s*$/;
const MAX_THREADS = 4096;

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
    const [, thread = '', tid = '', prio = '', interval = '', cycles = '', min = '', act = '', avg = '', max = ''] = m;
    const id = intField(thread, lineNo, raw, 'thread number', 0, MAX_THREADS - 1);
    if (!this.threads.has(id) && this.threads.size >= MAX_THREADS) throw new FormatError(lineNo, `at most ${MAX_THREADS} threads`, raw);
    const t: ThreadLine = {
      tid: intField(tid, lineNo, raw, 'thread id', 0, 2 ** 31),
      prio: intField(prio, lineNo, raw, 'priority P', 0, 1000),
      interval: intField(interval, lineNo, raw, 'interval I', 0, MAX_VALUE),
      cycles: countField(cycles, lineNo, raw, 'cycles C'),
      min: intField(min, lineNo, raw, 'Min', 0, MAX_LATENCY_FIELD),
      actWidth: act.length,
      avg: intField(avg, lineNo, raw, 'Avg', 0, MAX_LATENCY_FIELD),
      max: intField(max, lineNo, raw, 'Max', 0, MAX_LATENCY_FIELD),
    };
    if (t.cycles > 0 && !(t.min <= t.avg && t.avg <= t.max)) throw new FormatError(lineNo, 'Min ≤ Avg ≤ Max', raw);
    this.threads.set(id, t);
  }

  finish(): ParsedMeasurement {
    const withCycles = [...this.threads.values()].filter((t) => t.cycles > 0);
    if (withCycles.length === 0) throw noData(this.lines + 1, 'a "T: …" status line with cycles C above 0');
    const warnings: string[] = ['cyclictest status output has no distribution: count, min, mean and max only (cyclictest -h or --json output has percentiles)'];
    let unitSource: string;
    let us: boolean;
    if (this.opts.unitHint) {
      us = this.opts.unitHint === 'us';
      unitSource = UNIT_CHOSEN_AT_IMPORT;
    } else {
      // With -N, Act and Avg are printed %8ld instead of %5ld.
      us = ![...this.threads.values()].every((t) => t.actWidth === 8);
      unitSource = 'Act field width';
    }
    const scale = us ? 1000 : 1;
    const ids = [...this.threads.keys()].sort((a, b) => a - b);
    const parts: ParsedSeries[] = [];
    for (const id of ids) {
      const t = this.threads.get(id);
      if (!t) continue;
      this.meta[`thread.${id}`] = `tid=${t.tid} prio=${t.prio} interval=${t.interval}us`;
      parts.push({
        source: { scope: 'thread', label: `thread ${id} (tid ${t.tid}, P:${t.prio}, I:${t.interval})`, thread: id, tid: t.tid },
        samples: null,
        histogram: null,
        overflow: null,
        summary: t.cycles === 0 ? { count: 0, min: 0, max: 0, mean: 0 } : { count: t.cycles, min: t.min * scale, max: t.max * scale, mean: t.avg * scale },
        intervalUs: t.interval,
      });
    }
    if (this.redraws > 0) this.meta.redraws = String(this.redraws);
    const intervalUs = commonInterval(parts, warnings);
    const merged: ParsedSeries = { source: { scope: 'merged', label: '' }, samples: null, histogram: null, overflow: null, summary: mergedSummary(parts.map((p) => p.summary)), intervalUs };
    const { series, sources } = withParts(merged, parts, `all ${parts.length} threads`);
    return parsedMeasurement(
      {
        format: this.format,
        measure: 'wakeup-latency',
        unit: 'ns',
        series,
        context: {
          resolutionNs: scale,
          resolutionNote: cyclictestResolutionNote(!us, unitSource),
          intervalUs,
          threads: parts.length,
        },
        warnings,
        meta: { ...this.meta, sourceUnit: us ? 'us' : 'ns', unitSource, threads: String(parts.length) },
      },
      sources,
    );
  }
}
