// RunStore round trips: experiments, the run lifecycle, results and blobs, measured imports,
// list filters, edits, deletes, and the error cases (NotFoundError, ConflictError).
import { hostname } from 'node:os';
import { LEASE_STALE_MS, OWNER, ownerIsAlive } from '../../../src-main/store/runs.js';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src-shared/config.js';
import type { Histogram } from '../../../src-shared/result.js';
import {
  syntheticHistogram,
  syntheticRunConfig,
  syntheticSamples,
  syntheticSummary,
} from '../../../src-main/store/bench-save.js';
import { ConflictError, NotFoundError } from '../../../src-main/store/errors.js';
import type { RunStore } from '../../../src-main/store/runs.js';
import { openStore } from '../../../src-main/store/open-store.js';
import { freshStore, MIGRATIONS_DIR, track } from './helpers.js';

let tick = 0;
const clock = (): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++));

function doneRun(store: RunStore, name: string, n = 100, seed = 1, experimentId: number | null = null): number {
  const config = syntheticRunConfig(n, seed);
  const id = store.insertQueuedRun({ experimentId, name, config });
  expect(store.markRunning(id)).toBe(true);
  store.saveResult(id, { summary: syntheticSummary(config, n), histogram: syntheticHistogram(n), samples: syntheticSamples(n, seed) });
  return id;
}

function measured(store: RunStore, over: Partial<Parameters<RunStore['insertMeasuredRun']>[0]> = {}): number {
  return store.insertMeasuredRun({
    name: 'host cyclictest',
    sourceFile: 'Cyclictest-Hist.txt',
    format: 'cyclictest-hist',
    sha256: 'ab'.repeat(32),
    unit: 'ns',
    stats: { mean: 2100, min: 900, max: 31000, stddev: 400, p50: 2000, p90: 2600, p99: 5200, p999: 20000 },
    histogram: { subBucketBits: 7, buckets: [[1000, 1999, 5], [2000, 2999, 7]], underflow: 0, total: 12 },
    ...over,
  });
}

