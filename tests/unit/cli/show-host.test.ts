// `timer-lab show` of a simulated run: the host it modelled, its warnings, the advance spin and
// housekeeping figures, the exits as perf kvm stat lays them out, and a replayed sample read
// against its deadline; an older run without a recorded host reads as the assumed 4.9, intel.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, tempDir } from './helpers.js';

const json = <T>(s: string) => JSON.parse(s) as T;

describe('show: host, warnings and overhead figures', () => {
  const tmp = tempDir();
  let postedId = 0;
  let oldId = 0;

  beforeAll(async () => {
    assertBuilt();
    // posted-timer on 6.8 without HLT passthrough falls back to the hv timer: a warning
    const posted = await cli(['run', '--db', tmp.db, '--json', '--threads', '1', '--workload', 'tscdeadline-halt', '--strategy', 'posted-timer', '--profile', 'SKX', '--set', 'kernel=6.8', '--samples', '400']);
    expect(posted.code, posted.stderr).toBe(0);
    postedId = json<{ id: number }>(posted.stdout).id;
    const old = await cli(['run', '--db', tmp.db, '--json', '--threads', '1', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--samples', '200']);
    expect(old.code, old.stderr).toBe(0);
    oldId = json<{ id: number }>(old.stdout).id;
    // as a run stored before summaries recorded their host and the newer figures
    const db = new Database(tmp.db);
    db.prepare(
      "UPDATE runs SET summary_json = json_remove(summary_json, '$.host', '$.warnings', '$.spinCyclesPerTimerEvent', '$.housekeepingCyclesPerTimerEvent') WHERE id = ?",
    ).run(oldId);
    db.close();
  }, 90_000);

  afterAll(() => tmp.remove());

  it('prints the modelled host, the fallback warning and both overhead figures with their meaning', async () => {
    const r = await cli(['show', String(postedId), '--db', tmp.db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('host: SKX · kernel 6.8 · intel · APICv on · mitigations on\n');
    expect(r.stdout).toMatch(/^parameters: kernel=6\.8, [^\n]*; profile SKX/m);
    expect(r.stdout).not.toContain('[object Object]');
    expect(r.stdout).toMatch(/^warning: posted-timer falls back to the hv timer .*hltInGuest=off on 6\.8\)$/m);
    expect(r.stdout).toMatch(/^advance spin per timer event: \d+ cycles — the price of the timer advance: .*wait_lapic_expire/m);
    expect(r.stdout).toMatch(/^housekeeping CPU per timer event: [1-9]\d* cycles — cycles of the housekeeping CPU/m);
  });

  it('lays the exits out as perf kvm stat does, shares adding up to 100 %', async () => {
    const r = await cli(['show', String(postedId), '--db', tmp.db]);
    const d = json<{ summary: { exits: Record<string, { perfKvmStat?: { samples: number } }> } }>((await cli(['show', String(postedId), '--db', tmp.db, '--json'])).stdout);
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => /^\s*VM-EXIT\s+Samples\s+Samples%\s+Time%\s+Avg time$/.test(l));
    expect(head).toBeGreaterThan(0);
    const rows = lines.slice(head + 1).filter((l) => /^\s*[A-Z_]+\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows.map((x) => x[0]).sort()).toEqual(Object.keys(d.summary.exits).filter((k) => d.summary.exits[k]!.perfKvmStat).sort());
    for (const x of rows) expect(Number(x[1])).toBe(d.summary.exits[x[0]!]!.perfKvmStat!.samples);
    const sum = (i: number) => rows.reduce((a, x) => a + Number.parseFloat(x[i]!), 0);
    expect(sum(2)).toBeCloseTo(100, 1);
    expect(sum(3)).toBeCloseTo(100, 1);
    const total = rows.reduce((a, x) => a + Number(x[1]), 0);
    expect(r.stdout).toMatch(new RegExp(`^Total Samples:${total}, Total events handled time:[\\d.]+us\\.$`, 'm'));
  });

  it('labels the host of an older run as the assumed 4.9, intel and prints no figure it lacks', async () => {
    const r = await cli(['show', String(oldId), '--db', tmp.db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^host: HSW-2016 · kernel 4\.9 · intel · APICv not recorded · mitigations not recorded \(assumed: .*4\.9, intel\)$/m);
    expect(r.stdout).not.toMatch(/^warning:/m);
    expect(r.stdout).not.toContain('advance spin per timer event');
    expect(r.stdout).not.toContain('housekeeping CPU per timer event');
  });

  it('replays a worst sample and says where its deadline falls among the events', async () => {
    const worst = json<Array<{ index: number; value: number }>>((await cli(['show', String(postedId), '--db', tmp.db, '--json', '--worst', '1'])).stdout);
    const w = await cli(['show', String(postedId), '--db', tmp.db, '--sample', String(worst[0]!.index)]);
    expect(w.code, w.stderr).toBe(0);
    const m = /^sample (\d+) = (\d+): (\d+) events from the arming of its deadline; the deadline is at (\d+\.\d{6})$/m.exec(w.stdout);
    expect(m, w.stdout.slice(0, 300)).not.toBeNull();
    expect(Number(m![2])).toBe(worst[0]!.value);
    const times = [...w.stdout.matchAll(/\] (\d+\.\d{6}): /g)].map((x) => Number(x[1]));
    expect(times.length).toBe(Number(m![3]));
    const deadline = Number(m![4]);
    expect(deadline).toBeGreaterThanOrEqual(times[0]!);
    expect(deadline).toBeLessThanOrEqual(times.at(-1)!);
  });
});
