/**
 * Opens the SQLite file with the pragmas every connection needs (WAL, foreign keys, NORMAL sync,
 * busy timeout) and says where the file lives by default. Does not migrate: see migrate.ts and
 * open-store.ts. May import better-sqlite3 and node:fs/path/os only; must not import electron,
 * src-main/engine, runner or api (Electron passes its own userData path and nativeBinding).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { retryBusy } from './sqlite-failures.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for another ABI (Electron). */
  nativeBinding?: string;
  /** Open an existing file read-only: no pragmas that write, no folder creation. */
  readonly?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const readonly = opts.readonly === true;
  if (!readonly && file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, {
    readonly,
    fileMustExist: readonly,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  try {
    db.pragma('busy_timeout = 5000');
    if (!readonly) {
      // Switching a new file to WAL needs a lock another opening process may hold for a moment.
      retryBusy(() => db.pragma('journal_mode = WAL'));
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * `TIMER_LAB_DB`, else `$XDG_DATA_HOME/timer-lab/timer-lab.sqlite`, else the platform's user
 * data folder (~/.local/share, ~/Library/Application Support, %APPDATA%).
 */
export function defaultDatabasePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (env.TIMER_LAB_DB) return env.TIMER_LAB_DB;
  let base: string;
  if (env.XDG_DATA_HOME) base = env.XDG_DATA_HOME;
  else if (platform === 'darwin') base = p.join(home, 'Library', 'Application Support');
  else if (platform === 'win32') base = env.APPDATA || p.join(home, 'AppData', 'Roaming');
  else base = p.join(home, '.local', 'share');
  return p.join(base, 'timer-lab', 'timer-lab.sqlite');
}
