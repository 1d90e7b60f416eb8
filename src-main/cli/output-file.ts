/**
 * The one way the CLI writes a file the user named (export --out, run --trace). The path is
 * checked before any work and again just before writing: it must be a file that can be written,
 * or a new file in a folder that can be, and never the open database or its -wal, -shm or
 * -journal file — compared by real path (relative paths, symlinks, also one pointing at a file not
 * there yet) and, for files that exist, by device and inode (hard links). Bad paths are usage
 * errors naming the flag. Must not import the engine.
 */
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../api/index.js';
import { UsageError } from './args.js';

/** The files SQLite keeps beside a database, by suffix. */
const DATABASE_COMPANIONS = ['', '-wal', '-shm', '-journal'] as const;

/** Symlinks followed at most while resolving a path that does not exist yet. */
const MAX_LINKS = 40;

export interface OutputFile {
  /** The path as the user gave it. */
  readonly path: string;
  write(content: string | Buffer): void;
}

/** A checked output file for `--<flag> path`; `dbPath` is the database this process has open. */
export function outputFile(flag: string, path: string, dbPath: string): OutputFile {
  checkOutputPath(flag, path, dbPath);
  return {
    path,
    write(content) {
      checkOutputPath(flag, path, dbPath);
      try {
        writeFileSync(path, content);
      } catch (err) {
        throw new ApiError('failed', `cannot write ${path}: ${(err as Error).message}`);
      }
    },
  };
}

/** Throws a UsageError naming `--<flag>` when `path` is not a file this CLI may write. */
export function checkOutputPath(flag: string, path: string, dbPath: string): void {
  const which = databaseFileAt(path, dbPath);
  if (which !== null) {
    const what = which === '' ? 'the open database' : `the open database's ${which} file`;
    throw new UsageError(`--${flag} ${path}: is ${what} (${dbPath}); writing there would destroy it, choose another file`);
  }
  try {
    if (exists(path)) {
      if (!statSync(path).isFile()) throw new Error('not a file');
      accessSync(path, constants.W_OK);
    } else accessSync(dirname(realTarget(path)), constants.W_OK);
  } catch {
    throw new UsageError(`--${flag} ${path}: cannot write there (not a file, no such folder or no permission)`);
  }
}

/** Which of the database's files (`''`, `-wal`, `-shm`, `-journal`) `path` would write, or null. */
export function databaseFileAt(path: string, dbPath: string): (typeof DATABASE_COMPANIONS)[number] | null {
  if (dbPath === ':memory:' || dbPath === '') return null;
  const target = realTarget(path);
  const targetStat = statOrNull(path);
  // the database as named and as its real path: SQLite may name its companions after either
  const bases = [...new Set([join(realTarget(dirname(resolve(dbPath))), basename(dbPath)), realTarget(dbPath)])];
  for (const suffix of DATABASE_COMPANIONS) {
    for (const base of bases) {
      const file = `${base}${suffix}`;
      if (target === file || target === realTarget(file)) return suffix;
      const st = targetStat && statOrNull(file);
      if (st && st.dev === targetStat.dev && st.ino === targetStat.ino) return suffix;
    }
  }
  return null;
}

/**
 * Where a write to `path` lands: its real path when it exists; for a symlink to a missing file,
 * that file; otherwise the real path of its folder plus its name.
 */
function realTarget(path: string, links = 0): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // not there (yet), or a symlink loop
  }
  if (links < MAX_LINKS && isSymlink(absolute)) return realTarget(resolve(dirname(absolute), readlinkSync(absolute)), links + 1);
  const folder = dirname(absolute);
  return folder === absolute ? absolute : join(realTarget(folder, links), basename(absolute));
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function exists(path: string): boolean {
  return statOrNull(path) !== null;
}
