// `timer-lab calibrate` and `predict` as a user runs them: files streamed from disk, the
// detection, fitted costs and goodness of fit printed (or --json with the shape), the
// profile saved and usable with --profile, predictions stored as labelled runs; a bad file exits
// with 2, names the file and line, and saves nothing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalibrationResult, PredictResult } from '../../../src-shared/calibration.js';
import { samplePath } from '../../samples.js';
import { simulatedFiles, trueProfile } from '../../calibration-support.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

describe('timer-lab calibrate and predict', () => {
  const tmp = tempDir();
  const db = tmp.db;
  const files = simulatedFiles({ workload: 'tscdeadline-halt', strategy: 'hrtimer', profile: trueProfile(), samples: 500, ts: 'us' });
  const host = path.join(tmp.dir, 'host.report');
  const guest = path.join(tmp.dir, 'guest.log');
  beforeAll(() => {
    assertBuilt();
    writeFileSync(host, files.trace);
    writeFileSync(guest, files.guestLog);
  });
  afterAll(() => tmp.remove());

  it('calibrates, saves the profile and predicts', async () => {
    const r = await cli(['calibrate', host, guest, '--name', 'lab-host', '--bootstrap', '20', '--db', db, '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as CalibrationResult;
    expect(out.detected).toMatchObject({ strategy: 'hrtimer', guest: 'halt', workload: 'tscdeadline-halt', resolutionNs: 1000 });
    for (const c of Object.values(out.costs)) {
      expect(['fitted', 'sum', 'base']).toContain(c.origin);
      expect(c.low).toBeLessThanOrEqual(c.value);
      expect(c.high).toBeGreaterThanOrEqual(c.value);
    }
    expect(out.saved).toBe(true);
    const profiles = await cli(['profiles', '--db', db, '--json']);
    expect(profiles.stdout).toContain('lab-host');
    const text = await cli(['calibrate', host, '--no-save', '--bootstrap', '20', '--db', db], { timeoutMs: 120_000 });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^detected: hrtimer \(/);
    expect(text.stdout).toContain('goodness of fit (reproduction of hrtimer with the fitted profile):');
    expect(text.stdout).toContain('kept at the base (nothing in the files depends on them): ');
    expect(text.stdout).toContain('not saved (--no-save)');

    const p = await cli(['predict', '--profile', 'lab-host', '--samples', '300', '--draws', '3', '--db', db, '--json'], { timeoutMs: 120_000 });
    expect(p.code, p.stderr).toBe(0);
    const pred = JSON.parse(p.stdout) as PredictResult;
    expect(pred.runs.map((x) => x.role)).toEqual(['reproduced', 'predicted']);
    const runs = JSON.parse((await cli(['list', '--db', db, '--json'])).stdout) as Array<{ id: number; role: string | null }>;
    expect(runs.find((x) => x.id === pred.runs[1]!.runId)?.role).toBe('predicted');
    // predict's bad settings name the flag and the parameter; a repeated strategy runs once
    const bad = await cli(['predict', '--profile', 'lab-host', '--set', 'interval=5', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^timer-lab: --set interval: must be between 10 and/);
    const typo = await cli(['predict', '--profile', 'lab-host', '--set', 'timerAdvanceNss=5', '--db', db]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--set timerAdvanceNss: unknown parameter; did you mean "timerAdvanceNs"?');
    const nope = await cli(['predict', '--profile', 'NOPE', '--db', db]);
    expect(nope.code).toBe(2);
    const twice = await cli(['predict', '--profile', 'lab-host', '--strategies', 'vmx-preemption,vmx-preemption', '--samples', '200', '--draws', '2', '--db', db, '--json'], { timeoutMs: 120_000 });
    expect(twice.code, twice.stderr).toBe(0);
    expect((JSON.parse(twice.stdout) as PredictResult).runs.map((x) => x.role)).toEqual(['reproduced', 'predicted']);
    const use = await cli(['run', '--workload', 'tscdeadline-busy', '--strategy', 'vmx-preemption', '--profile', 'lab-host', '--samples', '200', '--db', db, '--json']);
    expect(use.code, use.stderr).toBe(0);
    expect(JSON.parse(use.stdout).profile).toBe('lab-host');
  });

  it('detects the real excerpt and says its intervals are wide', async () => {
    const r = await cli(['calibrate', samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), '--no-save', '--bootstrap', '20', '--db', db], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^detected: vmx-preemption/);
    expect(r.stdout).toContain('guest: halts');
    expect(r.stdout).toContain('kvm_hv_timer_state around HLT: before the vCPU blocks (post-4.9 placement)');
    expect(r.stdout).toContain('note: only 4 timer cycles: the intervals are wide');
  });

  it('refuses bad files with exit code 2 and saves nothing', async () => {
    const before = (await cli(['profiles', '--db', db, '--json'])).stdout;
    const runsBefore = (await cli(['list', '--db', db, '--json'])).stdout;
    const cut = path.join(tmp.dir, 'cut.report');
    writeFileSync(cut, files.trace.slice(0, files.trace.length - 30));
    const r = await cli(['calibrate', cut, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^timer-lab: cut\.report line \d+: the last line is cut off/);
    const noKvm = path.join(tmp.dir, 'sched.report');
    writeFileSync(noKvm, 'cpus=1\n          <idle>-0     [000] 10.000001: sched_switch:         swapper/0:0 [120] R ==> bash:7 [120]\n');
    const k = await cli(['calibrate', noKvm, '--db', db]);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('sched.report: no kvm events');
    const missing = await cli(['calibrate', path.join(tmp.dir, 'nope.report'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.report/);
    const guestOnly = await cli(['calibrate', guest, '--db', db]);
    expect(guestOnly.code).toBe(2);
    expect(guestOnly.stderr).toContain('no host trace among them');
    expect((await cli(['predict', '--db', db])).stderr).toContain('--profile is required');
    expect((await cli(['profiles', '--db', db, '--json'])).stdout).toBe(before);
    expect((await cli(['list', '--db', db, '--json'])).stdout).toBe(runsBefore);
  });
});