describe('RunStore lifecycle', () => {
  it('creates an experiment and a queued run holding the full validated config', () => {
    const { store } = freshStore({ now: clock });
    const exp = store.createExperiment({ name: 'hv vs sw', notes: 'n', tags: ['a', 'A', ' b '] });
    const config = syntheticRunConfig(5000, 42);
    const id = store.insertQueuedRun({ experimentId: exp, name: 'run 1', config });
    const d = store.get(id);
    expect(d).toMatchObject({
      id, experimentId: exp, name: 'run 1', kind: 'simulated', workload: 'tscdeadline-halt', strategy: 'vmx-preemption',
      profile: 'bench-synthetic', samples: 5000, seed: 42, status: 'queued', tags: ['a', 'b'], notes: '',
      finishedAt: null, mean: null, p99: null, error: null, sourceFile: null, summary: null, source: null, hasTrace: false,
    });
    expect(d.config).toEqual(config);
    expect(Object.keys(d.config!.profile.costs).length).toBeGreaterThan(30);
    expect(d.createdAt).toMatch(/^2025-01-01T/);
    expect(store.getSamples(id)).toBeNull();
    expect(store.getHistogram(id)).toBeNull();
    expect(store.getTrace(id, 10)).toEqual([]);
  });

  it('rejects an invalid config and an unknown experiment', () => {
    const { store } = freshStore();
    expect(() => store.insertQueuedRun({ name: 'x', config: { ...syntheticRunConfig(), samples: 0 } })).toThrow(ConfigError);
    expect(() => store.insertQueuedRun({ experimentId: 99, name: 'x', config: syntheticRunConfig() })).toThrow(NotFoundError);
    expect(store.list()).toEqual([]);
  });

  it('saves a result with samples, histogram and trace in one go', () => {
    const { store } = freshStore({ now: clock });
    const config = syntheticRunConfig(1000, 3);
    const id = store.insertQueuedRun({ name: 'r', config });
    expect(store.markRunning(id)).toBe(true);
    expect(store.get(id).status).toBe('running');
    const samples = syntheticSamples(1000, 3);
    const summary = syntheticSummary(config, 1000);
    const histogram: Histogram = syntheticHistogram(1000);
    const trace = Array.from({ length: 50 }, (_, i) => ({ t: i * 10, cpu: 0, event: 'kvm_exit', text: `n ${i}` }));
    store.saveResult(id, { summary, histogram, samples, trace });
    const d = store.get(id);
    expect(d).toMatchObject({ status: 'done', mean: 4000, p99: 4700, samples: 1000, hasTrace: true, error: null });
    expect(d.summary).toEqual(summary);
    expect(d.finishedAt).not.toBeNull();
    expect(store.getSamples(id)).toEqual(samples);
    expect(store.getHistogram(id)).toEqual(histogram);
    expect(store.getTrace(id, 5)).toEqual(trace.slice(0, 5));
    expect(store.getTrace(id, 1000)).toEqual(trace);
    expect(store.db.prepare('SELECT engine_version FROM runs WHERE id = ?').get(id)).toEqual({ engine_version: 'bench' });
  });

  it('guards the status transitions', () => {
    const { store } = freshStore();
    const config = syntheticRunConfig(10);
    const a = store.insertQueuedRun({ name: 'a', config });
    expect(store.markCancelled(a)).toBe(true);
    expect(store.markRunning(a)).toBe(false);
    expect(store.markFailed(a, 'late')).toBe(false);
    expect(() => store.saveResult(a, { summary: syntheticSummary(config, 10), histogram: null, samples: null })).toThrow(
      new ConflictError(`run ${a} is cancelled; only a queued or running run can be finished`),
    );
    expect(store.get(a).status).toBe('cancelled');
    expect(store.get(a).samples).toBe(0); // cancelled before it started: none computed, not the 10 asked for
    expect(store.list().find((r) => r.id === a)?.samples).toBe(0);

    const b = store.insertQueuedRun({ name: 'b', config });
    store.markRunning(b);
    expect(store.markFailed(b, 'engine exploded')).toBe(true);
    expect(store.get(b)).toMatchObject({ status: 'failed', error: 'engine exploded', samples: 0 });
    expect(store.markCancelled(b)).toBe(false);

    expect(() => store.markRunning(999)).toThrow(new NotFoundError('run', 999));
    expect(() => store.markFailed(999, 'x')).toThrow(NotFoundError);
    expect(() => store.markCancelled(999)).toThrow(NotFoundError);
    expect(() => store.saveResult(999, { summary: syntheticSummary(config, 1), histogram: null, samples: null })).toThrow(
      'run 999 not found',
    );
  });

  it('marks queued and running runs interrupted, and openStore does it at every open', () => {
    const o = freshStore();
    const { store } = o;
    const config = syntheticRunConfig(10);
    const q = store.insertQueuedRun({ name: 'q', config });
    const r = store.insertQueuedRun({ name: 'r', config });
    store.markRunning(r);
    const d = doneRun(store, 'd');
    // Runs owned by this live process are never touched…
    expect(store.markInterruptedRuns()).toBe(0);
    expect(store.get(r).status).toBe('running');
    // …runs whose owner is gone are.
    expect(store.markInterruptedRuns(() => false)).toBe(2);
    expect(store.get(q)).toMatchObject({ status: 'interrupted', error: 'Timer Lab stopped before the run finished' });
    expect(store.get(r).status).toBe('interrupted');
    // neither saved a result: they count 0 samples, not the 10 asked for, which their config keeps
    for (const id of [q, r]) {
      expect(store.get(id).samples).toBe(0);
      expect(store.get(id).config?.samples).toBe(10);
      expect(store.list().find((x) => x.id === id)?.samples).toBe(0);
    }
    expect(store.get(d).status).toBe('done');
    expect(store.markInterruptedRuns(() => false)).toBe(0);
  });

  it('tells live owners from dead ones by this process or a fresh lease', () => {
    const now = 1_000_000_000;
    expect(ownerIsAlive(OWNER, null, now)).toBe(true);
    expect(ownerIsAlive(null, now, now)).toBe(false);
    // another live process here: alive while its lease is fresh (a reused pid has a stale lease)
    expect(ownerIsAlive(`${hostname()}:${process.ppid}:abc`, now - 1000, now)).toBe(true);
    expect(ownerIsAlive(`${hostname()}:${process.ppid}:abc`, now - LEASE_STALE_MS - 1, now)).toBe(false);
    // a process here whose pid is gone: abandoned at once, even with a fresh lease
    expect(ownerIsAlive(`${hostname()}:4194303:abc`, now - 1000, now)).toBe(false);
    // another host: the lease alone decides
    expect(ownerIsAlive(`elsewhere:1:abc`, now - 1000, now)).toBe(true);
    expect(ownerIsAlive(`elsewhere:1:abc`, null, now)).toBe(false);
  });

  it('lets this process finish a run another process took for abandoned', () => {
    const { store } = freshStore();
    const config = syntheticRunConfig(10);
    const id = store.insertQueuedRun({ name: 'slept', config });
    store.markRunning(id);
    expect(store.markInterruptedRuns(() => false)).toBe(1); // e.g. a laptop suspended past the lease
    expect(store.get(id).samples).toBe(0);
    store.saveResult(id, { summary: syntheticSummary(config, 10), histogram: syntheticHistogram(10), samples: syntheticSamples(10, 1) });
    expect(store.get(id)).toMatchObject({ status: 'done', samples: 10 });
  });
});

