// User profiles as base + overrides: a profile saved before version 5 migrates to that form and
// reads back unchanged; a cost added to the built-in profiles later is filled from the base, both
// in a saved profile and in the config of a stored run, which still reproduces.
import { describe, expect, it } from 'vitest';
import { COST_NAMES, type Profile } from '../../../src-shared/profile.js';
import { resolveProfileDoc, toProfileDoc } from '../../../src-shared/profile-doc.js';
import { BUILTIN_PROFILES, DEFAULT_PROFILE } from '../../../src-shared/profiles/index.js';
import { ConfigError } from '../../../src-shared/config.js';
import { openDatabase } from '../../../src-main/store/db.js';
import { migrate } from '../../../src-main/store/migrate.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { syntheticRunConfig } from '../../../src-main/store/bench-save.js';
import { MIGRATIONS_DIR, tempDbPath, track } from './helpers.js';

/** A profile saved whole, the way versions before 5 stored it. */
function oldStyleProfile(): Profile {
  const p = structuredClone(DEFAULT_PROFILE);
  p.name = 'my-haswell';
  p.description = 'slower exits';
  p.costs.vmexit_hw!.cycles = 500;
  return p;
}

/** The built-in profiles of a later version that added one cost. */
function withAddedCost(): Profile[] {
  return BUILTIN_PROFILES.map((b) => ({
    ...b,
    costs: { ...b.costs, added_later: { cycles: 123, jitter: 0.01, meaning: 'a cost added later', basis: 'test' } },
  }));
}

/** A version-4 database holding one old-style profile and one finished run. */
function version4Database(): string {
  const file = tempDbPath();
  const db = openDatabase(file);
  migrate(db, { migrationsDir: MIGRATIONS_DIR, target: 4 });
  const now = '2025-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO profiles (name, json, created_at, updated_at) VALUES (?, ?, ?, ?)').run('my-haswell', JSON.stringify(oldStyleProfile()), now, now);
  db.prepare(
    "INSERT INTO runs (id, kind, name, workload, strategy, profile_name, samples, seed, status, created_at, config_json) " +
      "VALUES (1, 'simulated', 'old run', 'tscdeadline-halt', 'vmx-preemption', 'HSW-2016', 10, 1, 'done', ?, ?)",
  ).run(now, JSON.stringify({ ...syntheticRunConfig(10), profile: DEFAULT_PROFILE }));
  db.close();
  return file;
}

describe('profiles as base + overrides', () => {
  it('resolves a document and diffs a profile back to the same document', () => {
    const p = oldStyleProfile();
    const doc = toProfileDoc(p);
    expect(doc).toEqual({ name: 'my-haswell', description: 'slower exits', base: 'HSW-2016', overrides: { costs: { vmexit_hw: { cycles: 500 } } } });
    expect(resolveProfileDoc(doc)).toEqual({ ...p, base: 'HSW-2016' });
    expect(Object.keys(resolveProfileDoc(doc).costs).sort()).toEqual([...COST_NAMES].sort());
  });

  it('names the field of a bad document', () => {
    const bad = (doc: unknown, field: string) => {
      try {
        resolveProfileDoc(doc);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).field).toBe(field);
        return;
      }
      throw new Error(`accepted ${JSON.stringify(doc)}`);
    };
    bad({ name: 'x', base: 'NOPE' }, 'profile.base');
    bad({ name: 'x', overrides: { costs: { not_a_cost: { cycles: 1 } } } }, 'profile.costs.not_a_cost');
    bad({ name: 'x', base: 'HSW-2016', overrides: { costs: { vmexit_hw: { cycles: -1 } } } }, 'profile.costs.vmexit_hw.cycles');
    bad({ name: 'x', overrides: { costs: { vmexit_hw: { cyles: 1 } } } }, 'profile.costs.vmexit_hw.cyles');
    bad({ name: '', overrides: {} }, 'profile.name');
  });

  it('migrates a profile saved whole to base + overrides and reads it back unchanged', () => {
    const { store } = track(openStore(version4Database(), { migrationsDir: MIGRATIONS_DIR }));
    const row = store.db.prepare<[], { json: string }>("SELECT json FROM profiles WHERE name = 'my-haswell'").get();
    const doc = JSON.parse(row!.json) as { base: string; overrides: { costs: Record<string, unknown> } };
    expect(doc.base).toBe('HSW-2016');
    expect(Object.keys(doc.overrides.costs)).toHaveLength(COST_NAMES.length);
    expect(store.getUserProfile('my-haswell')).toEqual({ ...oldStyleProfile(), base: 'HSW-2016' });
  });

  it('fills a cost added later from the base, in an old profile and in an old run', () => {
    const bases = withAddedCost();
    const { store } = track(openStore(version4Database(), { migrationsDir: MIGRATIONS_DIR, baseProfiles: bases }));
    const profile = store.getUserProfile('my-haswell')!;
    expect(profile.costs.added_later).toEqual({ cycles: 123, jitter: 0.01, meaning: 'a cost added later', basis: 'test' });
    expect(profile.costs.vmexit_hw!.cycles).toBe(500);
    const run = store.get(1);
    expect(run.config?.profile.costs.added_later?.cycles).toBe(123);
    expect(run.config?.profile.costs.vmexit_hw).toEqual(DEFAULT_PROFILE.costs.vmexit_hw);
    // a new profile saved from it stores only what differs from the base
    store.saveUserProfile({ ...profile, name: 'copy' });
    const copy = store.db.prepare<[], { json: string }>("SELECT json FROM profiles WHERE name = 'copy'").get();
    expect(JSON.parse(copy!.json).overrides).toEqual({ costs: { vmexit_hw: { cycles: 500 } } });
  });
});
