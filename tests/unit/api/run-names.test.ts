// Run names carry the host — CPU profile and kernel — unless every run of the experiment is on
// the default host (HSW-2016 on its own 4.9); a sweep over kernels leads with it.
import { describe, expect, it } from 'vitest';
import { runName } from '../../../src-main/api/services.js';
import { buildRunConfig } from '../../../src-main/engine/index.js';
import { builtinProfile } from '../../../src-shared/profiles/index.js';
import type { Strategy } from '../../../src-shared/strategies.js';
import type { Workload } from '../../../src-shared/workloads.js';
import { openLab } from './helpers.js';

function config(profile: string, strategy: Strategy, set: Record<string, unknown> = {}, workload: Workload = 'cyclictest') {
  return buildRunConfig({ workload, strategy, profile: builtinProfile(profile)!, samples: 100, seed: 1, set });
}
const alone = { varying: [], seedVaries: false, hostsMixed: false };

describe('runName', () => {
  it('keeps the default host out of the name', () => {
    expect(runName('experiment', config('HSW-2016', 'hrtimer', { guestIdle: 'poll' }), 1, { guestIdle: 'poll' }, alone)).toBe('cyclictest · hrtimer · guestIdle=poll');
    expect(runName('halt', config('HSW-2016', 'hrtimer'), 1, {}, alone)).toBe('halt');
    expect(runName('pair', config('HSW-2016', 'vmx-preemption'), 2, {}, alone)).toBe('pair · vmx-preemption');
  });

  it('names any other host, also the default profile on another kernel', () => {
    expect(runName('experiment', config('SKX', 'hrtimer'), 1, {}, alone)).toBe('cyclictest · hrtimer · SKX 5.15');
    expect(runName('experiment', config('SKX', 'hrtimer', { kernel: '6.8' }), 1, { kernel: '6.8' }, alone)).toBe('cyclictest · hrtimer · SKX 6.8');
    expect(runName('my test', config('SKX', 'hrtimer', { kernel: '6.8' }), 1, { kernel: '6.8' }, alone)).toBe('my test · SKX 6.8');
    expect(runName('pair', config('EPYC', 'hrtimer'), 2, {}, alone)).toBe('pair · hrtimer · EPYC 6.1');
    expect(runName('halt', config('HSW-2016', 'hrtimer', { kernel: '5.4' }), 1, { kernel: '5.4' }, alone)).toBe('halt · HSW-2016 5.4');
  });

  it('leads with the host when the runs of an experiment are on different hosts, never beside kernel=…', () => {
    const among = { varying: ['kernel'], seedVaries: false, hostsMixed: true };
    const names = ['4.9', '5.15', '6.8'].map((k) => runName('sweep kernel on tscdeadline-busy', config('SKX', 'vmx-preemption', { kernel: k }, 'tscdeadline-busy'), 3, { kernel: k }, among));
    expect(names).toEqual(['SKX 4.9 · vmx-preemption', 'SKX 5.15 · vmx-preemption', 'SKX 6.8 · vmx-preemption']);
    // Default-host runs beside another host name their host too, so the two cannot read alike.
    const mixed = { varying: [], seedVaries: true, hostsMixed: true };
    expect(runName('both', config('HSW-2016', 'hrtimer'), 2, {}, mixed)).toBe('HSW-2016 4.9 · hrtimer · seed 1');
    const swept = { varying: ['delta'], seedVaries: false, hostsMixed: false };
    expect(runName('sweep delta', config('SKX', 'hrtimer', { delta: 1000 }, 'tscdeadline-busy'), 2, { delta: 1000 }, swept)).toBe('delta=1000 · hrtimer · SKX 5.15');
  });

  it('names submitted runs by host when an experiment mixes profiles', async () => {
    const t = openLab();
    const spec = { workload: 'tscdeadline-busy' as const, strategy: 'hrtimer' as const, samples: 200, seed: 1, set: {} };
    const { runIds, runNames } = await t.call('experiments:submit', { name: 'across CPUs', runs: [{ ...spec, profile: 'HSW-2016' }, { ...spec, profile: 'EPYC' }, { ...spec, profile: 'SKX', set: { kernel: '6.8' } }] });
    expect(runNames).toEqual(['HSW-2016 4.9 · hrtimer', 'EPYC 6.1 · hrtimer', 'SKX 6.8 · hrtimer']);
    for (const id of runIds) await t.lab.waitForRun(id);
    expect((await t.call('runs:get', { id: runIds[2]! })).name).toBe('SKX 6.8 · hrtimer');
  });
});
