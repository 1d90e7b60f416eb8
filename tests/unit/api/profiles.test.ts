// Profiles through the API: list, get, save a copy under another name and run with it; the
// built-in name cannot be overwritten.
import { describe, expect, it } from 'vitest';
import { apiError, closeLab, openLab, runOne } from './helpers.js';

describe('profiles', () => {
  it('lists and gets the built-in HSW-2016', async () => {
    const t = openLab();
    const list = await t.call('profiles:list', {});
    expect(list).toContainEqual(expect.objectContaining({ name: 'HSW-2016', builtIn: true }));
    const p = await t.call('profiles:get', { name: 'HSW-2016' });
    expect(p.name).toBe('HSW-2016');
    expect(p.tsc_khz).toBeGreaterThan(0);
    expect(Object.keys(p.costs)).toContain('vmexit_hw');
  });

  it('saves a copy under another name, uses it in a run, and refuses to overwrite HSW-2016', async () => {
    const t = openLab();
    const hsw = await t.call('profiles:get', { name: 'HSW-2016' });
    const slow = structuredClone(hsw);
    slow.name = 'HSW-slow-exit';
    slow.description = 'HSW-2016 with a 3× VM exit';
    slow.costs.vmexit_hw!.cycles *= 3;
    expect(await t.call('profiles:save', { profile: slow })).toEqual({ ok: true });
    const list = await t.call('profiles:list', {});
    expect(list).toContainEqual({ name: 'HSW-slow-exit', description: 'HSW-2016 with a 3× VM exit', builtIn: false });
    expect(await t.call('profiles:get', { name: 'HSW-slow-exit' })).toEqual({ ...slow, base: 'HSW-2016' });

    const spec = { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 2_000, seed: 5 } as const;
    const base = await runOne(t, spec);
    const slowRun = await runOne(t, { ...spec, profile: 'HSW-slow-exit' });
    const b = await t.call('runs:get', { id: base });
    const s = await t.call('runs:get', { id: slowRun });
    expect(s.profile).toBe('HSW-slow-exit');
    expect(s.config!.profile.costs.vmexit_hw!.cycles).toBe(hsw.costs.vmexit_hw!.cycles * 3);
    expect(s.summary!.latency.mean).toBeGreaterThan(b.summary!.latency.mean);

    const copy = structuredClone(hsw);
    const e = await apiError(t.call('profiles:save', { profile: copy }));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('HSW-2016');
    const lower = { ...structuredClone(hsw), name: 'hsw-2016' };
    expect((await apiError(t.call('profiles:save', { profile: lower }))).code).toBe('conflict');
    expect((await t.call('profiles:get', { name: 'HSW-2016' })).costs.vmexit_hw!.cycles).toBe(hsw.costs.vmexit_hw!.cycles);

    // A user profile survives reopening the database.
    await closeLab(t);
    const again = openLab(t.dbPath);
    expect((await again.call('profiles:get', { name: 'HSW-slow-exit' })).costs.vmexit_hw!.cycles).toBe(hsw.costs.vmexit_hw!.cycles * 3);
  });

  it('refuses to save over a saved profile unless replace is set', async () => {
    const t = openLab();
    const hsw = await t.call('profiles:get', { name: 'HSW-2016' });
    const mine = { ...structuredClone(hsw), name: 'mine', description: 'first' };
    await t.call('profiles:save', { profile: mine });
    const e = await apiError(t.call('profiles:save', { profile: { ...mine, name: 'Mine', description: 'second' } }));
    expect(e).toMatchObject({ code: 'conflict', message: 'a profile named "mine" exists already; save under another name, or replace it' });
    expect((await t.call('profiles:get', { name: 'mine' })).description).toBe('first');
    await t.call('profiles:save', { profile: { ...mine, description: 'second' }, replace: true });
    expect((await t.call('profiles:get', { name: 'mine' })).description).toBe('second');
    expect((await apiError(t.call('profiles:save', { profile: mine, replace: 'yes' as unknown as boolean }))).field).toBe('replace');
  });

  it('refuses an invalid profile with bad-input', async () => {
    const t = openLab();
    const hsw = await t.call('profiles:get', { name: 'HSW-2016' });
    const bad = { ...structuredClone(hsw), name: 'broken', X: 99 };
    const e = await apiError(t.call('profiles:save', { profile: bad }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('X');
    expect((await t.call('profiles:list', {})).map((p) => p.name)).not.toContain('broken');
  });
});
