import { describe, expect, it } from 'vitest';
import { parseText } from '../../../src-main/formats/index.js';
import { expectFormatError, GARBAGE } from './helpers.js';

const STATUS = [
  '# /dev/cpu_dma_latency set to 0us',
  'policy: fifo: loadavg: 6.76 7.00 3.95 2/353 15702          ',
  '',
  'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650',
  'T: 1 ( 3525) P:99 I:1500 C: 384622 Min:      2 Act:    3 Avg:    4 Max:      27',
].join('\n');

describe('cyclictest status output', () => {
  it('reads threads into a summary (µs → ns), no distribution', () => {
    const r = parseText(STATUS);
    expect(r.format).toBe('cyclictest');
    expect(r.histogram).toBeNull();
    expect(r.samples).toBeNull();
    expect(r.threads?.map((t) => [t.id, t.count, t.min, t.avg, t.max])).toEqual([
      [0, 576934, 1000, 5000, 1650000],
      [1, 384622, 2000, 4000, 27000],
    ]);
    expect(r.summary).toEqual({ count: 961556, min: 1000, max: 1650000, mean: (576934 * 5000 + 384622 * 4000) / 961556 });
    expect(r.meta.cpuDmaLatencyUs).toBe('0');
    expect(r.meta.sourceUnit).toBe('us');
  });

  it('keeps the last redraw of the ANSI in-place form', () => {
    const redrawn = `${STATUS}\n\x1b[4A${STATUS.split('\n').slice(1).join('\n').replace('C: 576934', 'C: 577934').replace('Max:    1650', 'Max:    1700')}`;
    const r = parseText(redrawn);
    expect(r.format).toBe('cyclictest');
    expect(r.threads?.[0]?.count).toBe(577934);
    expect(r.threads?.[0]?.max).toBe(1700000);
    expect(r.meta.redraws).toBe('1');
  });

  it('detects -N from the %8ld Act/Avg width, or takes a unit hint', () => {
    const ns = 'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:    1234 Act:    4321 Avg:    5000 Max:  1650000';
    const r = parseText(ns);
    expect(r.meta.sourceUnit).toBe('ns');
    expect(r.threads?.[0]?.min).toBe(1234);
    const hinted = parseText(STATUS, 'cyclictest', { unitHint: 'ns' });
    expect(hinted.threads?.[0]?.max).toBe(1650);
  });

  it('accepts the SMI column', () => {
    const r = parseText('T: 0 ( 3524) P:99 I:1000 C:    100 Min:      1 Act:    4 Avg:    5 Max:      16 SMI:       0');
    expect(r.summary.count).toBe(100);
  });

  it('malformed: truncated, wrong columns, garbage, empty', () => {
    expectFormatError(() => parseText(`${STATUS}\nT: 2 ( 3526) P:99 I:2000 C:  1234 Min:`), 6);
    expectFormatError(() => parseText(`${STATUS}\nT: 2 ( 3526) P:99 I:2000 C: 12 Min: 1 Avg: 2 Max: 3`), 6);
    expectFormatError(() => parseText(`${STATUS}\nT: 2 ( 3526) P:99 I:2000 C: 12 Min: x Act: 1 Avg: 2 Max: 3`), 6);
    expectFormatError(() => parseText(`${STATUS}\n${GARBAGE}`), 6);
    expectFormatError(() => parseText('', 'cyclictest'), 1);
    expectFormatError(() => parseText('# /dev/cpu_dma_latency set to 0us\n', 'cyclictest'), 2);
  });
});

