// Calibration through the contract, as the CLI, web mode and the app call it: read inputs, fit
// and save (profile + provenance + the files as measured runs, in one go), look it up, predict
// (reproduced and predicted runs in one experiment, labelled); every bad input refused with the
// file named and nothing saved.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { simulatedFiles, trueProfile } from '../../calibration-support.js';
import { repoRoot, samplePath } from '../../samples.js';
import { apiError, openLab } from './helpers.js';
import { fitVerdict } from '../../../src-shared/calibration.js';

const files = simulatedFiles({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: trueProfile(), samples: 600, ts: 'ns' });

describe('calibrate through the API', () => {
  it('fits, saves with provenance and measured runs, and predicts with labelled runs', async () => {
    const t = openLab();
    const host = await t.call('calibrate:read', { fileName: 'host.report', content: files.trace });
    const guest = await t.call('calibrate:read', { fileName: 'guest.log', content: files.guestLog });
    expect(host).toMatchObject({ kind: 'host-trace', format: 'trace-cmd', fileName: 'host.report' });
    expect(host.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(guest).toMatchObject({ kind: 'guest-latency', format: 'tscdeadline-latency' });
    const result = await t.call('calibrate', { inputs: [host.inputId, guest.inputId], name: 'my host', bootstrap: 20 });
    expect(result.saved).toBe(true);
    expect(result.detected).toMatchObject({ strategy: 'vmx-preemption', guest: 'busy', workload: 'tscdeadline-busy' });
    expect(result.costs.entry_prep).toMatchObject({ origin: 'fitted' });
    expect(result.measuredRunIds.length).toBeGreaterThanOrEqual(2);
    expect(t.pushes.some((p) => p.channel === 'calibrate:progress')).toBe(true);

    const got = await t.call('calibrate:get', { profile: 'my host' });
    expect(got.profile.costs.entry_prep!.cycles).toBe(result.costs.entry_prep!.value);
    expect(got.provenance?.sources.map((s) => s.sha256)).toEqual([host.sha256, guest.sha256]);
    expect(got.provenance?.draws.length).toBe(20);
    expect(got.provenance?.measuredRunIds).toEqual(result.measuredRunIds);
    const measured = await t.call('runs:get', { id: result.measuredRunIds[0]! });
    expect(measured.role).toBe('measured');
    expect(measured.source?.sha256).toBe(host.sha256);
    // --profile NAME works everywhere: a plain run with it
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: 'my host', samples: 200 }] });
    expect(await t.lab.waitForRun(runIds[0]!)).toBe('done');
    expect((await t.call('runs:get', { id: runIds[0]! })).role).toBeNull();

    const p = await t.call('predict', { profile: 'my host', samples: 500, draws: 4 });
    expect(p.runs.map((r) => [r.role, r.strategy])).toEqual([
      ['reproduced', 'vmx-preemption'],
      ['predicted', 'hrtimer'],
    ]);
    for (const r of p.runs) {
      expect(r.mean.low).toBeLessThanOrEqual(r.mean.value);
      expect(r.mean.high).toBeGreaterThanOrEqual(r.mean.value);
      expect(await t.lab.waitForRun(r.runId)).toBe('done');
      // the point is the stored run's own figure: what `list` and `show` print beside it
      const stored = (await t.call('runs:get', { id: r.runId })).summary!.latency;
      expect([r.mean.value, r.p50.value, r.p99.value]).toEqual([stored.mean, stored.p50, stored.p99]);
    }
    expect(p.runs[1]!.undetermined).toContain('apic_timer_fn'); // the hrtimer path was never measured
    const predicted = await t.call('runs:get', { id: p.runs[1]!.runId });
    expect(predicted.role).toBe('predicted');
    expect(predicted.experimentId).toBe(p.experimentId);
    expect(predicted.summary?.calibration).toMatchObject({ role: 'predicted', profile: 'my host', draws: 4 });
    expect(p.notes.join('\n')).not.toMatch(/intervals are points/);
    // fewer than 2 draws asked for: the note says so, not that the profile keeps fewer (it keeps 20)
    const points = await t.call('predict', { profile: 'my host', samples: 200, draws: 0, strategies: ['hrtimer'] });
    expect(points.draws).toBe(0);
    expect(points.notes).toContain('0 bootstrap draws were asked for (fewer than 2; the profile keeps 20): the intervals are points');
    expect(points.notes.join('\n')).not.toMatch(/the profile keeps fewer/);
    expect(points.runs[1]!.mean).toMatchObject({ low: points.runs[1]!.mean.value, high: points.runs[1]!.mean.value });
    for (const r of points.runs) await t.lab.waitForRun(r.runId);
    const list = await t.call('runs:list', { experimentId: p.experimentId });
    expect(list.map((r) => r.role).sort()).toEqual(['predicted', 'reproduced']);
    // the guest-side log compares with the simulated runs; the rows come measured, reproduced, predicted
    const guestRun = p.measuredRunIds[0]!;
    expect((await t.call('runs:get', { id: guestRun })).measure).toBe('guest-deadline-to-isr');
    const cmp = await t.call('compare', { ids: [p.runs[1]!.runId, p.runs[0]!.runId, guestRun] });
    expect(cmp.runs.map((r) => r.role)).toEqual(['measured', 'reproduced', 'predicted']);
    expect(cmp.warnings.some((w) => /measured, reproduced and predicted runs are shown apart/.test(w))).toBe(true);

    // the same name again: refused before anything runs or is saved, unless told to replace
    const runsBefore = (await t.call('runs:list', {})).length;
    const clash = await apiError(t.call('calibrate', { inputs: [host.inputId], name: 'My Host', bootstrap: 20 }));
    expect(clash).toMatchObject({ code: 'conflict', field: 'name', message: 'name: a calibrated profile named "my host" exists already; save under another name, or replace it' });
    expect((await t.call('runs:list', {})).length).toBe(runsBefore);
    expect((await t.call('calibrate:get', { profile: 'my host' })).provenance?.sources).toHaveLength(2);
    const replaced = await t.call('calibrate', { inputs: [host.inputId], name: 'my host', bootstrap: 20, replace: true });
    expect(replaced.saved).toBe(true);
    expect((await t.call('calibrate:get', { profile: 'my host' })).provenance?.sources).toHaveLength(1);
  });

  it('refuses bad inputs with the file named and saves nothing', async () => {
    const t = openLab();
    const before = await t.call('profiles:list', {});
    const lines = files.trace.trimEnd().split('\n');
    const cut = await apiError(t.call('calibrate:read', { fileName: 'cut.report', content: `${lines.join('\n')}\n${lines[5]!.slice(0, 60)}` }));
    expect(cut).toMatchObject({ code: 'bad-input', field: 'inputs' });
    expect(cut.message).toMatch(/^cut\.report line \d+: the last line is cut off/);
    const vmexit = await apiError(t.call('calibrate:read', { fileName: 'vmexit.log', content: 'tscdeadline 5600\ntscdeadline_immed 3700\n' }));
    expect(vmexit.message).toMatch(/^vmexit\.log: a kvm-unit-tests vmexit log gives cycles per iteration/);
    const empty = await apiError(t.call('calibrate:read', { fileName: 'empty.txt', content: '\n\n' }));
    expect(empty.message).toBe('empty.txt: the file is empty');
    const guest = await t.call('calibrate:read', { fileName: 'guest.log', content: files.guestLog });
    expect(await apiError(t.call('calibrate', { inputs: [guest.inputId] }))).toMatchObject({ code: 'bad-input', field: 'inputs', message: expect.stringMatching(/no host trace among them/) });
    expect(await apiError(t.call('calibrate', { inputs: [999] }))).toMatchObject({ code: 'not-found', field: 'inputs.0' });
    // a repeated input is read once; the missing one is named by its own position
    expect(await apiError(t.call('calibrate', { inputs: [guest.inputId, guest.inputId, 999] }))).toMatchObject({ code: 'not-found', field: 'inputs.2', message: expect.stringMatching(/^inputs\.2: input 999 /) });
    const host = await t.call('calibrate:read', { fileName: 'host.report', content: files.trace });
    expect(await apiError(t.call('calibrate', { inputs: [host.inputId], name: 'HSW-2016' }))).toMatchObject({ code: 'conflict', field: 'name' });
    expect(await apiError(t.call('calibrate', { inputs: [host.inputId], name: 'bad/name' }))).toMatchObject({ code: 'bad-input', field: 'name' });
    expect(await apiError(t.call('calibrate', { inputs: [host.inputId], kernel: '3.2' }))).toMatchObject({ code: 'bad-input', field: 'kernel', message: expect.stringMatching(/the lab models releases from 4\.9 on.*got 3\.2/) });
    expect(await apiError(t.call('predict', { profile: 'HSW-2016' }))).toMatchObject({ code: 'bad-input', field: 'profile', message: expect.stringMatching(/no calibration to predict from/) });
    expect(await t.call('profiles:list', {})).toEqual(before);
    expect(await t.call('runs:list', {})).toEqual([]);
    // --no-save: the whole report, nothing stored
    const dry = await t.call('calibrate', { inputs: [host.inputId], save: false, bootstrap: 20 });
    expect(dry.saved).toBe(false);
    expect(await t.call('profiles:list', {})).toEqual(before);
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('sets perf kvm stat exit times against the reproduction', async () => {
    const t = openLab();
    const host = await t.call('calibrate:read', { fileName: 'host.report', content: files.trace });
    const perfText = readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'imports', 'perf-kvm-stat-x86.txt'), 'utf8');
    const perf = await t.call('calibrate:read', { fileName: 'perf.txt', content: perfText });
    expect(perf).toMatchObject({ kind: 'perf-kvm-stat', format: 'perf-kvm-stat' });
    expect(perf.summary).toMatch(/^perf kvm stat: 5 exit reasons/);
    const r = await t.call('calibrate', { inputs: [host.inputId, perf.inputId], save: false, bootstrap: 20 });
    expect(r.sources.map((s) => s.kind)).toEqual(['host-trace', 'perf-kvm-stat']);
    const msr = r.goodness.perf!.find((p) => p.reason === 'MSR_WRITE')!;
    expect(msr.measuredUs).toBeCloseTo(1.44, 2);
    expect(msr.reproducedUs).toBeGreaterThan(0);
    // the fixture is another machine's: its HLT exits (812 µs) are nothing like this run's, and that is said
    expect(r.goodness.perf!.find((p) => p.reason === 'EPT_MISCONFIG')!.reproducedUs).toBeNull();
    expect(r.goodness.poor.some((p) => /^perf kvm stat \S+: the reproduction's mean exit time is/.test(p))).toBe(true);
  });

  it('validates provenance when a profile is saved and when it is read', async () => {
    const t = openLab();
    const bad = { name: 'forged', base: 'HSW-2016', overrides: {}, provenance: { version: 1, createdAt: 'x', base: 'HSW-2016', sources: [{ fileName: 'a', sha256: 'nothex' }] } };
    expect(await apiError(t.call('profiles:save', { profile: bad }))).toMatchObject({ code: 'bad-input', field: 'provenance.sources.0' });
    await t.call('profiles:save', { profile: { name: 'plain', costs: { entry_prep: { cycles: 310 } } } });
    expect(await t.call('calibrate:get', { profile: 'plain' })).toMatchObject({ provenance: null, note: null });
    // a document damaged in the database: the profile still works, the provenance reads as absent
    const db = new Database(t.dbPath);
    db.prepare("UPDATE profiles SET json = json_set(json, '$.provenance', json('{\"version\": 2}')) WHERE name = 'plain'").run();
    db.close();
    const damaged = await t.call('calibrate:get', { profile: 'plain' });
    expect(damaged.provenance).toBeNull();
    expect(damaged.note).toMatch(/damaged and were ignored \(provenance\.version: expected 1/);
    expect(damaged.profile.costs.entry_prep!.cycles).toBe(310);
    expect((await t.call('calibrate:get', { profile: 'HSW-2016' })).note).toMatch(/built-in profile/);
    expect(DEFAULT_PROFILE.name).toBe('HSW-2016');
  });

  it('a provenance the store refuses fails the save with its field named, and nothing is saved', async () => {
    const t = openLab();
    const host = await t.call('calibrate:read', { fileName: 'host.report', content: files.trace });
    // the store's own check is the one that refuses: a draw that JSON would turn into null
    const save = t.lab.store.saveCalibration.bind(t.lab.store);
    vi.spyOn(t.lab.store, 'saveCalibration').mockImplementation((imports, profile, provenance) =>
      save(imports, profile, { ...provenance, draws: [{ entry_prep: [Number.NaN, 0] }] }),
    );
    const err = await apiError(t.call('calibrate', { inputs: [host.inputId], name: 'nan host', bootstrap: 20 }));
    expect(err.code).toBe('failed');
    expect(err.message).toMatch(/^the calibration could not be saved: its provenance\.draws\.0\.entry_prep is not valid .*; nothing was saved$/);
    expect((await t.call('profiles:list', {})).some((p) => p.name === 'nan host')).toBe(false);
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('saves a short real trace with only finite bootstrap draws, so predict reads it back', async () => {
    const t = openLab();
    const excerpt = readFileSync(samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), 'utf8');
    const host = await t.call('calibrate:read', { fileName: 'excerpt.report', content: excerpt });
    const result = await t.call('calibrate', { inputs: [host.inputId], name: 'excerpt 1', bootstrap: 40, seed: 1 });
    expect(result.saved).toBe(true);
    // a handful of timer cycles cannot call the fit good: segments the data cannot settle are said so
    expect(result.goodness.poor).toEqual([]);
    expect(result.goodness.uncertain.length).toBeGreaterThan(0);
    expect(result.goodness.uncertain.join('\n')).toMatch(/only \d+ measured values/);
    expect(fitVerdict(result.goodness)).not.toMatch(/the fit is good/);
    for (const s of result.goodness.segments.filter((x) => x.used && x.note === 'agrees')) expect(Math.abs(s.meanErrorPct ?? 0)).toBeLessThanOrEqual(2);
    const got = await t.call('calibrate:get', { profile: 'excerpt 1' });
    expect(got.note).toBeNull();
    expect(got.provenance?.draws.length).toBeGreaterThan(0);
    for (const d of got.provenance!.draws) for (const [c, j] of Object.values(d)) expect(Number.isFinite(c) && Number.isFinite(j)).toBe(true);
    const p = await t.call('predict', { profile: 'excerpt 1', samples: 200, draws: 2, strategies: ['hrtimer'] });
    expect(p.runs.map((r) => r.role)).toEqual(['reproduced', 'predicted']);
  }, 120_000);
});
