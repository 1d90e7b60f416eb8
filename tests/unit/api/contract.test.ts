// The API surface: every contract call has a handler, and bad arguments are refused with
// code 'bad-input' and the field they name, before anything is saved.
import { describe, expect, it } from 'vitest';
import { CALLS } from '../../../src-shared/contract.js';
import { HANDLERS } from '../../../src-main/api/index.js';
import { apiError, openLab } from './helpers.js';

const RUN = { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 1_000 } as const;

describe('API contract', () => {
  it('has exactly one handler per contract call', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual(Object.keys(CALLS).sort());
    for (const k of Object.keys(CALLS)) expect(typeof (HANDLERS as Record<string, unknown>)[k]).toBe('function');
  });

  it('refuses an unknown channel as not-found', async () => {
    const t = openLab();
    const e = await apiError(t.host.call('runs:explode', {}));
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('runs:explode');
  });

  it('names the field of bad arguments', async () => {
    const t = openLab();
    const cases: Array<[string, unknown, RegExp, string?]> = [
      ['experiments:submit', { runs: [{ ...RUN, workload: 'nope' }] }, /^runs\.0\.workload$/],
      ['experiments:submit', { runs: [RUN, { ...RUN, strategy: 'bogus' }] }, /^runs\.1\.strategy$/],
      ['experiments:submit', { runs: [{ ...RUN, samples: 0 }] }, /^runs\.0\.samples$/],
      ['experiments:submit', { runs: [{ ...RUN, samples: 1.5 }] }, /^runs\.0\.samples$/],
      ['experiments:submit', { runs: [{ ...RUN, set: { X: 99 } }] }, /set\.X/, 'X'],
      ['experiments:submit', { runs: [{ ...RUN, set: { nope: 1 } }] }, /set\.nope/, 'nope'],
      ['experiments:submit', { runs: [{ ...RUN, set: { delta: 'abc' } }] }, /set\.delta/, 'delta'],
      ['experiments:submit', { runs: [] }, /^runs$/],
      ['experiments:submit', { runs: [RUN], tags: ['a,b'] }, /^tags\.0$/],
      ['runs:get', { id: -1 }, /^id$/],
      ['runs:get', { id: 'x' }, /^id$/],
      ['runs:rename', { id: 1, name: '   ' }, /^name$/],
      ['runs:delete', { ids: [] }, /^ids$/],
      ['compare', { ids: [1] }, /^ids$/],
      ['compare', { ids: [1, 1] }, /^ids$/],
      ['export', { ids: [1], format: 'docx' }, /^format$/],
      ['import', { fileName: 'a.txt', content: 'x', format: 'excel' }, /^format$/],
      ['import', { fileName: '', content: 'x' }, /^fileName$/],
    ];
    for (const [channel, args, field, inMessage] of cases) {
      const e = await apiError(t.host.call(channel, args));
      expect(e.code, `${channel} ${JSON.stringify(args)}`).toBe('bad-input');
      expect(e.field, `${channel} ${JSON.stringify(args)}`).toMatch(field);
      expect(e.message).toContain(e.field!);
      if (inMessage) expect(e.message).toContain(inMessage);
    }
  });

  it('reports an unknown profile in a run spec as bad input, an unknown run or profile as not-found', async () => {
    const t = openLab();
    const e = await apiError(t.call('experiments:submit', { runs: [{ ...RUN, profile: 'NO-SUCH' }] }));
    expect(e.code).toBe('bad-input');
    expect(e.field).toBe('runs.0.profile');
    expect(e.message).toContain('NO-SUCH');
    expect(e.message).toContain('known: HSW-2016');
    expect((await apiError(t.call('runs:get', { id: 4242 }))).code).toBe('not-found');
    expect((await apiError(t.call('profiles:get', { name: 'NO-SUCH' }))).code).toBe('not-found');
  });

  it('saves nothing when one run of an experiment is invalid', async () => {
    const t = openLab();
    const e = await apiError(
      t.call('experiments:submit', {
        name: 'half bad',
        runs: [RUN, { ...RUN, strategy: 'vmx-preemption' }, { ...RUN, set: { X: 99 } }],
      }),
    );
    expect(e.code).toBe('bad-input');
    expect(e.field).toContain('runs.2.');
    expect(await t.call('runs:list', {})).toEqual([]);
    expect(t.pushes).toEqual([]);
  });

  it('params:spec lists the run parameters and cost names', async () => {
    const t = openLab();
    const spec = await t.call('params:spec', {});
    expect(spec.runParams.map((p) => p.name)).toContain('delta');
    expect(spec.costNames).toContain('vmexit_hw');
  });
});
