// The guest side of a calibration: a tscdeadline_latency log gives exact guest cycles; a
// cyclictest histogram gives ns at 1 µs steps, thinned in proportion when it holds more samples
// than the fit keeps; files without a distribution or of another kind are refused by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CalibrationInputError, guestSideOf } from '../../../src-main/calibrate/index.js';
import { MAX_GUEST_VALUES } from '../../../src-main/calibrate/guest-side.js';
import { parseText } from '../../../src-main/formats/index.js';
import { samplePath } from '../../samples.js';

describe('guest-side files', () => {
  it('reads a tscdeadline_latency log as exact cycles', () => {
    const g = guestSideOf(parseText('tsc deadline timer enabled\nlatency: 3100\nlatency: 3200\nlatency: 3300\nSUMMARY: 1 tests\n'), 'g.log');
    expect(g).toMatchObject({ workload: 'tscdeadline', resolutionNs: null, samples: 3 });
    expect([...g.cycles!]).toEqual([3100, 3200, 3300]);
  });

  it('reads a cyclictest histogram in ns, thinned in proportion', () => {
    const g = guestSideOf(parseText(readFileSync(samplePath('cyclictest-histogram-4threads-h400.txt'), 'utf8')), 'hist.txt');
    expect(g.workload).toBe('cyclictest');
    expect(g.resolutionNs).toBe(1000);
    expect(g.samples).toBeLessThanOrEqual(MAX_GUEST_VALUES);
    expect(g.samples).toBeGreaterThan(MAX_GUEST_VALUES * 0.99);
    expect(g.ns!.every((v) => v % 1000 === 0)).toBe(true);
  });

  it('refuses a file without a distribution and a file of another kind', () => {
    const status = parseText('T: 0 ( 1234) P:99 I:1000 C:  10000 Min:      2 Act:    3 Avg:    4 Max:      20\n');
    expect(() => guestSideOf(status, 'status.txt')).toThrow(CalibrationInputError);
    expect(() => guestSideOf(status, 'status.txt')).toThrow(/^status\.txt: the file gives no latency distribution/);
    const vmexit = parseText('tscdeadline 5600\ntscdeadline_immed 3700\n');
    expect(() => guestSideOf(vmexit, 'vm.log')).toThrow(/^vm\.log: a vmexit file is no guest-side latency log/);
  });
});