describe('measured runs', () => {
  it('stores an import with its source, stats, histogram and optional samples', () => {
    const { store } = freshStore();
    const samples = new Int32Array([1500, 2500, 2100]);
    const id = measured(store, { samples, tags: ['host'], exits: { HLT: { count: 3, hostCycles: 900 } }, workload: 'cyclictest' });
    const d = store.get(id);
    expect(d).toMatchObject({
      kind: 'measured', status: 'done', name: 'host cyclictest', workload: 'cyclictest', strategy: 'unknown', profile: '',
      samples: 3, seed: null, mean: 2100, p99: 5200, config: null, tags: ['host'], sourceFile: 'Cyclictest-Hist.txt',
      source: { fileName: 'Cyclictest-Hist.txt', format: 'cyclictest-hist', sha256: 'ab'.repeat(32) },
    });
    expect(d.summary?.latency.unit).toBe('ns');
    expect(d.summary?.exits).toEqual({ HLT: { count: 3, hostCycles: 900 } });
    expect(store.getSamples(id)).toEqual(samples);
    expect(store.getHistogram(id)?.total).toBe(12);

    const noSamples = measured(store);
    expect(store.get(noSamples).samples).toBe(12);
    expect(store.getSamples(noSamples)).toBeNull();
  });
});

describe('imports of several runs', () => {
  const input = (over: Partial<Parameters<RunStore['insertMeasuredRun']>[0]> = {}) => ({
    name: 'file · thread 0',
    sourceFile: 'file.txt',
    format: 'cyclictest-hist',
    sha256: 'cd'.repeat(32),
    unit: 'ns' as const,
    stats: { mean: 2100, min: 900, max: 31000, stddev: null, p50: null, p90: null, p99: null, p999: null },
    count: 12,
    measure: 'wakeup-latency' as const,
    ...over,
  });
  it('stores every run of a file and their experiment in one transaction, or nothing', () => {
    const { store } = freshStore({ now: clock });
    const bad = input({ samples: [1, 2] as unknown as Int32Array }); // not an Int32Array: the store refuses it
    expect(() => store.insertMeasuredImport({ name: 'file.txt' }, [input(), bad])).toThrow(/Int32Array/);
    expect(store.list()).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM experiments').get()).toEqual({ n: 0 });
    const ok = store.insertMeasuredImport({ name: 'file.txt' }, [input(), input({ name: 'file · thread 1' })]);
    expect(ok.existing).toBe(false);
    expect(store.list().map((r) => [r.name, r.experimentId, r.measure, r.p99])).toEqual([
      ['file · thread 1', ok.experimentId, 'wakeup-latency', null],
      ['file · thread 0', ok.experimentId, 'wakeup-latency', null],
    ]);
    expect(store.get(ok.runIds[0] ?? 0).samples).toBe(12);
  });
  it('a file with the same SHA-256 is not stored again: its runs are returned', () => {
    const { store } = freshStore({ now: clock });
    const first = store.insertMeasuredImport({ name: 'a' }, [input()]);
    const again = store.insertMeasuredImport({ name: 'b' }, [input({ name: 'other name' })]);
    expect(again).toEqual({ experimentId: first.experimentId, runIds: first.runIds, existing: true });
    expect(store.list()).toHaveLength(1);
    expect(store.findImport('ef'.repeat(32))).toBeNull();
  });
});

