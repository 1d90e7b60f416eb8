/**
 * User cost profiles in the `profiles` table, each stored as its built-in base plus overrides
 * (ProfileDoc) and resolved against the current built-ins when read, so costs added later come
 * from the base. Saving validates (resolveProfileDoc) and refuses built-in names such as HSW-2016.
 * Must not import electron, src-main/engine, runner or api.
 */
import type { Statement } from 'better-sqlite3';
import type { ProfileInfo } from '../../src-shared/contract.js';
import type { Profile } from '../../src-shared/profile.js';
import { resolveProfileDoc, toProfileDoc, type ProfileDoc } from '../../src-shared/profile-doc.js';
import { BUILTIN_PROFILES } from '../../src-shared/profiles/index.js';
import type { Db } from './db.js';
import { ConflictError } from './errors.js';


export class UserProfiles {
  private readonly listStmt: Statement<[], { json: string }>;
  private readonly getStmt: Statement<[string], { json: string }>;
  private readonly upsertStmt: Statement<{ name: string; json: string; now: string }>;

  constructor(
    db: Db,
    private readonly now: () => Date,
    private readonly bases: readonly Profile[] = BUILTIN_PROFILES,
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
      const p = JSON.parse(r.json) as ProfileDoc;
      return { name: p.name, description: p.description, builtIn: false };
    });
  }

  /** The stored profile, or null when there is none by that name (case-insensitive). */
  get(name: string): Profile | null {
    const row = this.getStmt.get(name);
    return row ? resolveProfileDoc(JSON.parse(row.json), this.bases) : null;
  }

  /** Validates and stores (insert or overwrite); returns the validated profile. */
  save(raw: unknown): Profile {
    const profile = resolveProfileDoc(raw, this.bases);
    const lower = profile.name.toLowerCase();
    if (this.bases.some((b) => b.name.toLowerCase() === lower)) {
      throw new ConflictError(`"${profile.name}" is a built-in profile and cannot be overwritten; save it under another name`);
    }
    this.upsertStmt.run({ name: profile.name, json: JSON.stringify(toProfileDoc(profile, this.bases)), now: this.now().toISOString() });
    return profile;
  }
}
