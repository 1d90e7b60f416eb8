/**
 * Parses kvm-unit-tests x86/tscdeadline_latency output (`apic version: %x`, `PASS: apic
 * existence`, `breakmax=%d`, `tsc deadline timer enabled`, `latency: %PRId64` per sample,
 * `hit max: %d < latency: …`, `SUMMARY: …`), tolerating the runner's prefix lines. Samples are
 * guest TSC cycles. Must not import node:*, electron or better-sqlite3.
 */
import { RunningStats, SampleBuffer, stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import { intField, MAX_SAMPLE } from './numbers.js';
import { noData, parsedMeasurement } from './parsed.js';
import type { LineParser, ParsedMeasurement } from './types.js';

const LATENCY = /^(?:hit max: (-?\d+) < )?latency:\s*(-?\d+)$/;
/** Lines a runner may print after the test (exit status, runner verdicts). */
const RUNNER_TAIL = /^(EXIT: |PASS |FAIL |SKIP |timeout |qemu|\S+ \S*qemu)/;

export class TscdeadlineLatencyParser implements LineParser {
  readonly format = 'tscdeadline-latency' as const;
  private readonly samples = new SampleBuffer();
  private readonly stats = new RunningStats();
  private readonly meta: Record<string, string> = {};
  private readonly warnings: string[] = [];
  private headerSeen = false;
  private summarySeen = false;
  private hitMax = false;
  private lines = 0;
  private lastSampleLine = 0;

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trim();
    if (line === '') return;
    const m = LATENCY.exec(line);
    if (m) {
      if (this.hitMax) throw new FormatError(lineNo, '"SUMMARY: …" after the "hit max" line', raw);
      if (this.summarySeen) throw new FormatError(lineNo, 'no latency lines after "SUMMARY"', raw);
      if (m[1] !== undefined) {
        this.hitMax = true;
        this.meta.hitMax = m[1];
      }
      const v = intField(m[2] ?? '', lineNo, raw, 'latency (guest TSC cycles)', -MAX_SAMPLE, MAX_SAMPLE);
      this.samples.push(v);
      this.stats.add(v);
      this.lastSampleLine = lineNo;
      return;
    }
    let h: RegExpExecArray | null;
    if ((h = /^apic version: ([0-9a-fA-F]+)$/.exec(line))) {
      this.meta.apicVersion = h[1] ?? '';
      return;
    }
    if ((h = /^breakmax=(-?\d+)$/.exec(line))) {
      this.meta.breakmax = h[1] ?? '';
      return;
    }
    if (line === 'tsc deadline timer enabled') {
      this.headerSeen = true;
      return;
    }
    if (line.startsWith('tsc deadline timer not detected')) throw new FormatError(lineNo, '"tsc deadline timer enabled"', raw);
    if ((h = /^(PASS|FAIL|XFAIL|XPASS|SKIP): (.*)$/.exec(line))) {
      this.meta[`report.${h[2] ?? ''}`] = h[1] ?? '';
      return;
    }
    if ((h = /^SUMMARY: (.*)$/.exec(line))) {
      this.summarySeen = true;
      this.meta.summary = h[1] ?? '';
      return;
    }
    // Before the test starts, the runner and the firmware print whatever they like.
    if (!this.headerSeen && this.samples.length === 0) return;
    if (this.summarySeen && RUNNER_TAIL.test(line)) return;
    throw new FormatError(lineNo, 'a "latency: N" line', raw);
  }

  finish(): ParsedMeasurement {
    if (this.samples.length === 0) throw noData(this.lines + 1, 'at least one "latency: N" line');
    if (this.headerSeen && !this.summarySeen) {
      throw new FormatError(this.lines + 1, `"SUMMARY: …" after the last latency line (line ${this.lastSampleLine}): the log is truncated`, END_OF_FILE);
    }
    if (!this.headerSeen) this.warnings.push('no "tsc deadline timer enabled" header: read as bare latency lines');
    if (this.hitMax) this.meta.stoppedBy = 'breakmax';
    return parsedMeasurement({
      format: this.format,
      measure: 'guest-deadline-to-isr',
      unit: 'cycles',
      series: [
        {
          source: { scope: 'file', label: 'tscdeadline_latency' },
          samples: this.samples.toArray(),
          histogram: null,
          overflow: null,
          summary: this.stats.summary(),
        },
      ],
      context: { resolutionNs: null, resolutionNote: 'exact guest TSC cycles (rdtsc)' },
      warnings: this.warnings,
      meta: this.meta,
    });
  }
}
