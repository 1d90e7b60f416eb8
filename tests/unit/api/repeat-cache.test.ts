// A run's repeat group through runs:get: served without reading the experiment again while the
// database is unchanged, and never stale after a run of it is added, deleted or renamed, here or
// by another connection to the same file (another process, such as the CLI beside the app).
import { describe, expect, it, vi } from 'vitest';
import { syntheticHistogram, syntheticRunConfig, syntheticSamples, syntheticSummary } from '../../../src-main/store/bench-save.js';
import { openStore } from '../../../src-main/store/open-store.js';
import type { RunStore } from '../../../src-main/store/runs.js';
import { openLab } from './helpers.js';

/** A finished simulated run of the synthetic configuration under `seed`, its mean latency `mean`. */
function doneRun(store: RunStore, experimentId: number, seed: number, mean: number): number {
  const config = syntheticRunConfig(100, seed);
  const id = store.insertQueuedRun({ experimentId, name: `seed ${seed}`, config });
  expect(store.markRunning(id)).toBe(true);
  const summary = syntheticSummary(config, 100);
  store.saveResult(id, { summary: { ...summary, latency: { ...summary.latency, mean } }, histogram: syntheticHistogram(100), samples: syntheticSamples(100, seed) });
  return id;
}

describe('repeat groups of runs:get', () => {
  it('reads the experiment once while nothing changes, and again after every change to its runs', async () => {
    const t = openLab();
    const store = t.lab.store;
    const exp = store.createExperiment({ name: 'repeats' });
    const [a, b, c] = [doneRun(store, exp, 1, 4000), doneRun(store, exp, 2, 4010), doneRun(store, exp, 3, 4020)] as [number, number, number];
    const other = doneRun(store, store.createExperiment({ name: 'other' }), 1, 5000);
    const list = vi.spyOn(store, 'list');
    const get = vi.spyOn(store, 'get');
    const repeatsOf = async (id: number) => (await t.call('runs:get', { id })).repeats;

    expect((await repeatsOf(a))?.runIds).toEqual([a, b, c]);
    expect(list).toHaveBeenCalledTimes(1);
    expect(get).toHaveBeenCalledTimes(4); // the run itself, then the three configurations
    list.mockClear();
    get.mockClear();
    for (const id of [a, b, c, a]) expect((await repeatsOf(id))?.mean).toBeCloseTo(4010, 9);
    expect(list).not.toHaveBeenCalled();
    expect(get).toHaveBeenCalledTimes(4); // each run itself only

    // a change elsewhere: the experiment's list is read again, its configurations are not
    store.rename(other, 'elsewhere');
    get.mockClear();
    expect((await repeatsOf(a))?.n).toBe(3);
    expect(list).toHaveBeenCalledTimes(1);
    expect(get).toHaveBeenCalledTimes(1);

    // renamed: the run reads with its new name, its group unchanged
    store.rename(b, 'renamed');
    const renamed = await t.call('runs:get', { id: b });
    expect(renamed.name).toBe('renamed');
    expect(renamed.repeats?.runIds).toEqual([a, b, c]);

    // added, then deleted
    const d = doneRun(store, exp, 4, 4030);
    expect((await repeatsOf(a))?.runIds).toEqual([a, b, c, d]);
    expect((await repeatsOf(a))?.mean).toBeCloseTo(4015, 9);
    expect(store.deleteRuns([c])).toBe(1);
    expect((await repeatsOf(d))?.runIds).toEqual([a, b, d]);

    // another connection to the file deletes and adds: seen on the next call
    const beside = openStore(t.dbPath);
    try {
      expect(beside.store.deleteRuns([d])).toBe(1);
      expect((await repeatsOf(a))?.runIds).toEqual([a, b]);
      const e = doneRun(beside.store, exp, 5, 4040);
      expect((await repeatsOf(b))?.runIds).toEqual([a, b, e]);
      expect(beside.store.deleteRuns([b, e])).toBe(2);
      expect(await repeatsOf(a)).toBeUndefined(); // one run left: no spread across runs
    } finally {
      beside.close();
    }
  });
});
