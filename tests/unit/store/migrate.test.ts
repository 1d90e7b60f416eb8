// Migrations: from an empty file, from every earlier version (data kept, tags copied into
// run_tags), refusal of a newer database without touching it, and bad migration folders.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src-main/store/db.js';
import { findMigrationsDir, loadMigrations, migrate, userVersion } from '../../../src-main/store/migrate.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { syntheticHistogram, syntheticRunConfig, syntheticSamples, syntheticSummary } from '../../../src-main/store/bench-save.js';
import { MIGRATIONS_DIR, tempDbPath, tempDir, track } from './helpers.js';

const LATEST = loadMigrations(MIGRATIONS_DIR).length;

function schemaOf(db: Db): string[] {
  return db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .all()
    .map((r) => r.sql.replace(/\s+/g, ' '));
}

/** Inserts rows the way version 1 stored them (tags only as JSON). */
function seedVersion1(db: Db): void {
  const now = '2024-01-01T00:00:00.000Z';
  db.prepare("INSERT INTO experiments (id, name, notes, tags, created_at) VALUES (1, 'e', '', '[\"exp\"]', ?)").run(now);
  const ins = db.prepare(
    "INSERT INTO runs (id, experiment_id, kind, name, tags, workload, strategy, profile_name, samples, seed, status, created_at, config_json) " +
      "VALUES (?, 1, 'simulated', ?, ?, 'tscdeadline-halt', 'hrtimer', 'HSW-2016', 10, 1, 'done', ?, ?)",
  );
  ins.run(1, 'first', '["baseline"," x ",""]', now, JSON.stringify(syntheticRunConfig()));
  ins.run(2, 'second', '[]', now, JSON.stringify(syntheticRunConfig()));
  db.prepare("INSERT INTO run_data (run_id, histogram_json, sample_count) VALUES (1, '{\"total\":3}', 0)").run();
}

