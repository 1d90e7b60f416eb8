// Runs through the API: submit → wait → get, pushes, editing, delete rules, cancel, and crash
// recovery when the database is opened again.
import Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { RunFinished, RunProgress } from '../../../src-shared/contract.js';
import { DEFAULT_PROFILE, buildRunConfig } from '../../../src-main/engine/index.js';
import { LabServices } from '../../../src-main/api/index.js';
import { apiError, closeLab, openLab, runOne } from './helpers.js';

describe('runs via the API', () => {
  it('submit → wait → runs:get shows a finished run with its summary, histogram and pushes', async () => {
    const t = openLab();
    const { experimentId, runIds } = await t.call('experiments:submit', {
      name: 'halt pair',
      tags: ['seed'],
      runs: [
        { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 120_000, seed: 3 },
        { workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 5_000, seed: 3 },
      ],
    });
    expect(runIds).toHaveLength(2);
    expect(await Promise.all(runIds.map((id) => t.lab.waitForRun(id)))).toEqual(['done', 'done']);
    const d = await t.call('runs:get', { id: runIds[0]! });
    expect(d).toMatchObject({ id: runIds[0], experimentId, status: 'done', kind: 'simulated', workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 120_000, seed: 3 });
    expect(d.summary).not.toBeNull();
    expect(d.summary!.samples).toBe(120_000);
    expect(d.summary!.latency.unit).toBe('cycles');
    expect(d.summary!.latency.mean).toBeGreaterThan(0);
    expect(d.mean).toBe(d.summary!.latency.mean);
    expect(d.finishedAt).not.toBeNull();
    expect(d.tags).toEqual(['seed']);
    const h = await t.call('runs:histogram', { id: runIds[0]! });
    expect(h.total).toBe(120_000);
    const list = await t.call('runs:list', { experimentId });
    expect(list.map((r) => r.id).sort()).toEqual([...runIds].sort());

    const progress = t.pushes.filter((p) => p.channel === 'run:progress').map((p) => p.payload as RunProgress);
    const finished = t.pushes.filter((p) => p.channel === 'run:finished').map((p) => p.payload as RunFinished);
    for (const id of runIds) {
      const mine = progress.filter((p) => p.runId === id);
      expect(mine[0]!.status).toBe('queued');
      expect(mine.at(-1)).toMatchObject({ status: 'done', done: mine.at(-1)!.total });
      expect(finished.filter((f) => f.runId === id)).toEqual([{ runId: id, status: 'done', error: null }]);
    }
    // The 120k run lasts long enough for at least one 'running' progress push.
    expect(progress.some((p) => p.runId === runIds[0] && p.status === 'running' && p.done > 0)).toBe(true);
  });

  it('rename, notes, tags and delete round-trip', async () => {
    const t = openLab();
    const id = await runOne(t, { workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', samples: 2_000 });
    await t.call('runs:rename', { id, name: '  renamed run  ' });
    await t.call('runs:notes', { id, notes: 'line 1\nline 2' });
    await t.call('runs:tag', { id, tags: ['baseline', 'hsw'] });
    let d = await t.call('runs:get', { id });
    expect(d.name).toBe('renamed run');
    expect(d.notes).toBe('line 1\nline 2');
    expect([...d.tags].sort()).toEqual(['baseline', 'hsw']);
    expect((await t.call('runs:list', { tag: 'hsw' })).map((r) => r.id)).toEqual([id]);
    expect((await t.call('runs:list', { text: 'renamed' })).map((r) => r.id)).toEqual([id]);
    await t.call('runs:tag', { id, tags: ['hsw'] });
    d = await t.call('runs:get', { id });
    expect(d.tags).toEqual(['hsw']);
    expect(await t.call('runs:delete', { ids: [id] })).toEqual({ deleted: 1 });
    expect((await apiError(t.call('runs:get', { id }))).code).toBe('not-found');
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('refuses to delete a running run; runs:cancel ends it as cancelled, keeping the samples it finished', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000_000 }],
    });
    const id = runIds[0]!;
    const e = await apiError(t.call('runs:delete', { ids: [id] }));
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/queued|running/);
    // Wait until it is really running, then try again.
    for (let i = 0; i < 100 && (await t.call('runs:get', { id })).status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await t.call('runs:get', { id })).status).toBe('running');
    expect((await apiError(t.call('runs:delete', { ids: [id] }))).code).toBe('conflict');
    expect(await t.call('runs:cancel', { id })).toEqual({ ok: true });
    expect(await t.lab.waitForRun(id)).toBe('cancelled');
    const d = await t.call('runs:get', { id });
    expect(d.status).toBe('cancelled');
    // The finished samples are kept, with their true count (not the 20 M asked for).
    expect(d.summary).not.toBeNull();
    expect(d.summary!.stoppedBy).toBe('cancelled');
    const kept = t.lab.store.getSamples(id);
    expect(kept).not.toBeNull();
    expect(kept!.length).toBeGreaterThan(0);
    expect(kept!.length).toBeLessThan(20_000_000);
    expect(d.summary!.samples).toBe(kept!.length);
    expect(d.samples).toBe(kept!.length);
    expect((await t.call('runs:list', {})).find((r) => r.id === id)?.samples).toBe(kept!.length);
    expect((await t.call('runs:histogram', { id })).total).toBe(kept!.length);
    expect(t.pushes.some((p) => p.channel === 'run:finished' && (p.payload as RunFinished).runId === id && (p.payload as RunFinished).status === 'cancelled')).toBe(true);
    expect(await t.call('runs:cancel', { id })).toEqual({ ok: false });
    expect(await t.call('runs:delete', { ids: [id] })).toEqual({ deleted: 1 });
  });

  it('runs cancelled while still queued count the samples they computed (none) in list, detail and CSV export', async () => {
    const t = openLab(undefined, 1);
    const { runIds } = await t.call('experiments:submit', {
      runs: [1, 2, 3].map((seed) => ({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1_000_000, seed })),
    });
    for (const id of runIds.slice(1)) expect(await t.call('runs:cancel', { id })).toEqual({ ok: true });
    await t.call('runs:cancel', { id: runIds[0]! });
    for (const id of runIds) expect(await t.lab.waitForRun(id)).toBe('cancelled');
    const never = runIds.filter((id) => t.lab.store.getSamples(id) === null);
    expect(never.length).toBeGreaterThanOrEqual(2); // the last two were still queued when cancelled
    const list = await t.call('runs:list', {});
    const csv = (await t.call('export', { ids: never, format: 'csv' })).content.trim().split('\n');
    const column = csv[0]!.split(',').indexOf('samples');
    expect(column).toBeGreaterThan(0);
    for (const id of never) {
      const d = await t.call('runs:get', { id });
      expect(d.summary).toBeNull();
      expect(d.samples).toBe(0);
      expect(list.find((r) => r.id === id)?.samples).toBe(0);
      expect(csv.find((line) => line.startsWith(`${id},`))?.split(',')[column]).toBe('0');
    }
  });

  it('a cancelled prediction run keeps its calibration label with the samples it finished', async () => {
    const t = openLab();
    const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 20_000_000 });
    const { runIds } = t.lab.submitCalibrationRuns('prediction', [{ name: 'predicted busy', config, calibration: { role: 'predicted', profile: 'mine' } }]);
    const id = runIds[0]!;
    for (let i = 0; i < 100 && (await t.call('runs:get', { id })).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // some shards' samples done
    await t.call('runs:cancel', { id });
    expect(await t.lab.waitForRun(id)).toBe('cancelled');
    const d = await t.call('runs:get', { id });
    expect(d.summary?.stoppedBy).toBe('cancelled');
    expect(d.summary?.calibration).toEqual({ role: 'predicted', profile: 'mine' });
  });

  it('a run left running by a crash is reported interrupted when the database is opened again', async () => {
    const first = openLab();
    const done = await runOne(first, { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 1_000 });
    // Simulate the crash: a run marked running in the DB with no process behind it.
    const config = buildRunConfig({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 5_000, seed: 1 });
    const exp = first.lab.store.createExperiment({ name: 'crashed', notes: '', tags: [] });
    const running = first.lab.store.insertQueuedRun({ experimentId: exp, name: 'crashed', config });
    const queued = first.lab.store.insertQueuedRun({ experimentId: exp, name: 'crashed too', config });
    first.lab.store.markRunning(running);
    expect(first.lab.store.get(running).status).toBe('running');
    // While their owner lives, another process opening the database leaves them alone.
    const peer = new LabServices({ dbPath: first.dbPath, threads: 1 });
    try {
      expect(peer.interruptedAtOpen).toBe(0);
      expect(peer.store.get(running).status).toBe('running');
    } finally {
      await peer.close();
    }
    await closeLab(first);
    // The crash: the owning process is gone.
    const raw = new Database(first.dbPath);
    raw.prepare('UPDATE runs SET owner = ? WHERE id IN (?, ?)').run(`${hostname()}:4194303`, running, queued);
    raw.close();

    const again = openLab(first.dbPath);
    expect(again.lab.interruptedAtOpen).toBe(2);
    expect((await again.call('runs:get', { id: running })).status).toBe('interrupted');
    expect((await again.call('runs:get', { id: queued })).status).toBe('interrupted');
    expect((await again.call('runs:get', { id: done })).status).toBe('done');
    expect(await again.lab.waitForRun(running)).toBe('interrupted');
    // Interrupted runs can be deleted; a third open finds nothing to recover.
    await again.call('runs:delete', { ids: [running, queued] });
    await closeLab(again);
    const third = new LabServices({ dbPath: first.dbPath, threads: 1 });
    try {
      expect(third.interruptedAtOpen).toBe(0);
    } finally {
      await third.close();
    }
  });
});
