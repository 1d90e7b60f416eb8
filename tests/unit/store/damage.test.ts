// Opening a damaged database: PRAGMA quick_check at open finds mid-file corruption, the file is
// opened read-only (not one byte of it changes), writes are refused naming the file, and the
// full check lists the problem. Also a file that is not a database, and the SQLite error texts.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src-main/store/errors.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { describeSqliteFailure } from '../../../src-main/store/sqlite-failures.js';
import { corruptMiddlePage, databaseWithRuns } from './damage-helpers.js';
import { MIGRATIONS_DIR, tempDbPath, tempDir, track } from './helpers.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('a damaged database', () => {
  it('is found by quick_check at open, opened read-only, and never written', () => {
    const file = tempDbPath();
    databaseWithRuns(file, 150);
    const healthy = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    expect(healthy).toMatchObject({ readOnly: null, damage: [], notice: null });
    expect(healthy.store.checkIntegrity()).toEqual([]);
    healthy.close();

    const page = corruptMiddlePage(file);
    const before = sha(file);
    const o = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    expect(o.readOnly).toBe('it is damaged');
    expect(o.damage.length).toBeGreaterThan(0);
    expect(o.notice).toContain(`${file} is damaged (PRAGMA quick_check: `);
    expect(o.notice).toContain('nothing will be written to it');
    expect(o.store.checkIntegrity().length).toBeGreaterThan(0);
    expect(() => o.store.createExperiment({ name: 'x' })).toThrow(`cannot write to ${file}: it was opened read-only because it is damaged`);
    // rows on undamaged pages are still readable; the damaged page gives a clear error
    expect(o.store.get(1).status).toBe('done');
    let listError: unknown = null;
    try {
      o.store.list({ limit: 1000 });
    } catch (err) {
      listError = err;
    }
    if (listError) expect(String(listError)).toContain(`${file} is damaged`);
    o.close();
    expect(sha(file)).toBe(before);
    console.log(`corrupted page ${page}: quick_check said "${o.damage[0]}"`);
  });

  it('refuses a file that is not a database with a clear message', () => {
    const file = path.join(tempDir(), 'notes.sqlite');
    writeFileSync(file, 'just some text, long enough to look like a file header '.repeat(100));
    expect(() => openStore(file, { migrationsDir: MIGRATIONS_DIR })).toThrow(`cannot read ${file} as a Timer Lab database: it is not an SQLite database`);
  });
});

describe('SQLite failures in words', () => {
  it('names the file and says what happened', () => {
    const e = (code: string, msg: string) => describeSqliteFailure(new Database.SqliteError(msg, code), '/d/lab.sqlite') as StoreError;
    expect(e('SQLITE_FULL', 'database or disk is full').message).toBe(
      'cannot write to /d/lab.sqlite: the disk or the database is full (SQLITE_FULL); free some space and try again',
    );
    expect(e('SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database').message).toMatch(/^cannot write to \/d\/lab.sqlite: it is read-only/);
    expect(e('SQLITE_CORRUPT', 'database disk image is malformed').message).toMatch(/^\/d\/lab.sqlite is damaged/);
    expect(e('SQLITE_BUSY', 'database is locked').message).toMatch(/^\/d\/lab.sqlite stayed locked by another process/);
    expect(e('SQLITE_IOERR_WRITE', 'disk I/O error').message).toMatch(/^input\/output error on \/d\/lab.sqlite/);
    expect(e('SQLITE_FULL', 'x')).toBeInstanceOf(StoreError);
    const other = new Error('not sqlite');
    expect(describeSqliteFailure(other, '/d')).toBe(other);
  });
});
