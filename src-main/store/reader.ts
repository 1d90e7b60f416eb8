/**
 * Reading a database that cannot be written: whether the file or its folder refuses writes, and
 * a read-only connection even where SQLite cannot create its -shm file next to a WAL database
 * (a read-only folder): then a copy in the temporary folder is read instead and removed at
 * close. May import better-sqlite3 and node:fs/path/os only; must not import electron,
 * src-main/engine, runner or api.
 */
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from './db.js';
import { sqliteCode } from './sqlite-failures.js';

export function isWritable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `file` (an existing database) cannot be opened for writing, or null when it can. */
export function writeBlocker(file: string): string | null {
  if (!isWritable(file)) return 'the file is read-only';
  const dir = path.dirname(path.resolve(file));
  if (!isWritable(dir)) return `its folder ${dir} is read-only (SQLite keeps its -wal and -shm files next to the database)`;
  return null;
}

export interface Reader {
  db: Db;
  /** The temporary copy being read instead of the file itself, if one was needed. */
  copy: string | null;
  close(): void;
}

/** A read-only connection to `file`, on a temporary copy when the folder prevents reading it in place. */
export function openReader(file: string, nativeBinding?: string): Reader {
  const opts = { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) };
  let db: Db | undefined;
  try {
    db = openDatabase(file, opts);
    db.pragma('user_version'); // a WAL database in a read-only folder fails here
    const direct = db;
    return { db: direct, copy: null, close: () => direct.close() };
  } catch (err) {
    db?.close();
    const code = sqliteCode(err) ?? '';
    if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) throw err;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-readonly-'));
  const copy = path.join(dir, path.basename(file));
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`); // committed data not yet checkpointed
    const copied = openDatabase(copy, opts);
    return {
      db: copied,
      copy,
      close: () => {
        copied.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