describe('list', () => {
  it('filters by every field, newest first, with limit and offset', () => {
    const { store } = freshStore();
    const exp = store.createExperiment({ name: 'e', tags: ['Baseline'] });
    const a = doneRun(store, 'Alpha run', 10, 1, exp);
    const cfgB = { ...syntheticRunConfig(10), strategy: 'hrtimer' as const, workload: 'cyclictest' as const };
    const b = store.insertQueuedRun({ name: 'beta', config: cfgB, tags: ['patched'] });
    store.setNotes(b, 'Ünïcode NOTES here');
    const m = measured(store, { tags: ['host'] });

    const ids = (f: Parameters<RunStore['list']>[0]): number[] => store.list(f).map((r) => r.id);
    expect(ids({})).toEqual([m, b, a]);
    expect(ids({ workload: 'cyclictest' })).toEqual([b]);
    expect(ids({ strategy: 'vmx-preemption' })).toEqual([a]);
    expect(ids({ kind: 'measured' })).toEqual([m]);
    expect(ids({ status: 'queued' })).toEqual([b]);
    expect(ids({ status: 'done' })).toEqual([m, a]);
    expect(ids({ tag: 'baseline' })).toEqual([a]);
    expect(ids({ tag: 'PATCHED' })).toEqual([b]);
    expect(ids({ experimentId: exp })).toEqual([a]);
    expect(ids({ text: 'ALPHA' })).toEqual([a]);
    expect(ids({ text: 'ünïcode notes' })).toEqual([b]);
    expect(ids({ text: 'hist.TXT' })).toEqual([m]);
    expect(ids({ text: 'base' })).toEqual([a]);
    expect(ids({ text: '%' })).toEqual([]);
    expect(ids({ text: 'run', kind: 'simulated', status: 'done' })).toEqual([a]);
    expect(ids({ limit: 2 })).toEqual([m, b]);
    expect(ids({ limit: 2, offset: 2 })).toEqual([a]);
    expect(ids({ text: '', tag: '' })).toEqual([m, b, a]);

    const item = store.list({ kind: 'simulated', status: 'done' })[0]!;
    expect(item).toEqual({
      id: a, experimentId: exp, name: 'Alpha run', kind: 'simulated', workload: 'tscdeadline-halt', strategy: 'vmx-preemption',
      profile: 'bench-synthetic', samples: 10, seed: 1, status: 'done', tags: ['Baseline'], createdAt: item.createdAt,
      finishedAt: item.finishedAt, mean: 4000, p99: 4700, error: null, sourceFile: null, unit: 'cycles',
      measure: 'guest-deadline-to-isr', // what a tscdeadline workload measures
      role: null, // a plain simulated run: no calibration role
      experimentName: 'e',
    });
  });
});

describe('edits and deletes', () => {
  it('renames, sets notes and tags, and deletes with cascades', () => {
    const { store, db } = freshStore();
    const a = doneRun(store, 'a');
    const b = doneRun(store, 'b');
    store.rename(a, 'renamed');
    store.setNotes(a, 'some notes');
    expect(store.setTags(a, ['x', ' y', 'X', ''])).toEqual(['x', 'y']);
    expect(store.get(a)).toMatchObject({ name: 'renamed', notes: 'some notes', tags: ['x', 'y'] });
    expect(store.list({ tag: 'y' }).map((r) => r.id)).toEqual([a]);
    store.setTags(a, ['z']);
    expect(store.list({ tag: 'y' })).toEqual([]);
    expect(store.list({ tag: 'z' }).map((r) => r.id)).toEqual([a]);

    expect(() => store.rename(99, 'x')).toThrow(NotFoundError);
    expect(() => store.setNotes(99, 'x')).toThrow(NotFoundError);
    expect(() => store.setTags(99, ['x'])).toThrow(NotFoundError);
    expect(() => store.get(99)).toThrow('run 99 not found');
    expect(() => store.getSamples(99)).toThrow(NotFoundError);
    expect(() => store.getHistogram(99)).toThrow(NotFoundError);
    expect(() => store.getTrace(99, 1)).toThrow(NotFoundError);

    expect(store.deleteRuns([a, 12345])).toBe(1);
    expect(store.list().map((r) => r.id)).toEqual([b]);
    expect(db.prepare('SELECT count(*) AS n FROM run_data WHERE run_id = ?').get(a)).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM run_tags WHERE run_id = ?').get(a)).toEqual({ n: 0 });
    expect(store.deleteRuns([])).toBe(0);
  });

  it('keeps runs when their experiment is deleted', () => {
    const { store, db } = freshStore();
    const exp = store.createExperiment({ name: 'e' });
    const a = doneRun(store, 'a', 10, 1, exp);
    db.prepare('DELETE FROM experiments WHERE id = ?').run(exp);
    expect(store.get(a).experimentId).toBeNull();
  });

  it('never reuses the id of a deleted run', () => {
    const { store } = freshStore();
    const a = doneRun(store, 'a');
    store.deleteRuns([a]);
    expect(doneRun(store, 'b')).toBeGreaterThan(a);
  });
});

describe('revision', () => {
  it('stays while only reads happen and changes with a write here or a commit by another connection', () => {
    const opened = freshStore({ now: clock });
    const { store } = opened;
    const id = doneRun(store, 'a');
    const before = store.revision();
    store.list();
    store.get(id);
    expect(store.revision()).toBe(before);
    store.rename(id, 'b');
    const renamed = store.revision();
    expect(renamed).not.toBe(before);
    const beside = track(openStore(opened.db.name, { migrationsDir: MIGRATIONS_DIR }));
    beside.store.setNotes(id, 'written beside');
    expect(store.revision()).not.toBe(renamed);
  });
});
