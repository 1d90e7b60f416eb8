/**
 * Parses cyclictest `-v` output: one `%8d:%8lu:%8ld` (thread:cycle:value) line per sample,
 * optionally with an SMI count, after the header lines `-v` prints (`Max CPUs = N`, `Online
 * CPUs = N`, `Thread N Interval: I`, `# /dev/cpu_dma_latency set to …`). Exact samples, one
 * series per thread plus the merged one (µs converted to ns unless unitHint is 'ns').
 * Must not import node:*, electron or better-sqlite3.
 */
import { concatSamples, mergedSummary, RunningStats, SampleBuffer, stripAnsi } from './accumulators.js';
import { assertText, FormatError } from './errors.js';
import { countField, intField, MAX_SAMPLE } from './numbers.js';
import { cyclictestResolutionNote, UNIT_CHOSEN_AT_IMPORT } from '../../src-shared/measurement.js';
import { commonInterval, noData, parsedMeasurement, withParts } from './parsed.js';
import type { LineParser, ParsedMeasurement, ParseOptions, ParsedSeries } from './types.js';

const VERBOSE = /^\s*(\d+):\s*(\d+):\s*(-?\d+)(?:\s+(-?\d+))?\s*$/;
const MAX_THREADS = 4096;

interface ThreadSamples {
  samples: SampleBuffer;
  stats: RunningStats;
}

export class CyclictestVerboseParser implements LineParser {
  readonly format = 'cyclictest-verbose' as const;
  private readonly threads = new Map<number, ThreadSamples>();
  private readonly intervals = new Map<number, number>();
  private readonly meta: Record<string, string> = {};
  private readonly scale: number;
  private lines = 0;
  private hostCpus: number | null = null;

  constructor(private readonly opts: ParseOptions = {}) {
    this.scale = opts.unitHint === 'ns' ? 1 : 1000;
  }

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trim();
    if (line === '' || line.startsWith('#') || line.startsWith('policy:') || line.startsWith('T:')) return;
    if (this.header(line, lineNo, raw)) return;
    const m = VERBOSE.exec(line);
    if (!m) throw new FormatError(lineNo, 'a cyclictest -v line "thread:cycle:value"', raw);
    const [, threadText = '', cycleText = '', valueText = ''] = m;
    const thread = intField(threadText, lineNo, raw, 'thread number', 0, MAX_THREADS - 1);
    countField(cycleText, lineNo, raw, 'cycle number');
    const v = intField(valueText, lineNo, raw, `latency (${this.scale === 1 ? 'ns' : 'µs'})`, 0, Math.floor(MAX_SAMPLE / this.scale)) * this.scale;
    let t = this.threads.get(thread);
    if (!t) {
      if (this.threads.size >= MAX_THREADS) throw new FormatError(lineNo, `at most ${MAX_THREADS} threads`, raw);
      this.threads.set(thread, (t = { samples: new SampleBuffer(), stats: new RunningStats() }));
    }
    t.samples.push(v);
    t.stats.add(v);
  }

  /** The lines `-v` prints before the samples. */
  private header(line: string, lineNo: number, raw: string): boolean {
    const cpus = /^(Max|Online) CPUs = (\d+)$/.exec(line);
    if (cpus) {
      const n = intField(cpus[2] ?? '', lineNo, raw, `${cpus[1]} CPUs`, 1, 1 << 20);
      this.meta[`${(cpus[1] ?? '').toLowerCase()}Cpus`] = String(n);
      if (cpus[1] === 'Online' || this.hostCpus === null) this.hostCpus = n;
      return true;
    }
    const interval = /^Thread (\d+) Interval: (\d+)$/.exec(line);
    if (interval) {
      this.intervals.set(
        intField(interval[1] ?? '', lineNo, raw, 'thread number', 0, MAX_THREADS - 1),
        intField(interval[2] ?? '', lineNo, raw, 'interval (µs)', 0, 1e12),
      );
      return true;
    }
    return false;
  }

  finish(): ParsedMeasurement {
    if (this.threads.size === 0) throw noData(this.lines + 1, 'at least one "thread:cycle:value" line');
    const warnings: string[] = [];
    if (!this.opts.unitHint) warnings.push('cyclictest -v does not record its unit: assumed µs (for cyclictest -N output, import again with the unit set to ns)');
    const ids = [...this.threads.keys()].sort((a, b) => a - b);
    const parts: ParsedSeries[] = [];
    const arrays: Int32Array[] = [];
    for (const id of ids) {
      const t = this.threads.get(id);
      if (!t) continue;
      const samples = t.samples.toArray();
      arrays.push(samples);
      const interval = this.intervals.get(id);
      parts.push({
        source: { scope: 'thread', label: `thread ${id}${interval === undefined ? '' : ` (I:${interval})`}`, thread: id },
        samples,
        histogram: null,
        overflow: null,
        summary: t.stats.summary(),
        intervalUs: interval ?? null,
      });
    }
    const merged: ParsedSeries = {
      source: { scope: 'merged', label: '' },
      samples: parts.length > 1 ? concatSamples(arrays) : (arrays[0] ?? null),
      histogram: null,
      overflow: null,
      summary: mergedSummary(parts.map((p) => p.summary)),
    };
    merged.intervalUs = commonInterval(parts, warnings);
    const { series, sources } = withParts(merged, parts, `all ${parts.length} threads`);
    return parsedMeasurement(
      {
        format: this.format,
        measure: 'wakeup-latency',
        unit: 'ns',
        series,
        context: {
          resolutionNs: this.scale,
          resolutionNote: cyclictestResolutionNote(this.scale === 1, this.scale === 1 || this.opts.unitHint ? UNIT_CHOSEN_AT_IMPORT : 'assumed'),
          intervalUs: merged.intervalUs,
          hostCpus: this.hostCpus,
          threads: parts.length,
        },
        warnings,
        meta: { ...this.meta, sourceUnit: this.scale === 1 ? 'ns' : 'us', threads: String(parts.length) },
      },
      sources,
    );
  }
}
