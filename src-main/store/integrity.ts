/**
 * Integrity checks: PRAGMA quick_check at every open (structure of every b-tree page, cheap) and
 * the full PRAGMA integrity_check plus foreign_key_check on request (`timer-lab check`). Each
 * returns the problems found, none when the file is sound. Must not import electron,
 * src-main/engine, runner or api.
 */
import type { Db } from './db.js';
import { isCorruption } from './sqlite-failures.js';

/** At most this many problems are listed (SQLite stops looking after as many). */
export const MAX_PROBLEMS = 100;

function problems(db: Db, pragma: string): string[] {
  let rows: Array<Record<string, string>>;
  try {
    rows = db.pragma(`${pragma}(${MAX_PROBLEMS})`, { simple: false }) as Array<Record<string, string>>;
  } catch (err) {
    // damage bad enough to stop the check itself is a finding, not a failure of the check
    if (isCorruption(err)) return [`the check stopped: ${(err as Error).message}`];
    throw err;
  }
  const out = rows.map((r) => String(Object.values(r)[0]));
  return out.length === 1 && out[0] === 'ok' ? [] : out;
}

export function quickCheck(db: Db): string[] {
  return problems(db, 'quick_check');
}

export function integrityCheck(db: Db): string[] {
  const found = problems(db, 'integrity_check');
  if (found.length > 0) return found;
  const orphans = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
  for (const o of orphans.slice(0, MAX_PROBLEMS)) found.push(`row ${o.rowid} of ${o.table} refers to a missing row of ${o.parent}`);
  return found;
}
