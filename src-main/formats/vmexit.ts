/**
 * Parses kvm-unit-tests x86/vmexit output lines `"%s %d"` (test name, cycles per iteration) and
 * their indented sub-results (`ipi`/`eoi` variants). Every line is kept, in file order; each timer
 * test (`tscdeadline`, `tscdeadline_immed`) becomes a series of its own, whose samples are all its
 * lines (a file that ran the test several times). Unit guest TSC cycles. Must not import node:*,
 * electron or better-sqlite3.
 */
import { RunningStats, SampleBuffer, stripAnsi } from './accumulators.js';
import { assertText, FormatError } from './errors.js';
import { intField, MAX_SAMPLE } from './numbers.js';
import { noData, parsedMeasurement } from './parsed.js';
import type { LineParser, ParsedMeasurement, ParsedSeries } from './types.js';

const RESULT = /^(\w[\w-]*(?::\S+)?) (-?\d+)$/;
const SUB = /^(ipi|eoi) (\S+) (-?\d+)$/;
/** Timer tests and the simulated workload each corresponds to. */
const TIMER_TESTS: Record<string, string> = { tscdeadline: 'vmexit-tscdeadline', tscdeadline_immed: 'vmexit-tscdeadline-immed' };
const MAX_TESTS = 1024;
/** Values of each test kept in the table (timer tests keep every value as samples). */
const TABLE_VALUES = 1000;

interface TestLines {
  table: number[];
  stats: RunningStats;
  samples: SampleBuffer | null;
}

export class VmexitParser implements LineParser {
  readonly format = 'vmexit' as const;
  private readonly tests = new Map<string, TestLines>();
  private readonly meta: Record<string, string> = {};
  private lines = 0;
  private resultLines = 0;

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trim();
    if (line === '') return;
    const sub = SUB.exec(line);
    if (sub && raw.startsWith(' ')) {
      const [, test = '', variant = '', cycles = ''] = sub;
      this.add(`${test} ${variant}`, intField(cycles, lineNo, raw, `${test} ${variant} cycles`, 0, MAX_SAMPLE), lineNo, raw);
      return;
    }
    const m = RESULT.exec(line);
    if (m) {
      const [, test = '', cycles = ''] = m;
      this.add(test, intField(cycles, lineNo, raw, `${test} cycles per iteration`, 0, MAX_SAMPLE), lineNo, raw);
      return;
    }
    // A timer-test line that does not end in a number is a truncated or corrupted result.
    if (/^tscdeadline(_immed)?\b/.test(line)) throw new FormatError(lineNo, '"tscdeadline N" with N an integer', raw);
    // Everything else (runner prefix, "enabling apic", "PASS"/"SUMMARY") is not a result.
  }

  private add(test: string, cycles: number, lineNo: number, raw: string): void {
    let t = this.tests.get(test);
    if (!t) {
      if (this.tests.size >= MAX_TESTS) throw new FormatError(lineNo, `at most ${MAX_TESTS} different vmexit tests`, raw);
      this.tests.set(test, (t = { table: [], stats: new RunningStats(), samples: test in TIMER_TESTS ? new SampleBuffer() : null }));
    }
    if (t.table.length < TABLE_VALUES) t.table.push(cycles);
    t.stats.add(cycles);
    t.samples?.push(cycles);
    this.resultLines++;
  }

  finish(): ParsedMeasurement {
    const timer = Object.keys(TIMER_TESTS).filter((t) => this.tests.has(t));
    if (timer.length === 0) throw noData(this.lines + 1, 'a "tscdeadline N" or "tscdeadline_immed N" line');
    const series: ParsedSeries[] = timer.map((test) => {
      const t = this.tests.get(test);
      const s: ParsedSeries = {
        source: { scope: timer.length > 1 ? 'test' : 'file', label: `vmexit ${test}`, test },
        samples: t?.samples?.toArray() ?? null,
        histogram: null,
        overflow: null,
        summary: t?.stats.summary() ?? { count: 0, min: 0, max: 0, mean: 0 },
      };
      const workload = TIMER_TESTS[test];
      if (workload) s.workload = workload;
      return s;
    });
    const others = [...this.tests.keys()].filter((t) => !(t in TIMER_TESTS));
    const warnings: string[] = [];
    if (others.length > 0) warnings.push(`other vmexit tests are kept in the table, not as runs: ${others.slice(0, 12).join(', ')}${others.length > 12 ? ', …' : ''}`);
    if (timer.length > 1) warnings.push(`${timer.join(' and ')}: one run each`);
    this.meta.resultLines = String(this.resultLines);
    return parsedMeasurement({
      format: this.format,
      measure: 'cycles-per-iteration',
      unit: 'cycles',
      series,
      context: { resolutionNote: 'whole guest TSC cycles per iteration' },
      warnings,
      meta: this.meta,
      vmexitTests: [...this.tests.entries()].map(([test, t]) => ({ test, count: t.stats.count, cycles: t.table })),
    });
  }
}
