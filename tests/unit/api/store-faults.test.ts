// The services when the database refuses writes: an experiment is stored whole or not at all, a
// full database (SQLite's max_page_count caps the file, which is exactly how SQLITE_FULL
// arises) fails the run with a message naming the file, and a final state that cannot be
// written is reported, kept and written once the database accepts it again.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { apiError, closeLab, openLab } from './helpers.js';

const spec = { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 200_000 } as const;

describe('services when writes fail', () => {
  it('leaves neither an empty experiment nor a never-computed run when a run cannot be stored', async () => {
    const t = openLab();
    const side = new Database(t.dbPath);
    side.exec("CREATE TRIGGER refuse_second_run BEFORE INSERT ON runs WHEN (SELECT count(*) FROM runs) >= 1 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    side.close();
    const err = await apiError(t.call('experiments:submit', { name: 'pair', runs: [{ ...spec, samples: 1000 }, { ...spec, strategy: 'vmx-preemption', samples: 1000 }] }));
    expect(err.message).toMatch(/refused by the test/);
    const db = new Database(t.dbPath, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM experiments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    db.close();
  });

  it('fails a run whose result does not fit (SQLITE_FULL) with a clear message, and keeps serving', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [spec] });
    const db = t.lab.store.db;
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`);
    expect(await t.lab.waitForRun(runIds[0]!)).toBe('failed');
    const d = await t.call('runs:get', { id: runIds[0]! });
    expect(d.status).toBe('failed');
    expect(d.error).toContain(`the result could not be saved: cannot write to ${t.dbPath}: the disk or the database is full (SQLITE_FULL)`);
    expect(d.summary).toBeNull();
    // reads still work, and a new submission gets a clear error instead of ending anything
    expect((await t.call('runs:list', {})).map((r) => r.status)).toEqual(['failed']);
    // cap the file at its current size and use up its free pages: not even a queued run fits now
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    db.exec('CREATE TABLE IF NOT EXISTS test_filler (x BLOB)');
    const fill = db.prepare('INSERT INTO test_filler VALUES (zeroblob(?))');
    for (const size of [65536, 4096, 512, 64]) {
      try {
        for (let i = 0; i < 10_000; i++) fill.run(size);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('SQLITE_FULL');
      }
    }
    const refused = await apiError(t.call('experiments:submit', { runs: [{ ...spec, samples: 1000 }] }));
    expect(refused).toMatchObject({ code: 'failed' });
    expect(refused.message).toContain(t.dbPath);
  });

  it('reports a final state it cannot write, keeps it, and writes it when the database accepts it again', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [spec] });
    const id = runIds[0]!;
    t.lab.store.db.pragma('query_only = ON'); // every write now fails, reads still work
    expect(await t.lab.waitForRun(id)).toBe('failed');
    const shown = t.lab.getRun(id);
    expect(shown.status).toBe('failed');
    expect(shown.error).toMatch(/the result could not be saved: cannot write to .*lab\.sqlite: it is read-only/);
    expect(shown.error).toMatch(/could not be written to the database either; the run shows as interrupted/);
    const finished = t.pushes.filter((p) => p.channel === 'run:finished').map((p) => p.payload);
    expect(finished).toEqual([{ runId: id, status: 'failed', error: shown.error }]);
    expect(t.lab.store.get(id).status).toMatch(/queued|running/); // the file still says so…
    expect((await t.call('runs:get', { id })).status).toBe('failed'); // …the API tells how it really ended
    expect((await t.call('runs:list', {}))[0]).toMatchObject({ id, status: 'failed', error: shown.error });
    t.lab.store.db.pragma('query_only = OFF');
    await closeLab(t); // close writes what it kept
    const again = openLab(t.dbPath);
    const stored = await again.call('runs:get', { id });
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatch(/^the result could not be saved: cannot write to/);
  });
});
