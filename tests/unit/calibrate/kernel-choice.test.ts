// Without --kernel, a calibration simulates the base profile's own kernel when the trace allows
// it, else the newest release the trace's event placement allows (or the newest read one when
// the range is open-ended).
import { describe, expect, it } from 'vitest';
import { kernelFromTrace } from '../../../src-main/calibrate/kernel.js';
import { NEWEST_READ_KERNEL } from '../../../src-shared/kernels.js';
import { builtinProfile } from '../../../src-shared/profiles/index.js';

const hsw = builtinProfile('HSW-2016')!;
const skx = builtinProfile('SKX')!;
const range = (min: string | null, max: string | null) => ({ releases: `${min ?? '…'}–${max ?? '…'}`, min, max, basis: ['M3'] });

describe('the kernel a calibration simulates without --kernel', () => {
  it("keeps the base's own kernel inside the range, and when the trace says nothing", () => {
    expect(kernelFromTrace(range('4.9', '4.12'), hsw)).toBeNull();
    expect(kernelFromTrace(range('5.4', null), skx)).toBeNull(); // SKX models 5.15
    expect(kernelFromTrace(null, hsw)).toBeNull();
  });

  it('takes the newest allowed release outside it, and says so', () => {
    const k = kernelFromTrace(range('5.19', '6.10'), hsw)!;
    expect(k.set).toEqual({ kernel: '6.10' });
    expect(k.given?.note).toContain('HSW-2016');
    expect(kernelFromTrace(range('6.12', null), skx)!.set).toEqual({ kernel: NEWEST_READ_KERNEL });
  });
});

describe('--kernel against the trace', () => {
  it('is checked by the run parameter rule and placed against the detected range', async () => {
    const { parseKernelRelease, releaseInRange } = await import('../../../src-main/calibrate/kernel.js');
    expect(parseKernelRelease(' 6.1.20 ')).toBe('6.1.20');
    expect(() => parseKernelRelease('4.4')).toThrow(/^kernel: the lab models releases from 4\.9/);
    expect(() => parseKernelRelease('six')).toThrow(/^kernel: expected a Linux release/);
    expect(releaseInRange('4.12', range('5.19', '6.10'))).toBe(false);
    expect(releaseInRange('6.1', range('5.19', '6.10'))).toBe(true);
    expect(releaseInRange('6.12', range('5.19', null))).toBe(true);
  });
});
