/**
 * Schema migrations: `migrations/NNNN_name.sql` at the repo root (or an explicit folder for
 * packaged apps), numbered 1..N without gaps, each applied in its own transaction together with
 * `PRAGMA user_version = N`. A database newer than the highest migration is refused untouched.
 * May import better-sqlite3 and node:fs/path only; must not import electron, src-main/engine,
 * runner or api.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { StoreError } from './errors.js';

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
 * if the database is newer than the migrations known here.
 */
export function migrate(db: Db, opts: { migrationsDir?: string; target?: number } = {}): MigrateResult {
  const all = loadMigrations(opts.migrationsDir ?? findMigrationsDir());
  const known = all.length;
  const target = opts.target ?? known;
  const from = userVersion(db);
  if (from > known) throw newerSchemaError(from, known);
  const applied: number[] = [];
  for (const mig of all) {
    if (mig.version <= from || mig.version > target) continue;
    const sql = readFileSync(mig.file, 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${mig.version}`);
      })();
    } catch (err) {
      throw new StoreError(`migration ${path.basename(mig.file)} failed: ${(err as Error).message}`, { cause: err });
    }
    applied.push(mig.version);
  }
  return { from, to: userVersion(db), applied };
}
