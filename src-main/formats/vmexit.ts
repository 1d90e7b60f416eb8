/**
 * Parses kvm-unit-tests x86/vmexit output lines `"%s %d"` (test name, cycles per iteration),
 * keeping `tscdeadline` and `tscdeadline_immed` (others ignored with a warning). Unit cycles.
 * Must not import node:*, electron or better-sqlite3.
 */
import { stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { LineParser, ParsedMeasurement } from './types.js';

const RESULT = /^(\w[\w-]*) (-?\d+)$/;
const SUB = /^(ipi|eoi) (\S+) (-?\d+)$/;
const TIMER_TESTS = ['tscdeadline', 'tscdeadline_immed'];

export class VmexitParser implements LineParser {
  readonly format = 'vmexit' as const;
  private readonly results = new Map<string, number>();
  private readonly ignored: string[] = [];
  private readonly meta: Record<string, string> = {};
  private lines = 0;

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trim();
    if (line === '') return;
    const sub = SUB.exec(line);
    if (sub && raw.startsWith(' ')) {
      const [, test, variant, cycles = ''] = sub;
      this.meta[`${test}.${variant}`] = cycles;
      return;
    }
    const m = RESULT.exec(line);
    if (m) {
      const [, test = '', cycles] = m;
      if (TIMER_TESTS.includes(test)) this.results.set(test, Number(cycles));
      else if (!this.ignored.includes(test)) this.ignored.push(test);
      return;
    }
    // A timer-test line that does not end in a number is a truncated or corrupted result.
    if (/^tscdeadline(_immed)?\b/.test(line)) throw new FormatError(lineNo, '"tscdeadline N" with N an integer', raw);
    // Everything else (runner prefix, "enabling apic", "PASS"/"SUMMARY") is not a result.
  }

  finish(): ParsedMeasurement {
    if (this.results.size === 0) throw new FormatError(this.lines + 1, 'a "tscdeadline N" or "tscdeadline_immed N" line', END_OF_FILE);
    const warnings: string[] = [];
    if (this.ignored.length > 0) warnings.push(`ignored vmexit tests: ${this.ignored.join(', ')}`);
    const primary = this.results.has('tscdeadline') ? 'tscdeadline' : 'tscdeadline_immed';
    const v = this.results.get(primary) as number;
    const meta: Record<string, string> = { ...this.meta, primary };
    for (const [name, cycles] of this.results) meta[`test.${name}`] = String(cycles);
    if (this.results.size > 1) warnings.push(`samples hold "${primary}" only; the other test is in meta`);
    return {
      format: this.format,
      unit: 'cycles',
      samples: Int32Array.of(v),
      histogram: null,
      summary: { count: 1, min: v, max: v, mean: v },
      warnings,
      meta,
    };
  }
}
