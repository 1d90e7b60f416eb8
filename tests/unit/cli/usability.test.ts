// What a first-time user meets on the command line: help for every verb, suggestions for
// misspelt parameters, warnings for parameters a workload ignores, run names and `show` that say
// which parameters were changed, flags named in errors, and a stats table in one-run reports.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli } from './helpers.js';

let dir: string;
let db: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-cli-ux-'));
  db = path.join(dir, 'lab.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI usability', () => {
  it('prints help for `VERB --help` and exits 0', async () => {
    const r = await cli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--workload W --strategy S');
  });

  it('suggests the nearest name for a misspelt --set and names the flag', async () => {
    const r = await cli(['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--set', 'dleta=1000', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set dleta');
    expect(r.stderr).toContain('did you mean "delta"');
  });

  it('says when --strategy is missing or a --strategies item is unknown', async () => {
    const missing = await cli(['run', '--workload', 'tscdeadline-busy', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--strategy is required');
    const bad = await cli(['experiment', '--workload', 'tscdeadline-busy', '--strategies', 'hrtimer,foo', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--strategies: "foo"');
  });

  it('takes the global options before the verb too', async () => {
    const before = await cli(['--db', db, '--json', 'list', '--limit', '1']);
    expect(before.code, before.stderr).toBe(0);
    const after = await cli(['list', '--limit', '1', '--db', db, '--json']);
    expect(before.stdout).toBe(after.stdout);
    expect(Array.isArray(JSON.parse(before.stdout))).toBe(true);
    expect((await cli(['--db', db])).code).toBe(2); // no verb: the help, as with no arguments
  });

  it('warns that mitigations=on does nothing on a kernel before 4.15, and not on one that has them', async () => {
    const old = await cli(['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--samples', '200', '--set', 'mitigations=on', '--json', '--db', db]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain('--set mitigations=on has no effect on kernel 4.9');
    const recent = await cli(['experiment', '--workload', 'tscdeadline-busy', '--strategies', 'hrtimer', '--samples', '200', '--set', 'mitigations=on', '--set', 'kernel=5.15', '--db', db]);
    expect(recent.code, recent.stderr).toBe(0);
    expect(recent.stderr).not.toContain('has no effect');
  });

  it('warns about parameters the workload ignores, names runs after their overrides, and shows them', async () => {
    const r = await cli(['run', '--workload', 'cyclictest', '--strategy', 'hrtimer', '--samples', '500', '--set', 'guestIdle=poll', '--set', 'delta=5000', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--set delta does not apply to cyclictest');
    const { id } = JSON.parse(r.stdout) as { id: number };
    const show = await cli(['show', String(id), '--db', db]);
    expect(show.stdout).toContain('cyclictest · hrtimer · guestIdle=poll');
    expect(show.stdout).toContain('parameters: guestIdle=poll');
    const html = path.join(dir, 'one.html');
    expect((await cli(['export', String(id), '--format', 'html', '--out', html, '--db', db])).code).toBe(0);
    const report = readFileSync(html, 'utf8');
    expect(report).toContain('<h2>Statistics (500 samples)</h2>');
    // CLI runs keep a trace of their first timer events, so trace exports work
    expect((await cli(['export', String(id), '--format', 'trace-cmd', '--out', path.join(dir, 't.txt'), '--db', db])).code).toBe(0);
  });

  it('refuses an unwritable --trace path before running anything', async () => {
    const before = JSON.parse((await cli(['list', '--json', '--db', db])).stdout) as unknown[];
    const r = await cli(['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--trace', '/nonexistent/dir/t.txt', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write there');
    const after = JSON.parse((await cli(['list', '--json', '--db', db])).stdout) as unknown[];
    expect(after.length).toBe(before.length);
  });

  it('reports an unknown command even with --help, and refuses a folder as an import file', async () => {
    expect((await cli(['bogus', '--help'])).code).toBe(2);
    const r = await cli(['import', dir, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a regular file');
  });

  it('refuses a folder as --db', async () => {
    const r = await cli(['list', '--db', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a folder');
  });
});
