// Output files of the CLI (export --out, run --trace): never the open database or the files
// SQLite keeps beside it, however the path reaches it; checked before anything runs.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPath, databaseFileAt, outputFile } from '../../../src-main/cli/output-file.js';
import { assertBuilt, cli } from './helpers.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-out-'));
  db = path.join(dir, 'lab.sqlite');
  writeFileSync(db, 'database bytes');
  writeFileSync(`${db}-wal`, 'wal bytes');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('databaseFileAt', () => {
  it('finds the database by its own path, a relative one and one through ..', () => {
    expect(databaseFileAt(db, db)).toBe('');
    expect(databaseFileAt(path.relative(process.cwd(), db), db)).toBe('');
    expect(databaseFileAt(path.join(dir, '..', path.basename(dir), 'lab.sqlite'), db)).toBe('');
  });

  it('finds the -wal, -shm and -journal files, present or not', () => {
    expect(databaseFileAt(`${db}-wal`, db)).toBe('-wal');
    expect(databaseFileAt(`${db}-shm`, db)).toBe('-shm');
    expect(databaseFileAt(`${db}-journal`, db)).toBe('-journal');
  });

  it('sees through symlinks (also to a companion not there yet) and hard links', () => {
    const link = path.join(dir, 'link.csv');
    symlinkSync(db, link);
    expect(databaseFileAt(link, db)).toBe('');
    const dangling = path.join(dir, 'dangling.txt');
    symlinkSync(`${db}-journal`, dangling);
    expect(databaseFileAt(dangling, db)).toBe('-journal');
    const hard = path.join(dir, 'hard.csv');
    linkSync(db, hard);
    expect(databaseFileAt(hard, db)).toBe('');
    const folderLink = path.join(dir, 'again');
    symlinkSync(dir, folderLink);
    expect(databaseFileAt(path.join(folderLink, 'lab.sqlite-shm'), db)).toBe('-shm');
  });

  it('finds the real file when the database was opened through a symlink', () => {
    const dbLink = path.join(dir, 'db-link.sqlite');
    symlinkSync(db, dbLink);
    expect(databaseFileAt(db, dbLink)).toBe('');
    expect(databaseFileAt(`${db}-wal`, dbLink)).toBe('-wal');
  });

  it('lets other files through, and has nothing to protect for an in-memory database', () => {
    expect(databaseFileAt(path.join(dir, 'runs.csv'), db)).toBeNull();
    expect(databaseFileAt(`${db}.csv`, db)).toBeNull();
    expect(databaseFileAt(path.join(dir, 'lab.sqlite-walrus'), db)).toBeNull();
    expect(databaseFileAt(db, ':memory:')).toBeNull();
  });
});

describe('outputFile', () => {
  it('refuses the database naming the flag, and writes nothing', () => {
    expect(() => outputFile('out', db, db)).toThrow(/^--out .*lab\.sqlite: is the open database/);
    expect(() => checkOutputPath('trace', `${db}-wal`, db)).toThrow(/^--trace .*: is the open database's -wal file/);
    expect(readFileSync(db, 'utf8')).toBe('database bytes');
    expect(readFileSync(`${db}-wal`, 'utf8')).toBe('wal bytes');
  });

  it('refuses a folder or a missing folder, and writes an ordinary file', () => {
    mkdirSync(path.join(dir, 'sub'));
    expect(() => outputFile('out', path.join(dir, 'sub'), db)).toThrow(/^--out .*cannot write there/);
    expect(() => outputFile('out', path.join(dir, 'missing', 'x.csv'), db)).toThrow(/cannot write there/);
    const file = outputFile('out', path.join(dir, 'runs.csv'), db);
    file.write('a,b\n');
    expect(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).toBe('a,b\n');
  });

  it('checks again at the write: a path turned into a link to the database since is refused', () => {
    const later = path.join(dir, 'later.csv');
    const file = outputFile('out', later, db);
    symlinkSync(db, later);
    expect(() => file.write('x')).toThrow(/is the open database/);
    expect(readFileSync(db, 'utf8')).toBe('database bytes');
  });
});

describe('CLI output files and the open database', () => {
  beforeAll(() => assertBuilt());

  it('export --out and run --trace refuse the database (exit 2) and leave it whole', async () => {
    const sub = mkdtempSync(path.join(dir, 'cli-'));
    const victim = path.join(sub, 'victim.sqlite');
    const made = await cli(['run', '--db', victim, '--workload', 'tscdeadline-halt', '--strategy', 'hrtimer', '--samples', '200']);
    expect(made.code, made.stderr).toBe(0);
    const size = statSync(victim).size;
    const exported = await cli(['export', '1', '--format', 'csv', '--out', victim, '--db', victim]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toContain('--out');
    expect(exported.stderr).toContain('is the open database');
    const link = path.join(sub, 'trace.txt');
    symlinkSync(`${victim}-wal`, link);
    const traced = await cli(['run', '--db', victim, '--workload', 'tscdeadline-halt', '--strategy', 'hrtimer', '--samples', '200', '--trace', link]);
    expect(traced.code).toBe(2);
    expect(traced.stderr).toContain("--trace");
    expect(traced.stderr).toContain("is the open database's -wal file");
    expect(statSync(victim).size).toBe(size);
    const list = await cli(['list', '--json', '--db', victim]);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as unknown[]).length).toBe(1); // the refused run never started
    const check = await cli(['check', '--db', victim]);
    expect(check.code, check.stdout).toBe(0);
  });
});
