import { describe, expect, it } from 'vitest';
import { parseText } from '../../../src-main/formats/index.js';
import { expectFormatError, GARBAGE, readFixture, threadSeries as threads } from './helpers.js';

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
    expect(threads(r).map((t) => [t.source.thread, t.summary.count, t.summary.min, t.summary.mean, t.summary.max])).toEqual([
      [0, 576934, 1000, 5000, 1650000],
      [1, 384622, 2000, 4000, 27000],
    ]);
    expect(r.series[0]?.source.scope).toBe('merged');
    expect(r.summary).toEqual({ count: 961556, min: 1000, max: 1650000, mean: (576934 * 5000 + 384622 * 4000) / 961556 });
    expect(r.measure).toBe('wakeup-latency');
    // the threads' intervals differ: each thread's series has its own, the file's context none
    expect(r.context.intervalUs).toBeNull();
    expect(r.series.map((s) => s.intervalUs)).toEqual([null, 1000, 1500]);
    expect(r.sources.map((row) => row.source.tid)).toEqual([3524, 3525]);
    expect(r.meta.cpuDmaLatencyUs).toBe('0');
    expect(r.meta.sourceUnit).toBe('us');
  });

  it('keeps the last redraw of the ANSI in-place form', () => {
    const redrawn = `${STATUS}\n\x1b[4A${STATUS.split('\n').slice(1).join('\n').replace('C: 576934', 'C: 577934').replace('Max:    1650', 'Max:    1700')}`;
    const r = parseText(redrawn);
    expect(r.format).toBe('cyclictest');
    expect(threads(r)[0]?.summary.count).toBe(577934);
    expect(threads(r)[0]?.summary.max).toBe(1700000);
    expect(r.meta.redraws).toBe('1');
  });

  it('detects -N from the %8ld Act/Avg width, or takes a unit hint', () => {
    const ns = 'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:    1234 Act:    4321 Avg:    5000 Max:  1650000';
    const r = parseText(ns);
    expect(r.meta.sourceUnit).toBe('ns');
    expect(r.series[0]?.summary.min).toBe(1234);
    expect(r.series[0]?.source.scope).toBe('file'); // one thread: one run, no merged copy
    const hinted = parseText(STATUS, 'cyclictest', { unitHint: 'ns' });
    expect(threads(hinted)[0]?.summary.max).toBe(1650);
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
    // the merged run holds every sample, thread by thread
    expect([...(r.samples ?? [])]).toEqual([5000, 4000, 6000, 7000, 12000]);
    expect(r.summary).toEqual({ count: 5, min: 4000, max: 12000, mean: 6800 });
    expect(threads(r).map((t) => [t.source.thread, t.summary.count, t.summary.min, t.summary.max])).toEqual([
      [0, 3, 4000, 6000],
      [1, 2, 7000, 12000],
    ]);
    expect([...(threads(r)[1]?.samples ?? [])]).toEqual([7000, 12000]);
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
    expect(r.sysinfo?.release).toBe('6.6.0-rt');
    expect(r.context).toMatchObject({ kernel: '6.6.0-rt', machine: 'x86_64', realtime: true, resolutionNs: 1 });
    expect(r.meta.sourceUnit).toBe('ns');
    expect(r.histogram).toEqual({ values: [3, 4, 5], counts: [10, 5, 2] });
    expect(threads(r).map((t) => [t.summary.count, t.summary.min, t.summary.max])).toEqual([
      [12, 3, 5],
      [7, 4, 250],
    ]);
    // 7 cycles, 5 in the histogram: 2 overflows, above -h100's last bucket (99 ns)
    expect(r.overflow).toEqual({ count: 2, limit: 99 });
    expect(threads(r)[1]?.overflow).toEqual({ count: 2, limit: 99 });
    expect(threads(r)[1]?.summary.mean).toBeCloseTo(38.57);
    expect(threads(r).map((t) => t.source.cpu)).toEqual([0, 1]);
  });
  it('a min/max that disagrees with a histogram holding every cycle is warned about; the buckets are used', () => {
    const edited = structuredClone(doc);
    edited.thread['0'] = { ...edited.thread['0'], min: 1, max: 9_999_999 };
    const r = parseText(JSON.stringify(edited));
    expect(threads(r)[0]?.summary).toMatchObject({ count: 12, min: 3, max: 5 });
    expect(r.warnings).toContain('thread 0: max 9999999 is not the highest non-empty bucket 5: the bucket is used');
    expect(r.warnings).toContain('thread 0: min 1 is not the lowest non-empty bucket 3: the bucket is used');
    // with overflows the largest cycles are not in the buckets: the file's max stands
    expect(threads(r)[1]?.summary.max).toBe(250);
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

describe('cyclictest -v with its header lines (fixture)', () => {
  const text = readFixture('cyclictest-verbose-headers.txt');
  it('is detected past "Max CPUs", "Online CPUs" and "Thread N Interval" lines', () => {
    const r = parseText(text);
    expect(r.format).toBe('cyclictest-verbose');
    // the threads' intervals differ: each thread has its own, the file's context none
    expect(r.context).toMatchObject({ hostCpus: 8, intervalUs: null, threads: 2, resolutionNs: 1000 });
    expect(threads(r).map((t) => [t.source.label, t.intervalUs])).toEqual([['thread 0 (I:1000)', 1000], ['thread 1 (I:1500)', 1500]]);
    expect(r.warnings.join('\n')).toMatch(/different intervals \(1000, 1500 µs\)/);
  });
  it('each thread is its own run: thread 1 is ~15 % slower than thread 0', () => {
    const r = parseText(text);
    const [t0, t1] = threads(r);
    // by hand from the file: thread 0 6,5,7,6,8,5,6,7,6,5,9,6 µs; thread 1 7,8,7,6,9,7,8,7,8,7,10,4 µs
    expect(t0?.summary).toEqual({ count: 12, min: 5000, max: 9000, mean: 76000 / 12 });
    expect(t1?.summary).toEqual({ count: 12, min: 4000, max: 10000, mean: 88000 / 12 });
    expect((t1?.summary.mean ?? 0) / (t0?.summary.mean ?? 1)).toBeCloseTo(1.158, 3);
    expect(r.summary.count).toBe(24);
  });
  it('a header line with a bad number names its line', () => {
    const e = expectFormatError(() => parseText(text.replace('Online CPUs = 8', 'Online CPUs = 0'), 'cyclictest-verbose'), 3);
    expect(e.expected).toContain('Online CPUs');
  });
});

describe('cyclictest --json with overflows and sysinfo (fixture)', () => {
  const r = parseText(readFixture('cyclictest-overflow.json'));
  it('keeps the system information and the command line\'s interval', () => {
    expect(r.sysinfo).toMatchObject({ sysname: 'Linux', release: '6.6.30-rt30', machine: 'x86_64', realtime: '1' });
    expect(r.context).toMatchObject({ kernel: '6.6.30-rt30', machine: 'x86_64', realtime: true, intervalUs: 500 });
  });
  it('overflows count in the total; the maximum is the file\'s; the limit is -h20\'s last bucket', () => {
    const [t0, t1] = threads(r);
    // thread 0: 572 in the histogram, cycles 575 → 3 overflows, max 3030 µs
    expect(t0?.summary).toMatchObject({ count: 575, max: 3_030_000, min: 4000 });
    expect(t0?.overflow).toEqual({ count: 3, limit: 19_000 });
    expect(t0?.summary.mean).toBeCloseTo(15_620);
    expect(t1?.overflow).toBeNull();
    expect(r.summary.count).toBe(575 + 567);
    expect(r.summary.max).toBe(3_030_000);
    expect(r.overflow).toEqual({ count: 3, limit: 19_000 });
  });
});
