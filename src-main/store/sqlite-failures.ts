/**
 * What an SQLite failure means and what to do about it: busy/locked errors are retried (the
 * caller's unit of work must be one whole transaction, so a retry repeats nothing half-done);
 * every other SqliteError becomes a StoreError that names the database file and says plainly
 * what happened (disk full, read-only, damaged, I/O error). Errors that are not SqliteErrors pass
 * through unchanged. May import better-sqlite3 only; must not import electron, src-main/engine,
 * runner or api.
 */
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';

/** How long a write keeps retrying while other processes hold the database (beyond busy_timeout). */
export const BUSY_RETRY_MS = 30_000;

export function sqliteCode(err: unknown): string | null {
  return err instanceof Database.SqliteError ? err.code : null;
}

/** SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, SQLITE_LOCKED…: try again later. */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** SQLITE_READONLY and its variants (read-only file, folder or mount). */
export function isReadOnlyFailure(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && code.startsWith('SQLITE_READONLY');
}

export function isCorruption(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Runs `unit` (one complete transaction or a single statement) and repeats it while SQLite says
 * the database is busy, with a growing, jittered pause, for at most `deadlineMs`.
 */
export function retryBusy<T>(unit: () => T, deadlineMs = BUSY_RETRY_MS): T {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return unit();
    } catch (err) {
      if (!isBusy(err) || Date.now() - started >= deadlineMs) throw err;
      sleepSync(Math.min(250, 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

/** A StoreError naming `file` for an SqliteError; anything else is returned unchanged. */
export function describeSqliteFailure(err: unknown, file: string): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  const code = err.code;
  const detail = `${err.message} (${code})`;
  let message: string;
  if (code.startsWith('SQLITE_FULL')) {
    message = `cannot write to ${file}: the disk or the database is full (${code}); free some space and try again`;
  } else if (code.startsWith('SQLITE_READONLY')) {
    message = `cannot write to ${file}: it is read-only (${detail})`;
  } else if (isCorruption(err)) {
    message = `${file} is damaged: ${detail}; nothing more is written to it`;
  } else if (isBusy(err)) {
    message = `${file} stayed locked by another process for more than ${BUSY_RETRY_MS / 1000} s (${code}); try again`;
  } else if (code.startsWith('SQLITE_IOERR')) {
    message = `input/output error on ${file}: ${detail}`;
  } else if (code.startsWith('SQLITE_CANTOPEN')) {
    message = `cannot open ${file}: ${detail}`;
  } else {
    message = `${file}: ${detail}`;
  }
  return new StoreError(message, { cause: err });
}

/** Runs `unit` with busy retries; an SqliteError it ends with is rethrown as a StoreError naming `file`. */
export function guarded<T>(file: string, unit: () => T, deadlineMs = BUSY_RETRY_MS): T {
  try {
    return retryBusy(unit, deadlineMs);
  } catch (err) {
    throw describeSqliteFailure(err, file);
  }
}