describe('migrate', () => {
  it('finds the repo migrations folder from the module location', () => {
    expect(findMigrationsDir()).toBe(MIGRATIONS_DIR);
    expect(LATEST).toBeGreaterThanOrEqual(2);
  });

  it('migrates an empty database to the latest version', () => {
    const db = openDatabase(tempDbPath());
    try {
      const r = migrate(db, { migrationsDir: MIGRATIONS_DIR });
      expect(r).toEqual({ from: 0, to: LATEST, applied: Array.from({ length: LATEST }, (_, i) => i + 1) });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(migrate(db, { migrationsDir: MIGRATIONS_DIR }).applied).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('migrates from every earlier version to the same schema as a fresh database', () => {
    const fresh = openDatabase(tempDbPath());
    migrate(fresh, { migrationsDir: MIGRATIONS_DIR });
    const want = schemaOf(fresh);
    fresh.close();
    for (let v = 1; v < LATEST; v++) {
      const db = openDatabase(tempDbPath());
      try {
        migrate(db, { migrationsDir: MIGRATIONS_DIR, target: v });
        expect(userVersion(db)).toBe(v);
        const r = migrate(db, { migrationsDir: MIGRATIONS_DIR });
        expect(r.from).toBe(v);
        expect(r.to).toBe(LATEST);
        expect(schemaOf(db)).toEqual(want);
      } finally {
        db.close();
      }
    }
  });

  it('keeps version-1 data and copies tags into run_tags', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    migrate(db, { migrationsDir: MIGRATIONS_DIR, target: 1 });
    seedVersion1(db);
    db.close();

    const { store } = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    const first = store.get(1);
    expect(first.name).toBe('first');
    expect(first.tags).toEqual(['baseline', ' x ', '']);
    expect(first.config).toEqual(syntheticRunConfig());
    expect(store.getHistogram(1)).toEqual({ total: 3 });
    expect(store.list({ tag: 'baseline' }).map((r) => r.id)).toEqual([1]);
    expect(store.list({ tag: 'X' }).map((r) => r.id)).toEqual([1]);
    expect(store.list().map((r) => r.id)).toEqual([2, 1]);
    const tags = store.db.prepare('SELECT run_id, tag FROM run_tags ORDER BY tag').all();
    expect(tags).toEqual([
      { run_id: 1, tag: 'baseline' },
      { run_id: 1, tag: 'x' },
    ]);
  });

  it('version 6: imports stored before get their measure, and the statistics made up for summary-only files become unknown', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    migrate(db, { migrationsDir: MIGRATIONS_DIR, target: 5 });
    const now = '2024-01-01T00:00:00.000Z';
    // as versions ≤ 5 stored imports: a status file with p50 = mean, p90… = max, stddev 0
    const summary = (mean: number, p50: number, max: number, stddev: number) =>
      JSON.stringify({
        workload: 'cyclictest', strategy: 'measured', profile: '', samples: 10, seed: 0, engineVersion: '',
        latency: { unit: 'ns', mean, min: 1000, max, stddev, p50, p90: max, p99: max, p999: max },
        latencyNs: { unit: 'ns', mean, min: 1000, max, stddev, p50, p90: max, p99: max, p999: max },
        exits: {}, overheadCyclesPerTimerEvent: 0, timerEvents: 0, criticalPath: {}, hostCyclesByStep: {},
      });
    const ins = db.prepare(
      "INSERT INTO runs (id, kind, name, workload, strategy, samples, status, created_at, summary_json, mean, p99, source_file, source_format, source_sha256) " +
        "VALUES (?, 'measured', ?, 'cyclictest', 'measured', 10, 'done', ?, ?, ?, ?, ?, ?, ?)",
    );
    ins.run(1, 'status', now, summary(4600, 4600, 1650000, 0), 4600, 1650000, 'status.txt', 'cyclictest', 'a'.repeat(64));
    ins.run(2, 'hist', now, summary(5300, 5000, 28000, 540), 5300, 28000, 'hist.txt', 'cyclictest-hist', 'b'.repeat(64));
    ins.run(3, 'trace', now, summary(7250, 6000, 18000, 6000), 7250, 18000, 'trace.txt', 'trace-cmd', 'c'.repeat(64));
    db.close();

    const { store } = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    expect(userVersion(store.db)).toBe(LATEST);
    const status = store.get(1);
    expect(status.measure).toBe('wakeup-latency');
    expect(status.measurement).toBeNull();
    expect(status.p99).toBeNull();
    expect(status.summary?.latency).toMatchObject({ mean: 4600, min: 1000, max: 1650000, p50: null, p90: null, p99: null, p999: null, stddev: null });
    expect(status.summary?.latencyNs.p50).toBeNull();
    // a histogram import's percentiles were real: kept
    const hist = store.get(2);
    expect(hist.summary?.latency).toMatchObject({ p50: 5000, stddev: 540 });
    expect(hist.p99).toBe(28000);
    expect(store.get(3).measure).toBe('host-expiry-to-entry');
    expect(store.findImport('b'.repeat(64))).toEqual({ experimentId: null, runIds: [2] });
  });

  it('version 7: runs that ended without computing anything count 0 samples; runs with stored data are untouched', () => {
    // a database of version 6, written by this store's own statements
    const v6 = tempDir();
    for (const m of loadMigrations(MIGRATIONS_DIR).filter((x) => x.version <= 6)) copyFileSync(m.file, path.join(v6, path.basename(m.file)));
    const file = tempDbPath();
    const old = openStore(file, { migrationsDir: v6 });
    expect(userVersion(old.db)).toBe(6);
    const s = old.store;
    const config = syntheticRunConfig(10_000);
    const queued = s.insertQueuedRun({ name: 'cancelled while queued', config });
    s.markCancelled(queued);
    const failed = s.insertQueuedRun({ name: 'failed', config });
    s.markRunning(failed);
    s.markFailed(failed, 'engine exploded');
    const interrupted = s.insertQueuedRun({ name: 'interrupted', config });
    s.markRunning(interrupted);
    expect(s.markInterruptedRuns(() => false)).toBe(1); // its process taken for gone
    const done = s.insertQueuedRun({ name: 'done', config: syntheticRunConfig(500) });
    s.saveResult(done, { summary: syntheticSummary(syntheticRunConfig(500), 500), histogram: syntheticHistogram(500), samples: syntheticSamples(500) });
    const partial = s.insertQueuedRun({ name: 'cancelled with samples', config });
    s.saveResult(partial, { summary: syntheticSummary(config, 300), histogram: syntheticHistogram(300), samples: syntheticSamples(300) }, 'cancelled');
    // stored samples alone keep a run as it is, even without a summary
    const samplesOnly = s.insertQueuedRun({ name: 'samples, no summary', config });
    s.saveResult(samplesOnly, { summary: syntheticSummary(config, 200), histogram: null, samples: syntheticSamples(200) }, 'cancelled');
    old.db.prepare('UPDATE runs SET summary_json = NULL, samples = 10000 WHERE id = ?').run(samplesOnly);
    // as earlier versions left them: the requested count on runs that computed nothing
    old.db.prepare('UPDATE runs SET samples = 10000 WHERE id IN (?, ?, ?)').run(queued, failed, interrupted);
    const before = (id: number) => old.db.prepare('SELECT * FROM runs WHERE id = ?').get(id);
    const kept = new Map([done, partial, samplesOnly].map((id) => [id, before(id)]));
    old.close();

    const { store } = track(openStore(file, { migrationsDir: MIGRATIONS_DIR }));
    expect(userVersion(store.db)).toBe(LATEST);
    for (const id of [queued, failed, interrupted]) {
      const d = store.get(id);
      expect(d.samples, d.name).toBe(0);
      expect(store.list().find((r) => r.id === id)?.samples, d.name).toBe(0);
      expect(d.config?.samples, d.name).toBe(10_000); // the request stays in the configuration
    }
    expect(store.get(queued).status).toBe('cancelled');
    expect(store.get(interrupted).status).toBe('interrupted');
    for (const [id, row] of kept) expect(store.db.prepare('SELECT * FROM runs WHERE id = ?').get(id), `run ${id}`).toEqual(row);
    expect(store.get(done)).toMatchObject({ status: 'done', samples: 500 });
    expect(store.getSamples(done)).toHaveLength(500);
    expect(store.get(partial)).toMatchObject({ status: 'cancelled', samples: 300 });
    expect(store.get(samplesOnly).samples).toBe(10_000);
  });

  it('refuses a newer database and leaves the file byte-for-byte unchanged', () => {
    for (const wal of [true, false]) {
      const file = tempDbPath();
      const db = openDatabase(file);
      migrate(db, { migrationsDir: MIGRATIONS_DIR });
      if (!wal) db.pragma('journal_mode = DELETE');
      db.pragma('user_version = 99');
      db.close();
      const before = readFileSync(file);
      expect(() => openStore(file, { migrationsDir: MIGRATIONS_DIR })).toThrow(
        `database schema version 99 is newer than this Timer Lab (knows up to ${LATEST}); upgrade Timer Lab or use --db for another file`,
      );
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).length : 0).toBe(0);
    }
  });

  it('refuses a newer database in migrate() too, without applying anything', () => {
    const db = openDatabase(tempDbPath());
    try {
      db.pragma(`user_version = ${LATEST + 1}`);
      expect(() => migrate(db, { migrationsDir: MIGRATIONS_DIR })).toThrow(
        `database schema version ${LATEST + 1} is newer than this Timer Lab (knows up to ${LATEST})`,
      );
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('rejects gaps, duplicates and badly named files', () => {
    const gap = tempDir();
    copyFileSync(path.join(MIGRATIONS_DIR, '0001_init.sql'), path.join(gap, '0001_init.sql'));
    writeFileSync(path.join(gap, '0003_later.sql'), 'SELECT 1;');
    expect(() => loadMigrations(gap)).toThrow(/migration 2 is missing/);

    const dup = tempDir();
    writeFileSync(path.join(dup, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(path.join(dup, '0001_b.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dup)).toThrow(/two migrations are numbered 1/);

    const bad = tempDir();
    writeFileSync(path.join(bad, '1_init.sql'), 'SELECT 1;');
    expect(() => loadMigrations(bad)).toThrow(/not named NNNN_name.sql/);
  });

  it('rolls back a failing migration, version included', () => {
    const dir = tempDir();
    copyFileSync(path.join(MIGRATIONS_DIR, '0001_init.sql'), path.join(dir, '0001_init.sql'));
    writeFileSync(path.join(dir, '0002_broken.sql'), 'CREATE TABLE t (x); INSERT INTO nowhere VALUES (1);');
    const db = openDatabase(tempDbPath());
    try {
      expect(() => migrate(db, { migrationsDir: dir })).toThrow(/0002_broken.sql failed: no such table: nowhere/);
      expect(userVersion(db)).toBe(1);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 't'").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
