// The comparison's defaults must read the same in the CLI and the app: the pre-patch path
// (the oldest hrtimer run) is the baseline unless one is chosen, and comparing runs that measure
// different things says so.
import { describe, expect, it } from 'vitest';
import { openLab, runOne } from './helpers.js';

describe('compare defaults', () => {
  it('takes the oldest hrtimer run as the baseline whatever the order of ids', async () => {
    const t = openLab();
    const hv = await runOne(t, { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 2000 });
    const hr = await runOne(t, { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 2000 });
    for (const ids of [[hv, hr], [hr, hv]]) {
      const c = await t.call('compare', { ids });
      expect(c.baseline).toBe(hr);
      const row = c.runs.find((r) => r.id === hv)!;
      expect(row.deltaPct.mean).toBeLessThan(-20); // the preemption timer's saving reads as a reduction
      expect(c.warnings).toEqual([]);
    }
    // an explicit baseline still wins
    expect((await t.call('compare', { ids: [hr, hv], baseline: hv })).baseline).toBe(hv);
  });

  it('warns when the runs measure different things or differ in more than the strategy', async () => {
    const t = openLab();
    const lat = await runOne(t, { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1000 });
    const iter = await runOne(t, { workload: 'vmexit-tscdeadline', strategy: 'hrtimer', samples: 1000 });
    const c = await t.call('compare', { ids: [lat, iter] });
    expect(c.warnings.join('\n')).toContain('measure different things');
    expect(c.warnings.join('\n')).toContain('different workloads');
    const x7 = await runOne(t, { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 1000, set: { X: 7 } });
    const c2 = await t.call('compare', { ids: [lat, x7] });
    expect(c2.warnings).toEqual(['the simulated runs differ in parameters or profile, not only in strategy']);
  });

  it('lists runs with the unit of their numbers', async () => {
    const t = openLab();
    await runOne(t, { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 500 });
    const [item] = await t.call('runs:list', {});
    expect(item!.unit).toBe('cycles');
  });
});

describe('run names', () => {
  it('name the runs of an experiment by strategy and by the settings that vary between them', async () => {
    const t = openLab();
    const spec = { workload: 'tscdeadline-busy' as const, samples: 200, set: { guestIdle: 'poll' } };
    const { runIds } = await t.call('experiments:submit', {
      name: 'sweep delta',
      runs: [
        { ...spec, strategy: 'hrtimer', set: { ...spec.set, delta: 100000 } },
        { ...spec, strategy: 'hrtimer', set: { ...spec.set, delta: 200000 } },
        { ...spec, strategy: 'vmx-preemption', set: { ...spec.set, delta: 200000 } },
      ],
    });
    for (const id of runIds) await t.lab.waitForRun(id);
    const names = await Promise.all(runIds.map(async (id) => (await t.call('runs:get', { id })).name));
    // Short: the experiment's name says the rest (History shows it).
    expect(names).toEqual(['delta=100000 · hrtimer', 'delta=200000 · hrtimer', 'delta=200000 · vmx-preemption']);
    const listed = await t.call('runs:list', { experimentId: (await t.call('runs:get', { id: runIds[0]! })).experimentId! });
    expect(listed.map((r) => r.experimentName)).toEqual(['sweep delta', 'sweep delta', 'sweep delta']);
  });

  it('tell repeats of one configuration apart by seed', async () => {
    const t = openLab();
    const { runIds, runNames } = await t.call('experiments:submit', {
      name: 'halt x3',
      runs: [1, 2, 3].map((seed) => ({ workload: 'tscdeadline-halt' as const, strategy: 'hrtimer' as const, samples: 300, seed })),
    });
    for (const id of runIds) await t.lab.waitForRun(id);
    expect(runNames).toEqual(['halt x3 · hrtimer · seed 1', 'halt x3 · hrtimer · seed 2', 'halt x3 · hrtimer · seed 3']);
  });
});