describe('cyclictest -v', () => {
  const verbose = ['       0:       0:       5', '       1:       0:       7', '       0:       1:       4', '       1:       1:      12', '       0:       2:       6'].join('\n');
  it('reads every sample (µs → ns), with per-thread stats', () => {
    const r = parseText(verbose);
    expect(r.format).toBe('cyclictest-verbose');
    expect([...(r.samples ?? [])]).toEqual([5000, 7000, 4000, 12000, 6000]);
    expect(r.summary).toEqual({ count: 5, min: 4000, max: 12000, mean: 6800 });
    expect(r.threads?.map((t) => [t.id, t.count, t.min, t.max])).toEqual([
      [0, 3, 4000, 6000],
      [1, 2, 7000, 12000],
    ]);
  });
  it('ns with unitHint; grows past the initial buffer', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `${String(0).padStart(8)}:${String(i).padStart(8)}:${String(i % 97).padStart(8)}`).join('\n');
    const r = parseText(many, undefined, { unitHint: 'ns' });
    expect(r.samples?.length).toBe(5000);
    expect(r.samples?.[4999]).toBe(4999 % 97);
  });
  it('malformed: truncated, wrong columns, garbage, empty', () => {
    expectFormatError(() => parseText(`${verbose}\n       0:       3:`, 'cyclictest-verbose'), 6);
    expectFormatError(() => parseText(`${verbose}\n       0:       3`, 'cyclictest-verbose'), 6);
    expectFormatError(() => parseText(`${verbose}\n       0:       3:     abc`, 'cyclictest-verbose'), 6);
    expectFormatError(() => parseText(`${verbose}\n${GARBAGE}`, 'cyclictest-verbose'), 6);
    expectFormatError(() => parseText('', 'cyclictest-verbose'), 1);
  });
});

describe('cyclictest --json', () => {
  const doc = {
    file_version: 1,
    'cmdline:': 'cyclictest --json=out.json -h100 -t2 -N',
    'rt_test_version:': '2.60',
    start_time: 'Mon Jan  1 00:00:00 2024',
    end_time: 'Mon Jan  1 00:01:00 2024',
    return_code: 0,
    sysinfo: { sysname: 'Linux', nodename: 'box', release: '6.6.0-rt', version: '#1 SMP PREEMPT_RT', machine: 'x86_64', realtime: 1 },
    num_threads: 2,
    resolution_in_ns: 1,
    thread: {
      '0': { histogram: { '3': 10, '5': 2 }, cycles: 12, min: 3, max: 5, avg: 3.33, cpu: 0, node: 0 },
      '1': { histogram: { '4': 5 }, cycles: 7, min: 4, max: 250, avg: 38.57, cpu: 1, node: 0 },
    },
  };
  const text = JSON.stringify(doc, null, 2);
  it('reads the rt-tests 2.x shape, resolution_in_ns and overflows', () => {
    const r = parseText(text);
    expect(r.format).toBe('cyclictest-json');
    expect(r.meta.cmdline).toBe(doc['cmdline:']);
    expect(r.meta.rt_test_version).toBe('2.60');
    expect(r.meta['sysinfo.release']).toBe('6.6.0-rt');
    expect(r.meta.sourceUnit).toBe('ns');
    expect(r.histogram).toEqual({ values: [3, 4, 5], counts: [10, 5, 2] });
    expect(r.threads?.map((t) => [t.count, t.min, t.max])).toEqual([
      [12, 3, 5],
      [7, 4, 250],
    ]);
    expect(r.overflows).toBe(2);
    expect(r.threads?.[1]?.avg).toBeCloseTo(38.57);
  });
  it('µs resolution scales to ns', () => {
    const r = parseText(JSON.stringify({ ...doc, resolution_in_ns: 0 }));
    expect(r.histogram?.values).toEqual([3000, 4000, 5000]);
  });
  it('malformed: truncated, wrong types, garbage, empty, oversize', () => {
    const lines = text.split('\n');
    const e = expectFormatError(() => parseText(lines.slice(0, 20).join('\n'), 'cyclictest-json'));
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(21);
    expectFormatError(() => parseText(text.replace('"cycles": 12', '"cycles": "many"')), lines.findIndex((l) => l.includes('"cycles": 12')) + 1);
    expectFormatError(() => parseText(JSON.stringify({ ...doc, thread: 5 }), 'cyclictest-json'), 1);
    expectFormatError(() => parseText(`{\n${GARBAGE}\n}`, 'cyclictest-json'), 2);
    expectFormatError(() => parseText('', 'cyclictest-json'), 1);
    expectFormatError(() => parseText(text, 'cyclictest-json', { maxJsonChars: 100 }));
  });
});
