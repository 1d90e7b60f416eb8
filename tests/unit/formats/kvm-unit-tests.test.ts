import { describe, expect, it } from 'vitest';
import { parseText, toTscdeadlineLog } from '../../../src-main/formats/index.js';
import { expectFormatError, GARBAGE, readFixture } from './helpers.js';

const RUNNER_PREFIX = [
  'timeout -k 1s --foreground 90s /usr/bin/qemu-system-x86_64 --no-reboot -nodefaults -device pc-testdev -device isa-debug-exit,iobase=0xf4,iosize=0x4 -vnc none -serial stdio -device pci-testdev -machine accel=kvm -kernel x86/tscdeadline_latency.flat -cpu host -append 200000 10000 0 # -initrd /tmp/tmp.abc',
  'enabling apic',
  'smp: waiting for 0 APs',
  'paging enabled',
  'cr0 = 80010011',
  'cr3 = 1007000',
  'cr4 = 20',
];

describe('tscdeadline_latency log', () => {
  const log = [...RUNNER_PREFIX, 'apic version: 1050014', 'PASS: apic existence', 'breakmax=0', 'tsc deadline timer enabled', 'latency: 3210', 'latency: 3190', 'latency: -12', 'latency: 4025', 'SUMMARY: 1 tests', 'EXIT: STATUS=1'].join('\n');
  it('absurd numbers name their line: 400 digits, beyond int32', () => {
    expectFormatError(() => parseText(`latency: 5\nlatency: ${'1'.repeat(400)}\n`), 2);
    expectFormatError(() => parseText('latency: 5\nlatency: 3000000000\n'), 2);
    expect(expectFormatError(() => parseText('latency: -3000000000\n')).expected).toContain('latency');
  });
  it('reads samples in cycles (negative allowed) with the runner prefix', () => {
    const r = parseText(log);
    expect(r.format).toBe('tscdeadline-latency');
    expect(r.unit).toBe('cycles');
    expect([...(r.samples ?? [])]).toEqual([3210, 3190, -12, 4025]);
    expect(r.summary).toEqual({ count: 4, min: -12, max: 4025, mean: (3210 + 3190 - 12 + 4025) / 4 });
    expect(r.meta.apicVersion).toBe('1050014');
    expect(r.meta.breakmax).toBe('0');
    expect(r.meta['report.apic existence']).toBe('PASS');
  });
  it('reads the breakmax "hit max" line', () => {
    const r = parseText(['apic version: 50014', 'PASS: apic existence', 'breakmax=5000', 'tsc deadline timer enabled', 'latency: 3200', 'hit max: 5000 < latency: 61234', 'SUMMARY: 1 tests'].join('\n'));
    expect(r.samples?.length).toBe(2);
    expect(r.meta.stoppedBy).toBe('breakmax');
    expect(r.meta.hitMax).toBe('5000');
  });
  it('reads bare grep output', () => {
    const r = parseText('latency: 1\nlatency: 2\n');
    expect(r.format).toBe('tscdeadline-latency');
    expect(r.warnings.join()).toContain('bare latency lines');
  });
  it('round trip through toTscdeadlineLog', () => {
    const samples = Int32Array.from({ length: 10000 }, (_, i) => 3000 + ((i * 7919) % 1000) - 20);
    const text = toTscdeadlineLog(samples);
    expect(text.split('\n').slice(0, 5)).toEqual(['apic version: 50014', 'PASS: apic existence', 'breakmax=0', 'tsc deadline timer enabled', `latency: ${samples[0]}`]);
    const r = parseText(text);
    expect(r.samples).toEqual(samples);
    const hit = toTscdeadlineLog([3000, 9000], { breakmax: 5000 });
    expect(hit).toContain('hit max: 5000 < latency: 9000\nSUMMARY: 1 tests\n');
    expect([...(parseText(hit).samples ?? [])]).toEqual([3000, 9000]);
  });
  it('malformed: truncated, wrong columns, non-numeric, garbage, empty', () => {
    const lines = log.split('\n');
    // truncated: no SUMMARY after the header
    expectFormatError(() => parseText(lines.slice(0, 13).join('\n')), 14);
    // cut in the middle of a line
    expectFormatError(() => parseText(`${lines.slice(0, 13).join('\n')}\nlaten`), 14);
    expectFormatError(() => parseText(`${lines.slice(0, 13).join('\n')}\nlatency: 12 34`), 14);
    expectFormatError(() => parseText(`${lines.slice(0, 13).join('\n')}\nlatency: 12x`), 14);
    expectFormatError(() => parseText(`${lines.slice(0, 13).join('\n')}\n${GARBAGE}`), 14);
    expectFormatError(() => parseText('', 'tscdeadline-latency'), 1);
    expectFormatError(() => parseText(RUNNER_PREFIX.join('\n'), 'tscdeadline-latency'), 8);
  });
});

