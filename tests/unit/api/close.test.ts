// Closing the lab (what every front door does as it ends: the CLI, web mode, the desktop app)
// while a run is going: the run is cancelled as runs:cancel cancels it and stored with the
// samples it finished; the wait for that is said, and bounded.
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../src-shared/contract.js';
import { closeLab, openLab } from './helpers.js';

/** Resolves once run `id` has reported finished samples. */
function samplesDone(t: ReturnType<typeof openLab>, id: number): Promise<void> {
  return new Promise((resolve) => {
    const off = t.host.subscribe((channel, payload) => {
      if (channel === 'run:progress' && (payload as RunProgress).runId === id && (payload as RunProgress).done > 0) {
        off();
        resolve();
      }
    });
  });
}

describe('closing the lab while a run is going', () => {
  it('cancels the run and stores the samples it finished, saying what it waits for', async () => {
    const t = openLab(undefined, 1);
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000_000 }] });
    const id = runIds[0]!;
    await samplesDone(t, id);
    const notices: string[] = [];
    await closeLab(t, { notice: (text) => notices.push(text) });
    expect(notices).toEqual([`stopping: cancelling run ${id} in progress and saving the samples finished (waiting up to 5 s)…`]);
    const reopened = openLab(t.dbPath);
    const d = await reopened.call('runs:get', { id });
    expect(d.status).toBe('cancelled');
    expect(d.summary?.stoppedBy).toBe('cancelled');
    expect(d.samples).toBeGreaterThan(0);
    expect(d.samples).toBeLessThan(20_000_000);
    expect(reopened.lab.store.getSamples(id)?.length).toBe(d.samples);
    await closeLab(reopened);
  });

  it('gives up waiting after the grace period: the run is stored cancelled and the notice says it was not saved', async () => {
    const t = openLab(undefined, 1);
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000_000 }] });
    const id = runIds[0]!;
    await samplesDone(t, id);
    const notices: string[] = [];
    await closeLab(t, { notice: (text) => notices.push(text), graceMs: 0 });
    expect(notices[1]).toBe(`run ${id} not saved within 0 s: stored as cancelled without samples`);
    const reopened = openLab(t.dbPath);
    const d = await reopened.call('runs:get', { id });
    expect(d.status).toBe('cancelled');
    await closeLab(reopened);
  });

  it('says nothing when no run is going', async () => {
    const t = openLab(undefined, 1);
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 2000 }] });
    expect(await t.lab.waitForRun(runIds[0]!)).toBe('done');
    const notices: string[] = [];
    await closeLab(t, { notice: (text) => notices.push(text) });
    expect(notices).toEqual([]);
  });
});
