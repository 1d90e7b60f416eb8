// User profiles: validated save, overwrite only when asked, case-insensitive lookup, built-in name refused.
import { describe, expect, it } from 'vitest';
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
