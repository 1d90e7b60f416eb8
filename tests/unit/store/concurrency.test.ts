// Several connections (as several processes would) writing one file: a write never reads a
// snapshot another writer can invalidate, busy databases are waited for, and migrations run
// once when many processes open the same file at the same moment.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { syntheticRunConfig } from '../../../src-main/store/bench-save.js';
import { openDatabase } from '../../../src-main/store/db.js';
import { loadMigrations, migrate } from '../../../src-main/store/migrate.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { retryBusy } from '../../../src-main/store/sqlite-failures.js';
import { MIGRATIONS_DIR, tempDbPath, tempDir, track } from './helpers.js';

const OPENER = path.join(import.meta.dirname, 'fixtures', 'concurrent-open.ts');

describe('writes under concurrency', () => {
  it('inserts a queued run even when another process commits while it is being written', () => {
    const file = tempDbPath();
    let interfere: (() => void) | null = null;
    const { store } = track(
      openStore(file, {
        migrationsDir: MIGRATIONS_DIR,
        // stamp() runs inside the transaction, after the experiment's tags were read
        now: () => {
          const f = interfere;
          interfere = null;
          f?.();
          return new Date();
        },
      }),
    );
    const experimentId = store.createExperiment({ name: 'e', tags: ['x'] });
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    let otherOutcome = '';
    interfere = () => {
      try {
        other.prepare("INSERT INTO experiments (name, created_at) VALUES ('other', 'now')").run();
        otherOutcome = 'committed';
      } catch (err) {
        otherOutcome = (err as { code?: string }).code ?? 'error';
      }
    };
    // A deferred transaction read first, so the other commit invalidated its snapshot
    // (SQLITE_BUSY_SNAPSHOT); an immediate one holds the write lock and the other writer waits.
    const id = store.insertQueuedRun({ experimentId, name: 'r', config: syntheticRunConfig(10) });
    expect(store.get(id)).toMatchObject({ status: 'queued', tags: ['x'], experimentId });
    expect(otherOutcome).toBe('SQLITE_BUSY');
    other.close();
  });

  it('stores an experiment and its runs together or not at all', () => {
    const file = tempDbPath();
    const { store, db } = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    db.exec(
      "CREATE TRIGGER refuse_second_run BEFORE INSERT ON runs WHEN (SELECT count(*) FROM runs) >= 1 BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    const runs = [1, 2].map((seed) => ({ name: `run ${seed}`, config: syntheticRunConfig(10, seed) }));
    expect(() => store.createExperimentWithRuns({ name: 'pair' }, runs)).toThrow(/refused/);
    expect(db.prepare('SELECT count(*) AS n FROM experiments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    db.exec('DROP TRIGGER refuse_second_run');
    const { experimentId, runIds } = store.createExperimentWithRuns({ name: 'pair' }, runs);
    expect(runIds.map((id) => store.get(id).experimentId)).toEqual([experimentId, experimentId]);
  });

  it('waits for a writer that holds the lock longer than busy_timeout, then writes', async () => {
    const file = tempDbPath();
    const { store } = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    // The store's retry loop blocks this thread, so the lock holder is another process.
    const child = spawn(
      process.execPath,
      ['-e', `const D=require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});const d=new D(${JSON.stringify(file)});d.exec('BEGIN IMMEDIATE');process.stdout.write('LOCKED');setTimeout(()=>{d.exec('ROLLBACK');d.close()},6500)`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('LOCKED') && resolve()));
    const t0 = Date.now();
    const id = store.insertQueuedRun({ name: 'late', config: syntheticRunConfig(10) });
    const waited = Date.now() - t0;
    expect(store.get(id).status).toBe('queued');
    expect(waited).toBeGreaterThan(5000); // the lock was held past the 5 s busy_timeout
    await new Promise((r) => child.on('exit', r));
  });

  it('retries only busy errors', () => {
    let calls = 0;
    const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
    expect(
      retryBusy(() => {
        if (++calls < 3) throw busy;
        return 'ok';
      }),
    ).toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    expect(() =>
      retryBusy(() => {
        calls++;
        throw new Database.SqliteError('constraint', 'SQLITE_CONSTRAINT');
      }),
    ).toThrow('constraint');
    expect(calls).toBe(1);
    expect(() => retryBusy(() => { throw busy; }, 50)).toThrow('database is locked');
  });
});

/** Starts `n` processes that open `file` at the same instant; returns their outputs. */
async function openTogether(file: string, n: number): Promise<Array<{ code: number | null; out: string }>> {
  const startAt = Date.now() + 1500; // every child is loaded and waiting by then
  const children = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', OPENER, file, MIGRATIONS_DIR, String(startAt)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  });
  return Promise.all(children);
}

describe('migrations under concurrency', () => {
  const known = loadMigrations(MIGRATIONS_DIR).length;

  it('three processes creating the same new database at once all succeed, each migration applied once', async () => {
    for (let round = 0; round < 3; round++) {
      const file = path.join(tempDir(), 'fresh.sqlite');
      const results = await openTogether(file, 3);
      for (const r of results) expect(r, r.out).toMatchObject({ code: 0 });
      const applied = results.flatMap((r) => (JSON.parse(r.out) as { applied: number[] }).applied);
      expect(applied.sort((a, b) => a - b)).toEqual(Array.from({ length: known }, (_, i) => i + 1));
      const db = track(openStore(file, { migrationsDir: MIGRATIONS_DIR })).db;
      expect(db.pragma('user_version', { simple: true })).toBe(known);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    }
  });

  it('three processes upgrading the same version-3 database at once all succeed', async () => {
    for (let round = 0; round < 3; round++) {
      const file = path.join(tempDir(), 'v3.sqlite');
      const db = openDatabase(file);
      migrate(db, { migrationsDir: MIGRATIONS_DIR, target: 3 });
      db.close();
      const results = await openTogether(file, 3);
      for (const r of results) expect(r, r.out).toMatchObject({ code: 0 });
      const applied = results.flatMap((r) => (JSON.parse(r.out) as { applied: number[] }).applied);
      expect(applied.sort((a, b) => a - b)).toEqual(Array.from({ length: known - 3 }, (_, i) => i + 4));
    }
  });
});
