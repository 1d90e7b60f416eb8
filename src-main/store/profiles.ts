/**
 * User cost profiles in the `profiles` table: list, get, save (validated with validateProfile;
 * built-in names such as HSW-2016 are refused). Built-in profiles live in the engine and are not
 * stored. Must not import electron, src-main/engine, runner or api.
 */
import type { Statement } from 'better-sqlite3';
import { validateProfile } from '../../src-shared/config.js';
import type { ProfileInfo } from '../../src-shared/contract.js';
import type { Profile } from '../../src-shared/profile.js';
import type { Db } from './db.js';
import { ConflictError } from './errors.js';

export const BUILT_IN_PROFILE_NAMES: readonly string[] = ['HSW-2016'];

export class UserProfiles {
  private readonly listStmt: Statement<[], { json: string }>;
  private readonly getStmt: Statement<[string], { json: string }>;
  private readonly upsertStmt: Statement<{ name: string; json: string; now: string }>;

  constructor(
    db: Db,
    private readonly now: () => Date,
    private readonly builtIn: readonly string[] = BUILT_IN_PROFILE_NAMES,
  ) {
    this.listStmt = db.prepare('SELECT json FROM profiles ORDER BY name COLLATE NOCASE');
    this.getStmt = db.prepare('SELECT json FROM profiles WHERE name = ?');
    this.upsertStmt = db.prepare(
      'INSERT INTO profiles (name, json, created_at, updated_at) VALUES (@name, @json, @now, @now) ' +
        'ON CONFLICT(name) DO UPDATE SET name = excluded.name, json = excluded.json, updated_at = excluded.updated_at',
    );
  }

  list(): ProfileInfo[] {
    return this.listStmt.all().map((r) => {
      const p = JSON.parse(r.json) as Profile;
      return { name: p.name, description: p.description, builtIn: false };
    });
  }

  /** The stored profile, or null when there is none by that name (case-insensitive). */
  get(name: string): Profile | null {
    const row = this.getStmt.get(name);
    return row ? (JSON.parse(row.json) as Profile) : null;
  }

  /** Validates and stores (insert or overwrite); returns the validated profile. */
  save(raw: unknown): Profile {
    const profile = validateProfile(raw);
    const lower = profile.name.toLowerCase();
    if (this.builtIn.some((b) => b.toLowerCase() === lower)) {
      throw new ConflictError(`"${profile.name}" is a built-in profile and cannot be overwritten; save it under another name`);
    }
    this.upsertStmt.run({ name: profile.name, json: JSON.stringify(profile), now: this.now().toISOString() });
    return profile;
  }
}
