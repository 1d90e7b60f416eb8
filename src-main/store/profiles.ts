/**
 * User cost profiles in the `profiles` table, each stored as its built-in base plus overrides
 * (ProfileDoc) and resolved against the current built-ins when read, so costs added later come
 * from the base. Saving validates (resolveProfileDoc) and refuses built-in names such as HSW-2016.
 * A calibrated profile keeps its provenance in the same document (`provenance`), validated when
 * saved, whoever saves it, in the form it is stored (storableProvenance), and again when read (a
 * damaged one reads as absent, with a note; the profile still works).
 * Must not import electron, src-main/engine, runner or api.
 */
import type { Statement } from 'better-sqlite3';
import { readProvenance, type CalibrationProvenance } from '../../src-shared/calibration.js';
import { ConfigError } from '../../src-shared/config.js';
import type { ProfileInfo } from '../../src-shared/contract.js';
import type { Profile } from '../../src-shared/profile.js';
import { profileNameTaken, resolveProfileDoc, toProfileDoc, type ProfileDoc } from '../../src-shared/profile-doc.js';
import { BUILTIN_PROFILES } from '../../src-shared/profiles/index.js';
import type { Db } from './db.js';
import { ConflictError } from './errors.js';

/**
 * The provenance as it will be stored and read back: its JSON text checked by the reader's own
 * rule (a NaN becomes null in JSON and is refused here, not when the profile is next read).
 * Throws a ConfigError naming the field.
 */
function storableProvenance(raw: unknown): CalibrationProvenance {
  let text: string | undefined;
  try {
    text = JSON.stringify(raw) as string | undefined;
  } catch (err) {
    throw new ConfigError('provenance', `cannot be stored as JSON (${(err as Error).message})`);
  }
  return readProvenance(text === undefined ? undefined : JSON.parse(text));
}

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

  /**
   * Validates and stores; returns the validated profile. The provenance is `provenance`, else the
   * one the document carries (a profile file written out and added back); either is validated
   * (storableProvenance) before anything is written. A user profile of the same name (in any case)
   * is refused unless `replace` says to overwrite it: a profile saved over a calibrated one would
   * otherwise drop its calibration unasked.
   */
  save(raw: unknown, provenance?: CalibrationProvenance, replace = false): Profile {
    const profile = resolveProfileDoc(raw, this.bases);
    const lower = profile.name.toLowerCase();
    if (this.bases.some((b) => b.name.toLowerCase() === lower)) {
      throw new ConflictError(`"${profile.name}" is a built-in profile and cannot be overwritten; save it under another name`);
    }
    const clash = replace ? null : this.nameClash(profile.name);
    if (clash) throw new ConflictError(clash);
    const carried = (raw as { provenance?: unknown } | null)?.provenance;
    const given = provenance ?? carried;
    const kept = given === undefined ? undefined : storableProvenance(given);
    const doc: ProfileDoc = { ...toProfileDoc(profile, this.bases), ...(kept ? { provenance: kept } : {}) };
    this.upsertStmt.run({ name: profile.name, json: JSON.stringify(doc), now: this.now().toISOString() });
    return profile;
  }

  /** Why a new profile cannot take `name`: a user profile has it (in any case); null when free. */
  nameClash(name: string): string | null {
    const row = this.getStmt.get(name);
    if (!row) return null;
    const doc = JSON.parse(row.json) as { name: string; provenance?: unknown };
    return `${profileNameTaken(doc.name, doc.provenance !== undefined)}; save under another name, or replace it`;
  }

  /** The stored profile's calibration provenance: null when it has none, with a note when it is damaged. */
  provenance(name: string): { provenance: CalibrationProvenance | null; note: string | null } | null {
    const row = this.getStmt.get(name);
    if (!row) return null;
    const doc = JSON.parse(row.json) as { provenance?: unknown };
    if (doc.provenance === undefined) return { provenance: null, note: null };
    try {
      return { provenance: readProvenance(doc.provenance), note: null };
    } catch (err) {
      return { provenance: null, note: `the stored calibration details are damaged and were ignored (${(err as Error).message})` };
    }
  }
}
