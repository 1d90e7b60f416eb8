/**
 * The one way the app opens its database: refuse a file whose schema is newer than this build
 * (checked read-only, so the file is never touched), open with the standard pragmas, migrate,
 * build the RunStore and mark runs left queued/running by a previous process as interrupted.
 * Must not import electron, src-main/engine, runner or api.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from './db.js';
import { StoreError } from './errors.js';
import { findMigrationsDir, loadMigrations, migrate, newerSchemaError, type MigrateResult } from './migrate.js';
import { RunStore, type RunStoreOptions } from './runs.js';

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
  close(): void;
}

/** Reads user_version without any write (no WAL switch, no migration); 0 for a missing/empty file. */
export function peekSchemaVersion(file: string, nativeBinding?: string): number {
  if (file === ':memory:' || !existsSync(file) || statSync(file).size === 0) return 0;
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    return db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    throw new StoreError(`cannot read ${file} as a Timer Lab database: ${(err as Error).message}`, { cause: err });
  } finally {
    db?.close();
  }
}

export function openStore(file: string, opts: OpenStoreOptions = {}): OpenedStore {
  const migrationsDir = opts.migrationsDir ?? findMigrationsDir();
  const known = loadMigrations(migrationsDir).length;
  const found = peekSchemaVersion(file, opts.nativeBinding);
  if (found > known) throw newerSchemaError(found, known);
  const db = openDatabase(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    const migration = migrate(db, { migrationsDir });
    const store = new RunStore(db, opts);
    const interrupted = store.markInterruptedRuns();
    return { db, store, migration, interrupted, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}