describe('vmexit.c output', () => {
  const out = [...RUNNER_PREFIX, 'cpuid 87', 'vmcall 1543', 'mov_from_cr8 11', 'tscdeadline_immed 2500', 'tscdeadline 5600', 'SUMMARY: 0 tests'].join('\n');
  it('each timer test is a run; every line is kept in the table', () => {
    const r = parseText(out);
    expect(r.format).toBe('vmexit');
    expect(r.measure).toBe('cycles-per-iteration');
    expect(r.unit).toBe('cycles');
    expect(r.series.map((s) => [s.source.test, s.workload, [...(s.samples ?? [])]])).toEqual([
      ['tscdeadline', 'vmexit-tscdeadline', [5600]],
      ['tscdeadline_immed', 'vmexit-tscdeadline-immed', [2500]],
    ]);
    expect(r.summary).toEqual({ count: 1, min: 5600, max: 5600, mean: 5600 });
    expect(r.vmexitTests).toEqual([
      { test: 'cpuid', count: 1, cycles: [87] },
      { test: 'vmcall', count: 1, cycles: [1543] },
      { test: 'mov_from_cr8', count: 1, cycles: [11] },
      { test: 'tscdeadline_immed', count: 1, cycles: [2500] },
      { test: 'tscdeadline', count: 1, cycles: [5600] },
    ]);
    expect(r.warnings.join()).toContain('kept in the table, not as runs: cpuid, vmcall, mov_from_cr8');
  });
  it('only tscdeadline_immed', () => {
    const r = parseText('tscdeadline_immed 3700\n');
    expect(r.format).toBe('vmexit');
    expect(r.series).toHaveLength(1);
    expect(r.series[0]?.source).toMatchObject({ scope: 'file', test: 'tscdeadline_immed' });
  });
  it('a multi-line file (fixture): the test ran three times, every line of it is a sample', () => {
    const r = parseText(readFixture('vmexit-multi.txt'));
    expect(r.series.map((s) => [s.source.test, [...(s.samples ?? [])]])).toEqual([
      ['tscdeadline', [3190, 3211, 3177]],
      ['tscdeadline_immed', [1942, 1938, 1951]],
    ]);
    expect(r.vmexitTests?.map((t) => t.test)).toEqual(['cpuid', 'vmcall', 'tscdeadline', 'tscdeadline_immed', 'ipi_halt', 'ipi 0', 'mov_from_cr8', 'inl_from_pmtimer']);
  });
  it('absurd numbers name their line: negative, 400 digits', () => {
    expect(expectFormatError(() => parseText('cpuid 87\ntscdeadline -5600', 'vmexit'), 2).expected).toContain('tscdeadline cycles per iteration');
    expectFormatError(() => parseText(`cpuid 87\ntscdeadline ${'9'.repeat(400)}`, 'vmexit'), 2);
  });
  it('malformed: truncated, wrong columns, garbage, empty', () => {
    expectFormatError(() => parseText('cpuid 87\ntscdeadline', 'vmexit'), 2);
    expectFormatError(() => parseText('cpuid 87\ntscdeadline 5600 12', 'vmexit'), 2);
    expectFormatError(() => parseText('cpuid 87\ntscdeadline fast', 'vmexit'), 2);
    expectFormatError(() => parseText(`cpuid 87\n${GARBAGE}`, 'vmexit'), 2);
    expectFormatError(() => parseText('', 'vmexit'), 1);
    expectFormatError(() => parseText('cpuid 87\nvmcall 1543\n', 'vmexit'), 3);
  });
});
