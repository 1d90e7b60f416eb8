// Control characters on the command line: refused in names, tags and notes with the flag named
// (nothing stored), and shown escaped by list and show for text an earlier version stored.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, REPO, tempDir } from './helpers.js';

const tmp = tempDir();
beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

const RUN = ['--workload', 'tscdeadline-halt', '--strategy', 'hrtimer', '--samples', '200'];
const HOSTILE = 'a\x1b]0;pwned\x07b\nnewline';
// any control character but newline, as it would reach the terminal
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('control characters in CLI input', () => {
  it('refuses them in --name, --tag and --notes of run and experiment, and in tags and import names', async () => {
    const db = path.join(tmp.dir, 'refuse.sqlite');
    for (const [args, flag] of [
      [['run', ...RUN, '--name', HOSTILE], '--name'],
      [['run', ...RUN, '--tag', 'ok', '--tag', 'x\x9by'], '--tag'],
      [['experiment', '--workload', 'tscdeadline-halt', '--strategies', 'hrtimer', '--samples', '200', '--name', 'e\x7f'], '--name'],
      [['experiment', '--workload', 'tscdeadline-halt', '--strategies', 'hrtimer', '--samples', '200', '--notes', 'tab\there'], '--notes'],
      [['import', path.join(REPO, 'tests', 'fixtures', 'imports', 'perf-kvm-stat-x86.txt'), '--name', 'i\x1b[2J'], '--name'],
    ] as const) {
      const r = await cli([...args, '--db', db]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`${flag}: control characters`);
      expect(r.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(JSON.parse((await cli(['list', '--json', '--db', db])).stdout)).toEqual([]);
    const made = await cli(['run', ...RUN, '--name', 'fine', '--db', db]);
    expect(made.code, made.stderr).toBe(0);
    const tagged = await cli(['tag', '1', 'bad\x1btag', '--db', db]);
    expect(tagged.code).toBe(2);
    expect(tagged.stderr).toContain('TAG: control characters');
  });

  it('list and show print names and tags stored by earlier versions with control characters escaped', async () => {
    const db = path.join(tmp.dir, 'stored.sqlite');
    expect((await cli(['run', ...RUN, '--name', 'placeholder', '--tag', 'plain', '--db', db])).code).toBe(0);
    const raw = new Database(db);
    raw.prepare('UPDATE runs SET name = ?, tags = ? WHERE id = 1').run(HOSTILE, JSON.stringify(['t\x9b2J', 'plain']));
    raw.close();
    const list = await cli(['list', '--db', db]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(RAW_CONTROL);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // the header and one line for the run
    expect(lines[1]).toContain('a\\u001b]0;pwned\\u0007b\\u000anewline');
    expect(lines[1]).toContain('t\\u009b2J,plain');
    const show = await cli(['show', '1', '--db', db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(RAW_CONTROL);
    expect(show.stdout.split('\n')[0]).toBe('run 1 "a\\u001b]0;pwned\\u0007b\\u000anewline" [done] simulated tags: t\\u009b2J, plain');
    // --json stays valid JSON and means the stored text exactly
    const asJson = await cli(['show', '1', '--json', '--db', db]);
    expect(asJson.stdout).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(asJson.stdout) as { name: string; tags: string[] })).toMatchObject({ name: HOSTILE, tags: ['t\x9b2J', 'plain'] });
  });
});

describe('control characters in a profile file', () => {
  it('profiles --add refuses a description with an escape sequence, naming the field', async () => {
    const db = path.join(tmp.dir, 'profiles.sqlite');
    const file = path.join(tmp.dir, 'profile.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', base: 'HSW-2016', description: 'fast\x1b]0;pwned\x07 host', overrides: {} }));
    const r = await cli(['profiles', '--add', file, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('profile.description: control characters');
    writeFileSync(file, JSON.stringify({ name: 'mine', base: 'HSW-2016', description: 'fast host\nsecond line', overrides: {} }));
    const ok = await cli(['profiles', '--add', file, '--db', db]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
