// One range of TSC frequencies (and of the preemption timer's X) wherever a profile, a setting, an
// import or the guest TSC setting takes one: the limits are accepted and one past them refused,
// naming the field. (The CLI's --tsc-khz is checked through the real CLI in flag-limits.test.ts.)
import { describe, expect, it } from 'vitest';
import { applySetting, defaultRunParams } from '../../../src-shared/config.js';
import { CALLS } from '../../../src-shared/contract.js';
import { resolveProfileDoc } from '../../../src-shared/profile-doc.js';
import { MAX_PREEMPTION_X, MAX_TSC_KHZ, MIN_TSC_KHZ } from '../../../src-shared/profile.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { RUN_PARAMS } from '../../../src-shared/workloads.js';

describe('the TSC frequency range', () => {
  it('is the same for the tsc_khz setting, a profile document, an import and the guest TSC setting', () => {
    const params = defaultRunParams();
    const setting = (khz: number) => applySetting(params, DEFAULT_PROFILE, 'tsc_khz', String(khz)).profile.tsc_khz;
    const doc = (khz: number) => resolveProfileDoc({ name: 'mine', base: DEFAULT_PROFILE.name, tsc_khz: khz }).tsc_khz;
    const imported = (khz: number) => CALLS.import.safeParse({ fileName: 'f', content: '', tscKhz: khz }).success;
    const guest = RUN_PARAMS.find((p) => p.name === 'guestTscKhz')!;
    const flag = (khz: number) => applySetting(params, DEFAULT_PROFILE, 'guestTscKhz', String(khz)).params.guestTscKhz;
    expect([guest.min, guest.max]).toEqual([MIN_TSC_KHZ, MAX_TSC_KHZ]);
    for (const khz of [MIN_TSC_KHZ, MAX_TSC_KHZ]) {
      expect([setting(khz), doc(khz), imported(khz), flag(khz)]).toEqual([khz, khz, true, khz]);
    }
    for (const khz of [MIN_TSC_KHZ - 1, MAX_TSC_KHZ + 1]) {
      expect(() => setting(khz)).toThrow(/^tsc_khz: /);
      expect(() => doc(khz)).toThrow(/^profile\.tsc_khz: /);
      expect(imported(khz)).toBe(false);
      expect(() => flag(khz)).toThrow(/^guestTscKhz: /);
    }
  });

  it('X is 0 to MAX_PREEMPTION_X in a setting and in a profile document', () => {
    const params = defaultRunParams();
    expect(applySetting(params, DEFAULT_PROFILE, 'X', String(MAX_PREEMPTION_X)).profile.X).toBe(MAX_PREEMPTION_X);
    expect(resolveProfileDoc({ name: 'mine', base: DEFAULT_PROFILE.name, X: MAX_PREEMPTION_X }).X).toBe(MAX_PREEMPTION_X);
    expect(() => applySetting(params, DEFAULT_PROFILE, 'X', String(MAX_PREEMPTION_X + 1))).toThrow(/^X: /);
    expect(() => resolveProfileDoc({ name: 'mine', base: DEFAULT_PROFILE.name, X: MAX_PREEMPTION_X + 1 })).toThrow(/^profile\.X: /);
  });
});
