/**
 * The one way the app opens its database. First, without writing anything: refuse a file whose
 * schema is newer than this build, and run PRAGMA quick_check. A damaged file, or one that
 * cannot be written (read-only file, folder or mount), is opened read-only — list, show, compare
 * and export work, every write is refused with the reason — and `notice` says so once. Otherwise
 * open with the standard pragmas, migrate, build the RunStore and mark runs left queued/running
 * by a previous process as interrupted. SQLite failures become StoreErrors naming the file.
 * Must not import electron, src-main/engine, runner or api.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from './db.js';
import { StoreError } from './errors.js';
import { quickCheck } from './integrity.js';
import { findMigrationsDir, loadMigrations, migrate, newerSchemaError, userVersion, type MigrateResult } from './migrate.js';
import { isWritable, openReader, writeBlocker, type Reader } from './reader.js';
import { RunStore, type RunStoreOptions } from './runs.js';
import { describeSqliteFailure, guarded, isReadOnlyFailure, sqliteCode } from './sqlite-failures.js';

export interface OpenStoreOptions extends RunStoreOptions {
  nativeBinding?: string;
  /** Folder holding NNNN_name.sql (packaged apps); default: found from this module's location. */
  migrationsDir?: string;
}

export interface OpenedStore {
  db: Db;
  store: RunStore;
  migration: MigrateResult;
  /** Runs marked interrupted at this open. */
  interrupted: number;
  /** Why the database was opened read-only, or null when it is writable. */
  readOnly: string | null;
  /** What PRAGMA quick_check found at open (empty: nothing). */
  damage: string[];
  /** One sentence for the user when the database is not fully usable (read-only, damaged), else null. */
  notice: string | null;
  close(): void;
}

interface Inspection {
  version: number;
  damage: string[];
}

/** Reads user_version without any write (no WAL switch, no migration); 0 for a missing/empty file. */
export function peekSchemaVersion(file: string, nativeBinding?: string): number {
  if (isNew(file)) return 0;
  const reader = openReaderNamed(file, nativeBinding);
  try {
    return guarded(file, () => userVersion(reader.db));
  } finally {
    reader.close();
  }
}

function isNew(file: string): boolean {
  return file === ':memory:' || !existsSync(file) || statSync(file).size === 0;
}

function openReaderNamed(file: string, nativeBinding?: string): Reader {
  try {
    return openReader(file, nativeBinding);
  } catch (err) {
    const reason = sqliteCode(err) === 'SQLITE_NOTADB' ? 'it is not an SQLite database' : (err as Error).message;
    throw new StoreError(`cannot read ${file} as a Timer Lab database: ${reason}`, { cause: err });
  }
}

export function openStore(file: string, opts: OpenStoreOptions = {}): OpenedStore {
  const migrationsDir = opts.migrationsDir ?? findMigrationsDir();
  const known = loadMigrations(migrationsDir).length;
  if (!isNew(file)) {
    const reader = openReaderNamed(file, opts.nativeBinding);
    let keep = false;
    try {
      const found = inspectNamed(file, reader);
      if (found.version > known) throw newerSchemaError(found.version, known);
      const blocker = found.damage.length > 0 ? 'it is damaged' : (writeBlocker(file) ?? (reader.copy ? 'its folder is read-only' : null));
      if (blocker !== null) {
        keep = true;
        return readOnlyStore(file, reader, blocker, found, known, opts);
      }
    } finally {
      if (!keep) reader.close();
    }
  }
  try {
    return writableStore(file, migrationsDir, opts);
  } catch (err) {
    // The file looked writable but SQLite disagrees (e.g. -shm owned by someone else): read it instead.
    if (!isReadOnlyFailure((err as { cause?: unknown }).cause ?? err) || isNew(file)) throw err;
    const reader = openReaderNamed(file, opts.nativeBinding);
    try {
      return readOnlyStore(file, reader, `SQLite cannot write it (${(err as Error).message})`, inspectNamed(file, reader), known, opts);
    } catch (again) {
      reader.close();
      throw again;
    }
  }
}

/** Reads user_version and runs quick_check on a read-only connection: nothing is written. */
function inspectNamed(file: string, reader: Reader): Inspection {
  try {
    return guarded(file, () => ({ version: userVersion(reader.db), damage: quickCheck(reader.db) }));
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (sqliteCode(cause) === 'SQLITE_NOTADB') {
      throw new StoreError(`cannot read ${file} as a Timer Lab database: it is not an SQLite database`, { cause });
    }
    throw err;
  }
}

function writableStore(file: string, migrationsDir: string, opts: OpenStoreOptions): OpenedStore {
  const folder = path.dirname(path.resolve(file));
  if (file !== ':memory:' && !existsSync(file) && existsSync(folder) && !isWritable(folder)) {
    throw new StoreError(`cannot create ${file}: its folder ${folder} is read-only`);
  }
  let db: Db;
  try {
    db = openDatabase(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  } catch (err) {
    throw describeSqliteFailure(err, file);
  }
  try {
    const migration = guarded(file, () => migrate(db, { migrationsDir }));
    const store = new RunStore(db, { ...opts, file });
    const interrupted = store.markInterruptedRuns();
    return { db, store, migration, interrupted, readOnly: null, damage: [], notice: null, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

function readOnlyStore(file: string, reader: Reader, reason: string, found: Inspection, known: number, opts: OpenStoreOptions): OpenedStore {
  if (found.version < known) {
    throw new StoreError(
      `${file} has schema version ${found.version} and needs upgrading to ${known}, but ${reason}; ` +
        'open it once where it can be written, or use --db for another file',
    );
  }
  const store = new RunStore(reader.db, { ...opts, file, readOnly: `it was opened read-only because ${reason}` });
  const notice =
    found.damage.length > 0
      ? `${file} is damaged (PRAGMA quick_check: ${firstProblem(found.damage)}); ` +
        'opened read-only, nothing will be written to it. `timer-lab check` lists every problem; restore a backup or use --db for another file'
      : `${file} is opened read-only because ${reason}: list, show, compare and export work, nothing can be saved`;
  return {
    db: reader.db,
    store,
    migration: { from: found.version, to: found.version, applied: [] },
    interrupted: 0,
    readOnly: reason,
    damage: found.damage,
    notice,
    close: () => reader.close(),
  };
}

/** Problem text longer than this is cut in a notice; `timer-lab check` prints it whole. */
const NOTICE_PROBLEM_CHARS = 200;

/** The first problem of a check, on one line, and how many more there are: a notice stays one line. */
function firstProblem(found: readonly string[]): string {
  const lines = found.flatMap((p) => p.split('\n')).filter((l) => l.trim() !== '');
  const first = lines[0] ?? 'unknown damage';
  const cut = first.length > NOTICE_PROBLEM_CHARS ? `${first.slice(0, NOTICE_PROBLEM_CHARS - 1)}…` : first;
  return lines.length > 1 ? `${cut} and ${lines.length - 1} more` : cut;
}
