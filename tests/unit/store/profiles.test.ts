// User profiles: validated save, overwrite only when asked, case-insensitive lookup, built-in name
// refused, and a calibration's provenance checked by the store itself however it is given, the
// field named.
import { describe, expect, it } from 'vitest';
import type { CalibrationProvenance } from '../../../src-shared/calibration.js';
import { ConfigError } from '../../../src-shared/config.js';
import { syntheticProfile } from '../../../src-main/store/bench-save.js';
import { ConflictError } from '../../../src-main/store/errors.js';
import { freshStore } from './helpers.js';

describe('user profiles', () => {
  it('saves, lists, gets, and overwrites when told to', () => {
    const { store } = freshStore();
    expect(store.listUserProfiles()).toEqual([]);
    const p = { ...syntheticProfile('my-skylake'), description: 'first' };
    // a profile saved whole derives from the default built-in, which it names on the way back
    const saved = { ...p, base: 'HSW-2016' };
    expect(store.saveUserProfile(p)).toEqual(p);
    expect(store.getUserProfile('my-skylake')).toEqual(saved);
    expect(store.getUserProfile('MY-SKYLAKE')).toEqual(saved);
    expect(store.getUserProfile('nope')).toBeNull();
    store.saveUserProfile({ ...p, description: 'second', X: 7 }, true);
    expect(store.getUserProfile('my-skylake')?.X).toBe(7);
    store.saveUserProfile(syntheticProfile('Another'));
    expect(store.listUserProfiles()).toEqual([
      { name: 'Another', description: 'synthetic profile for store tests', builtIn: false },
      { name: 'my-skylake', description: 'second', builtIn: false },
    ]);
  });

  it('refuses a name a saved profile has (in any case) unless told to replace it, and says when it is calibrated', () => {
    const { store } = freshStore();
    store.saveUserProfile({ ...syntheticProfile('mine'), X: 6 });
    expect(() => store.saveUserProfile({ ...syntheticProfile('mine'), X: 7 })).toThrow(ConflictError);
    expect(() => store.saveUserProfile(syntheticProfile('MINE'))).toThrow('a profile named "mine" exists already; save under another name, or replace it');
    expect(store.getUserProfile('mine')?.X).toBe(6);
    expect(store.profileNameClash('Mine')).toMatch(/^a profile named "mine"/);
    expect(store.profileNameClash('other')).toBeNull();
    store.saveUserProfile({ ...syntheticProfile('mine'), X: 8 }, true);
    expect(store.getUserProfile('mine')?.X).toBe(8);
    expect(store.listUserProfiles()).toHaveLength(1);
  });

  it('refuses invalid profiles and the built-in name', () => {
    const { store } = freshStore();
    expect(() => store.saveUserProfile({ ...syntheticProfile('x'), X: 99 })).toThrow(ConfigError);
    expect(() => store.saveUserProfile(syntheticProfile('HSW-2016'))).toThrow(ConflictError);
    expect(() => store.saveUserProfile(syntheticProfile('hsw-2016'))).toThrow(/built-in profile/);
    expect(store.listUserProfiles()).toEqual([]);
  });
});

describe('profile provenance', () => {
  const provenance = (over: Partial<CalibrationProvenance> = {}): CalibrationProvenance => ({
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    base: 'HSW-2016',
    sources: [{ fileName: 'host.report', sha256: 'ab'.repeat(32), kind: 'host-trace', format: 'trace-cmd', lines: 10, bytes: 100 }],
    detected: { strategy: 'vmx-preemption', workload: 'tscdeadline-busy' } as CalibrationProvenance['detected'],
    costs: { entry_prep: { value: 300, low: 290, high: 310, base: 280, origin: 'fitted' } as CalibrationProvenance['costs'][string] },
    draws: [{ entry_prep: [300, 4] }],
    measuredRunIds: [],
    poor: [],
    ...over,
  });
  const measuredRun = {
    name: 'host.report · thread 0',
    sourceFile: 'host.report',
    format: 'trace-cmd',
    sha256: 'ab'.repeat(32),
    unit: 'ns' as const,
    stats: { mean: 2100, min: 900, max: 31000, stddev: null, p50: null, p90: null, p99: null, p999: null },
    count: 12,
    measure: 'wakeup-latency' as const,
  };

  it('keeps a valid one, given or carried by the document', () => {
    const { store } = freshStore();
    const saved = store.saveCalibration([{ experiment: { name: 'host.report' }, runs: [measuredRun] }], syntheticProfile('calibrated'), provenance());
    expect(saved.measuredRunIds).toHaveLength(1);
    expect(store.getProfileProvenance('calibrated')).toEqual({ provenance: provenance({ measuredRunIds: saved.measuredRunIds }), note: null });
    store.saveUserProfile({ ...syntheticProfile('added back'), provenance: provenance() });
    expect(store.getProfileProvenance('added back')?.provenance).toEqual(provenance());
  });

  it('refuses one that would not read back, naming the field, and saves nothing', () => {
    const { store } = freshStore();
    // NaN is null once stored as JSON: refused when saved, not found damaged when read
    const nan = provenance({ draws: [{ entry_prep: [Number.NaN, 4] }] });
    const imports = [{ experiment: { name: 'host.report' }, runs: [measuredRun] }];
    expect(() => store.saveCalibration(imports, syntheticProfile('calibrated'), nan)).toThrow(ConfigError);
    expect(() => store.saveCalibration(imports, syntheticProfile('calibrated'), nan)).toThrow(/^provenance\.draws\.0\.entry_prep: expected \[cycles, jitter\]/);
    expect(store.getUserProfile('calibrated')).toBeNull();
    expect(store.list()).toEqual([]); // the measured runs of the same transaction are rolled back
    const badSource = provenance({ sources: [{ ...provenance().sources[0]!, sha256: 'nothex' }] });
    expect(() => store.saveUserProfile({ ...syntheticProfile('carried'), provenance: badSource })).toThrow(/^provenance\.sources\.0: /);
    const cyclic: Record<string, unknown> = { ...provenance() };
    cyclic.self = cyclic;
    expect(() => store.saveCalibration([], syntheticProfile('cyclic'), cyclic as unknown as CalibrationProvenance)).toThrow(/^provenance: cannot be stored as JSON/);
    expect(store.listUserProfiles()).toEqual([]);
  });
});
