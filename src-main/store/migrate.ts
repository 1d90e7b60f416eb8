/**
 * Schema migrations: `migrations/NNNN_name.sql` at the repo root (or an explicit folder for
 * packaged apps), numbered 1..N without gaps, each applied in its own exclusive transaction
 * together with `PRAGMA user_version = N`. The version is read again inside that lock, so
 * processes opening the same file at once apply each migration exactly once. A database newer
 * than the highest migration is refused untouched.
 * May import better-sqlite3 and node:fs/path only; must not import electron, src-main/engine,
 * runner or api.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { retryBusy } from './sqlite-failures.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: number[];
}

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Folder of this module, from import.meta (node:url is outside this layer's allowed imports). */
function moduleDir(): string {
  if (import.meta.dirname) return import.meta.dirname;
  const url = new URL(import.meta.url);
  const p = decodeURIComponent(url.pathname);
  return path.dirname(/^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p);
}

/** Walks up from `start` to the first folder holding both `migrations/` and `package.json`. */
export function findMigrationsDir(start: string = moduleDir()): string {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(candidate) && existsSync(path.join(dir, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new StoreError(`cannot find the migrations folder above ${start}; pass migrationsDir`);
    dir = parent;
  }
}

/** Lists the migrations in order; a bad file name, a gap or a duplicate number is an error. */
export function loadMigrations(dir: string = findMigrationsDir()): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.sql')) continue;
    const m = FILE_RE.exec(f);
    if (!m) throw new StoreError(`migration file ${f} in ${dir} is not named NNNN_name.sql`);
    out.push({ version: Number(m[1]), name: m[2] as string, file: path.join(dir, f) });
  }
  out.sort((a, b) => a.version - b.version);
  out.forEach((mig, i) => {
    if (mig.version === out[i - 1]?.version) throw new StoreError(`two migrations are numbered ${mig.version} in ${dir}`);
    if (mig.version !== i + 1) throw new StoreError(`migration ${i + 1} is missing in ${dir} (found ${path.basename(mig.file)})`);
  });
  if (out.length === 0) throw new StoreError(`no migrations found in ${dir}`);
  return out;
}

export function userVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function newerSchemaError(found: number, known: number): StoreError {
  return new StoreError(
    `database schema version ${found} is newer than this Timer Lab (knows up to ${known}); ` +
      'upgrade Timer Lab or use --db for another file',
  );
}

/**
 * Applies every pending migration (up to `target`, default all). Throws before writing anything
 * if the database is newer than the migrations known here. Each step locks the database
 * (BEGIN EXCLUSIVE, retried while another process holds it), reads user_version again and applies
 * the next migration only if no other process did so meanwhile.
 */
export function migrate(db: Db, opts: { migrationsDir?: string; target?: number } = {}): MigrateResult {
  const all = loadMigrations(opts.migrationsDir ?? findMigrationsDir());
  const known = all.length;
  const target = Math.min(opts.target ?? known, known);
  const from = retryBusy(() => userVersion(db));
  if (from > known) throw newerSchemaError(from, known);
  const applied: number[] = [];
  for (;;) {
    const next = retryBusy(() => db.transaction(() => applyNext(db, all, target)).exclusive());
    if (next === null) break;
    applied.push(next);
  }
  return { from, to: userVersion(db), applied };
}

/** Inside the lock: applies the migration after the current user_version; null when none is due. */
function applyNext(db: Db, all: Migration[], target: number): number | null {
  const current = userVersion(db);
  if (current > all.length) throw newerSchemaError(current, all.length);
  const mig = all[current];
  if (current >= target || !mig) return null;
  const sql = readFileSync(mig.file, 'utf8');
  try {
    db.exec(sql);
    db.pragma(`user_version = ${mig.version}`);
  } catch (err) {
    throw new StoreError(`migration ${path.basename(mig.file)} failed: ${(err as Error).message}`, { cause: err });
  }
  return mig.version;
}
