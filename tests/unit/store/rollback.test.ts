// saveResult is one transaction: a failure at any point (encoding, a constraint, a write) leaves
// the run and its data exactly as they were.
import { describe, expect, it } from 'vitest';
import { syntheticHistogram, syntheticRunConfig, syntheticSamples, syntheticSummary } from '../../../src-main/store/bench-save.js';
import type { RunStore } from '../../../src-main/store/runs.js';
import { freshStore } from './helpers.js';

function runningRun(store: RunStore): number {
  const id = store.insertQueuedRun({ name: 'r', config: syntheticRunConfig(100) });
  store.markRunning(id);
  return id;
}

function snapshot(store: RunStore, id: number): unknown {
  return {
    run: store.db.prepare('SELECT * FROM runs WHERE id = ?').get(id),
    data: store.db.prepare('SELECT * FROM run_data WHERE run_id = ?').get(id) ?? null,
  };
}

describe('saveResult rollback', () => {
  it('leaves the run unchanged when the samples throw during encoding', () => {
    const { store } = freshStore();
    const id = runningRun(store);
    const before = snapshot(store, id);
    const evil = syntheticSamples(100);
    Object.defineProperty(evil, 'length', { get: () => { throw new Error('samples exploded'); } });
    expect(() =>
      store.saveResult(id, { summary: syntheticSummary(syntheticRunConfig(100), 100), histogram: syntheticHistogram(100), samples: evil }),
    ).toThrow('samples exploded');
    expect(snapshot(store, id)).toEqual(before);
    expect(store.get(id).status).toBe('running');
    expect(store.db.inTransaction).toBe(false);
  });

  it('leaves the run unchanged when the run_data write fails after the runs row was updated', () => {
    const { store } = freshStore();
    const id = runningRun(store);
    const before = snapshot(store, id);
    store.db.exec("CREATE TEMP TRIGGER fail_data BEFORE INSERT ON run_data BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    expect(() =>
      store.saveResult(id, {
        summary: syntheticSummary(syntheticRunConfig(100), 100),
        histogram: syntheticHistogram(100),
        samples: syntheticSamples(100),
      }),
    ).toThrow('disk on fire');
    expect(snapshot(store, id)).toEqual(before);
    expect(store.get(id)).toMatchObject({ status: 'running', mean: null, summary: null });
    store.db.exec('DROP TRIGGER fail_data');
    // The same call now succeeds: nothing half-written blocks it.
    store.saveResult(id, { summary: syntheticSummary(syntheticRunConfig(100), 100), histogram: null, samples: syntheticSamples(100) });
    expect(store.get(id).status).toBe('done');
    expect(store.getSamples(id)).toEqual(syntheticSamples(100));
  });

  it('rolls back insertMeasuredRun and deleteRuns as a whole', () => {
    const { store } = freshStore();
    const a = runningRun(store);
    store.db.exec("CREATE TEMP TRIGGER no_data BEFORE INSERT ON run_data BEGIN SELECT RAISE(ABORT, 'nope'); END");
    expect(() =>
      store.insertMeasuredRun({
        name: 'm', sourceFile: 'f.txt', format: 'cyclictest', sha256: '00', unit: 'ns',
        stats: { mean: 1, min: 1, max: 1, stddev: 0, p50: 1, p90: 1, p99: 1, p999: 1 },
        tags: ['t'],
      }),
    ).toThrow('nope');
    expect(store.list({ kind: 'measured' })).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM run_tags').get()).toEqual({ n: 0 });

    const b = runningRun(store);
    store.db.exec(`CREATE TEMP TRIGGER keep_b BEFORE DELETE ON runs WHEN old.id = ${b} BEGIN SELECT RAISE(ABORT, 'keep b'); END`);
    expect(() => store.deleteRuns([a, b])).toThrow('keep b');
    expect(store.list().map((r) => r.id)).toEqual([b, a]);
  });
});
