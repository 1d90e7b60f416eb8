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
