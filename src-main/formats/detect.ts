/**
 * Sniffs the import format from the first ~50 non-empty lines of a file.
 * Must not import node:*, electron or better-sqlite3.
 */
import type { ImportFormat } from '../../src-shared/contract.js';
import { stripAnsi } from './accumulators.js';
import { parseTraceLine } from './trace-tokenizer.js';

export const SNIFF_LINES = 50;

const VMEXIT_TESTS = /^(tscdeadline|tscdeadline_immed|cpuid|vmcall|mov_from_cr8|mov_to_cr8|inl_from_pmtimer|inl_from_qemu|inl_from_kernel|outl_to_kernel|mov_dr|ipi|ipi_halt|ple_round_robin|wr_tsc_adjust_msr|rd_tsc_adjust_msr|mmio-no-eventfd:\S+|mmio-wildcard-eventfd:\S+|mmio-datamatch-eventfd:\S+|portio-no-eventfd:\S+|portio-wildcard-eventfd:\S+|portio-datamatch-eventfd:\S+|wr_kernel_gs_base|wr_fs_base|rd_fs_base|x2apic_\w+) -?\d+$/;

export function detectFormat(firstLines: string[]): ImportFormat | null {
  const lines: string[] = [];
  for (const raw of firstLines) {
    const l = stripAnsi(raw).trim();
    if (l !== '') lines.push(l);
    if (lines.length >= SNIFF_LINES) break;
  }
  const first = lines[0];
  if (first === undefined) return null;
  if (first.startsWith('{') || first.startsWith('[')) {
    const head = lines.join('\n');
    if (/"(thread|rt_test_version:|resolution_in_ns|num_threads|cmdline:)"/.test(head) || lines.length < 3) return 'cyclictest-json';
  }
  const any = (re: RegExp): boolean => lines.some((l) => re.test(l));
  if (any(/^# Histogram$/)) return 'cyclictest-hist';
  if (any(/^tsc deadline timer enabled$/) || any(/^breakmax=-?\d+$/)) return 'tscdeadline-latency';
  if (any(/^(VM-EXIT|Event name|MMIO Access|IO Port Access)\s+Samples\s+Samples?%/) || any(/^Analyze events for /)) return 'perf-kvm-stat';
  if (lines.some((l) => /^tscdeadline(_immed)? -?\d+$/.test(l)) && lines.every((l) => !/^latency:/.test(l))) return 'vmexit';
  if (/^cpus=\d+$/.test(first) || any(/^# tracer: /)) return 'trace-cmd';
  if (any(/^(Max|Online) CPUs = \d+$/) || any(/^Thread \d+ Interval: \d+$/)) return 'cyclictest-verbose';
  const traceLines = lines.filter((l) => parseTraceLine(l) !== null).length;
  if (traceLines > 0 && traceLines >= lines.length / 2) return 'trace-cmd';
  if (any(/^T:\s*\d+\s+\(\s*\d+\)\s+P:\s*\d+/)) return 'cyclictest';
  const verbose = lines.filter((l) => /^\d+:\s*\d+:\s*-?\d+(\s+-?\d+)?$/.test(l)).length;
  if (verbose > 0 && verbose >= lines.filter((l) => !l.startsWith('#')).length / 2) return 'cyclictest-verbose';
  if (any(/^(hit max: -?\d+ < )?latency: -?\d+$/)) return 'tscdeadline-latency';
  if (lines.filter((l) => VMEXIT_TESTS.test(l)).length >= 2) return 'vmexit';
  return null;
}

/**
 * The lines detection reads, the first SNIFF_LINES non-empty ones of a file, gathered as the lines
 * pass: `add` takes them in order and says whether the window wants more.
 */
export class SniffWindow {
  readonly lines: string[] = [];
  private nonEmpty = 0;

  add(line: string): boolean {
    if (this.nonEmpty >= SNIFF_LINES) return false;
    this.lines.push(line);
    if (line.trim() !== '') this.nonEmpty++;
    return this.nonEmpty < SNIFF_LINES;
  }

  /** The format detection finds in the lines gathered so far, or null. */
  detect(): ImportFormat | null {
    return detectFormat(this.lines);
  }
}

/** The format detection finds in a text held in memory, reading only its first lines. */
export function detectTextFormat(text: string): ImportFormat | null {
  const window = new SniffWindow();
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    if (!window.add(text.slice(start, end))) break;
    start = end + 1;
  }
  return window.detect();
}

/**
 * Passes a stream of lines on unchanged while gathering the lines detection reads, so that the
 * format detection finds is known after the stream was parsed, also when the import named one.
 */
export function sniffedLines(lines: AsyncIterable<string>): { lines: AsyncGenerator<string>; detected(): ImportFormat | null } {
  const window = new SniffWindow();
  let open = true;
  async function* pass(): AsyncGenerator<string> {
    for await (const line of lines) {
      if (open) open = window.add(line);
      yield line;
    }
  }
  return { lines: pass(), detected: () => window.detect() };
}
