// The CLI as a user runs it: `node bin/timer-lab.js <verb> … --db <tmp>`, checking stdout,
// stderr, exit codes (0 ok, 2 bad input, 1 failure) and the files it writes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, tempDir } from './helpers.js';
import { samplePath } from '../../samples.js';
import { CI_P99_LABEL, intervalText } from '../../../src-shared/verdict.js';

const SAMPLE = samplePath('cyclictest-histogram-4threads-h400.txt');
const STAT_KEYS = ['unit', 'mean', 'min', 'max', 'stddev', 'p50', 'p90', 'p99', 'p999'];
const HALT = ['--workload', 'tscdeadline-halt', '--samples', '5000'];

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  tmp = tempDir();
});
afterAll(() => tmp.remove());

/** A new database path in the test's temp folder. */
let dbCount = 0;
function newDb(): string {
  return path.join(tmp.dir, `db-${++dbCount}.sqlite`);
}

function json<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  expect(lines, `expected one JSON line on stdout, got:\n${stdout}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

describe('timer-lab run', () => {
  it('--json prints one summary object with the documented fields; the same seed gives the same result', async () => {
    const db = newDb();
    const args = ['run', '--db', db, ...HALT, '--strategy', 'vmx-preemption', '--seed', '42', '--json'];
    const [r1, r2] = [await cli(args), await cli(args)];
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    const a = json(r1.stdout);
    const b = json(r2.stdout);
    for (const k of ['id', 'workload', 'strategy', 'profile', 'samples', 'seed', 'engineVersion', 'latency', 'latencyNs', 'exits', 'overheadCyclesPerTimerEvent']) {
      expect(a, k).toHaveProperty(k);
    }
    expect(a).toMatchObject({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', profile: 'HSW-2016', samples: 5000, seed: 42 });
    expect(typeof a.engineVersion).toBe('string');
    const lat = a.latency as Record<string, unknown>;
    const latNs = a.latencyNs as Record<string, unknown>;
    expect(Object.keys(lat)).toEqual(expect.arrayContaining(STAT_KEYS));
    expect(Object.keys(latNs)).toEqual(expect.arrayContaining(STAT_KEYS));
    expect(lat.unit).toBe('cycles');
    expect(latNs.unit).toBe('ns');
    for (const k of STAT_KEYS.slice(1)) {
      expect(typeof lat[k], k).toBe('number');
      expect(typeof latNs[k], k).toBe('number');
    }
    expect(lat.min as number).toBeLessThanOrEqual(lat.p50 as number);
    expect(lat.p50 as number).toBeLessThanOrEqual(lat.p99 as number);
    expect(lat.p99 as number).toBeLessThanOrEqual(lat.max as number);
    expect(typeof a.overheadCyclesPerTimerEvent).toBe('number');
    expect(Object.keys(a.exits as object).length).toBeGreaterThan(0);
    expect(typeof a.id).toBe('number');
    expect(b.id).not.toBe(a.id);
    const { id: _ida, ...restA } = a;
    const { id: _idb, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(r1.stderr).toBe('');
  });

  it('--no-save prints no id and stores nothing', async () => {
    const db = newDb();
    const r = await cli(['run', '--db', db, ...HALT, '--strategy', 'hrtimer', '--no-save', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = json(r.stdout);
    expect(s).not.toHaveProperty('id');
    expect(s.samples).toBe(5000);
    const list = await cli(['list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    expect(json(list.stdout)).toEqual([]);
  });

  it('--set X=7 changes the result; bad --set values and strategies exit 2 naming them', async () => {
    const db = newDb();
    // X (preemption-timer rate) matters while the guest busy-waits: the halting case switches to the hrtimer.
    const busy = ['--workload', 'tscdeadline-busy', '--samples', '5000', '--strategy', 'vmx-preemption', '--no-save', '--json'];
    const base = await cli(['run', '--db', db, ...busy]);
    const x7 = await cli(['run', '--db', db, ...busy, '--set', 'X=7']);
    expect(base.code).toBe(0);
    expect(x7.code, x7.stderr).toBe(0);
    expect((json<{ latency: { mean: number } }>(x7.stdout)).latency.mean).not.toBe(json<{ latency: { mean: number } }>(base.stdout).latency.mean);

    const nope = await cli(['run', '--db', db, ...HALT, '--strategy', 'hrtimer', '--set', 'nope=1']);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toContain('nope');
    expect(nope.stdout).toBe('');
    const x99 = await cli(['run', '--db', db, ...HALT, '--strategy', 'hrtimer', '--set', 'X=99']);
    expect(x99.code).toBe(2);
    expect(x99.stderr).toMatch(/\bX\b/);
    expect(x99.stderr).toContain('99');
    const bogus = await cli(['run', '--db', db, ...HALT, '--strategy', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('bogus');
    const noSamples = await cli(['run', '--db', db, '--workload', 'tscdeadline-halt', '--strategy', 'hrtimer', '--samples', '0']);
    expect(noSamples.code).toBe(2);
    expect(noSamples.stderr).toContain('--samples');
    const unknownFlag = await cli(['run', '--db', db, ...HALT, '--strategy', 'hrtimer', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    // None of the refused runs was saved.
    expect(json((await cli(['list', '--db', db, '--json'])).stdout)).toEqual([]);
  });

  it('--trace FILE writes trace-cmd report text', async () => {
    const db = newDb();
    const file = path.join(tmp.dir, 'trace.txt');
    const r = await cli(['run', '--db', db, '--workload', 'tscdeadline-halt', '--samples', '300', '--strategy', 'vmx-preemption', '--trace', file]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^cpus=\d+/);
    expect(text).toMatch(/kvm_exit/);
    expect(text).toMatch(/kvm_hv_timer_state|kvm_msr/);
    const file2 = path.join(tmp.dir, 'trace-nosave.txt');
    const r2 = await cli(['run', '--db', db, '--workload', 'tscdeadline-halt', '--samples', '300', '--strategy', 'vmx-preemption', '--trace', file2, '--no-save']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(file2, 'utf8').split('\n')[0]).toMatch(/^cpus=\d+/);
  });

  it('shows a progress line on stderr for a long run, never on stdout with --json', async () => {
    const db = newDb();
    const r = await cli(['run', '--db', db, '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--samples', '3000000', '--json'], { timeoutMs: 60_000, env: { TIMER_LAB_PROGRESS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    console.log(`3M-sample CLI run took ${(r.ms / 1000).toFixed(2)} s; stderr: ${JSON.stringify(r.stderr.trim().split('\n').at(-1))}`);
    expect(r.ms).toBeGreaterThan(1500);
    expect(r.stderr).toMatch(/\d+%.*samples/);
    expect(r.stderr).toMatch(/3000000/);
    const s = json(r.stdout); // exactly one line: the result
    expect(s.samples).toBe(3_000_000);
    expect(r.stdout).not.toMatch(/%|ETA/);
  }, 60_000);
});

describe('timer-lab history verbs', () => {
  let db: string;
  let ids: number[] = [];

  beforeAll(async () => {
    db = newDb();
    const r = await cli(['experiment', '--db', db, '--workload', 'tscdeadline-busy', '--strategies', 'hrtimer,vmx-preemption', '--samples', '5000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const e = json<{ experimentId: number; runs: Array<{ id: number; status: string; strategy: string; samples: number; latency: { mean: number } }> }>(r.stdout);
    expect(typeof e.experimentId).toBe('number');
    expect(e.runs.map((x) => x.strategy)).toEqual(['hrtimer', 'vmx-preemption']);
    for (const x of e.runs) {
      expect(x.status).toBe('done');
      expect(x.samples).toBe(5000);
      expect(x.latency.mean).toBeGreaterThan(0);
    }
    ids = e.runs.map((x) => x.id);
  }, 30_000);

  it('experiment --repeat N runs each strategy under N seeds in one experiment, with the spread across runs', async () => {
    const repeatDb = newDb();
    const r = await cli(['experiment', '--db', repeatDb, '--workload', 'tscdeadline-busy', '--samples', '1500', '--seed', '7', '--repeat', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    type Across = { n: number; mean: number; ciLow: number; ciHigh: number; stddev: number };
    const e = json<{ experimentId: number; runs: Array<{ id: number; seed: number; strategy: string; latency: { mean: number } }>; configurations: Array<{ strategy: string; seeds: number[]; runIds: number[]; across: Across }> }>(r.stdout);
    expect(e.runs.map((x) => [x.strategy, x.seed])).toEqual([
      ['hrtimer', 7],
      ['hrtimer', 8],
      ['hrtimer', 9],
      ['vmx-preemption', 7],
      ['vmx-preemption', 8],
      ['vmx-preemption', 9],
    ]);
    expect(e.configurations.map((c) => c.strategy)).toEqual(['hrtimer', 'vmx-preemption']);
    for (const c of e.configurations) {
      const means = e.runs.filter((x) => c.runIds.includes(x.id)).map((x) => x.latency.mean);
      const mean = means.reduce((a, v) => a + v, 0) / 3;
      const sd = Math.sqrt(means.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
      expect(Object.keys(c.across).sort()).toEqual(['ciHigh', 'ciLow', 'mean', 'n', 'stddev']);
      expect(c.across.n).toBe(3);
      expect(c.across.mean).toBeCloseTo(mean, 9);
      expect(c.across.stddev).toBeCloseTo(sd, 9);
      expect(c.across.ciHigh - c.across.mean).toBeCloseTo(4.302653 * (sd / Math.sqrt(3)), 4); // t(0.975, 2)
      expect(c.seeds).toEqual([7, 8, 9]);
    }
    // All in one experiment.
    const list = json<Array<{ experimentId: number }>>((await cli(['list', '--db', repeatDb, '--json'])).stdout);
    expect(new Set(list.map((x) => x.experimentId))).toEqual(new Set([e.experimentId]));
    const text = await cli(['experiment', '--db', repeatDb, '--workload', 'tscdeadline-busy', '--samples', '1500', '--repeat', '2']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/hrtimer across 2 runs \(seeds 1–2\): mean [\d.]+ ± [\d.]+ cycles \(95 % CI/);
    expect(text.stdout).toMatch(/across 2 runs\)/); // the verdict rests on the runs
    expect((await cli(['run', '--db', repeatDb, '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--repeat', '0'])).code).toBe(2);
  }, 60_000);

  it('experiment without --json prints both runs and a comparison', async () => {
    const r = await cli(['experiment', '--db', newDb(), '--workload', 'tscdeadline-halt', '--strategies', 'hrtimer,vmx-preemption', '--samples', '2000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/experiment \d+/);
    expect(r.stdout).toMatch(/unit: cycles; baseline/);
  });

  it('list, show and compare', async () => {
    const list = await cli(['list', '--db', db, '--json']);
    expect(list.code).toBe(0);
    const rows = json<Array<{ id: number; status: string }>>(list.stdout);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const text = await cli(['list', '--db', db]);
    expect(text.stdout).toMatch(/^id\s+status/);
    expect(text.stdout).toContain('vmx-preemption');

    const show = await cli(['show', String(ids[0]), '--db', db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`run ${ids[0]}`);
    expect(show.stdout).toMatch(/latency \(cycles\)/);
    const showJson = json<{ id: number; status: string }>((await cli(['show', String(ids[1]), '--db', db, '--json'])).stdout);
    expect(showJson).toMatchObject({ id: ids[1], status: 'done' });
    const missing = await cli(['show', '9999', '--db', db]);
    expect(missing.code).toBe(2); // an id that names no run is bad input
    expect(missing.stderr).toContain('9999');
    expect((await cli(['show', 'abc', '--db', db])).code).toBe(2);

    const cmp = await cli(['compare', String(ids[0]), String(ids[1]), '--db', db, '--json']);
    expect(cmp.code, cmp.stderr).toBe(0);
    const c = json<{ baseline: number; runs: Array<Record<string, unknown>> }>(cmp.stdout);
    expect(c.baseline).toBe(ids[0]);
    expect(c.runs).toHaveLength(2);
    for (const row of c.runs) {
      for (const k of ['id', 'mean', 'p50', 'p90', 'p99', 'p999', 'max', 'pValue']) expect(typeof row[k], k).toBe('number');
      expect(typeof row.significant).toBe('boolean');
      expect(row.ci95).toHaveLength(2);
      // 5000 samples each: 50 beyond p99, so the CI of Δp99 is there for the other run
      if (row.id === c.baseline) expect(row.ci95P99).toBeNull();
      else expect(row.ci95P99).toHaveLength(2);
      expect(Object.keys(row.deltaPct as object)).toEqual(expect.arrayContaining(['mean', 'p50', 'p90', 'p99', 'p999', 'max']));
    }
    const cmpText = await cli(['compare', String(ids[0]), String(ids[1]), '--db', db]);
    expect(cmpText.stdout).toContain('baseline');
    const other = c.runs.find((r) => r.id !== c.baseline)!;
    expect(cmpText.stdout).toContain(CI_P99_LABEL);
    expect(cmpText.stdout).toContain(intervalText(other.ci95P99 as [number, number]));
    expect(cmpText.stdout).toContain(intervalText(other.ci95 as [number, number]));
    expect((await cli(['compare', String(ids[0]), '--db', db])).code).toBe(2);
  });

  it('tag and rm', async () => {
    const tag = await cli(['tag', String(ids[0]), 'fast', 'hsw', '--db', db, '--json']);
    expect(tag.code, tag.stderr).toBe(0);
    expect(json<{ tags: string[] }>(tag.stdout).tags.sort()).toEqual(['fast', 'hsw']);
    const byTag = json<Array<{ id: number }>>((await cli(['list', '--db', db, '--tag', 'fast', '--json'])).stdout);
    expect(byTag.map((r) => r.id)).toEqual([ids[0]]);
    const untag = await cli(['tag', String(ids[0]), 'fast', '--remove', '--db', db, '--json']);
    expect(json<{ tags: string[] }>(untag.stdout).tags).toEqual(['hsw']);

    // A throw-away run to delete.
    const extra = json<{ id: number }>((await cli(['run', '--db', db, ...HALT, '--strategy', 'hrtimer', '--json'])).stdout);
    const rm = await cli(['rm', String(extra.id), '--db', db, '--json']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(json(rm.stdout)).toEqual({ deleted: 1 });
    const after = json<Array<{ id: number }>>((await cli(['list', '--db', db, '--json'])).stdout);
    expect(after.map((r) => r.id)).not.toContain(extra.id);
    expect((await cli(['rm', '--db', db])).code).toBe(2);
  });

  it('export csv, json, html, png and svg', async () => {
    const out = (name: string) => path.join(tmp.dir, name);
    const two = [String(ids[0]), String(ids[1])];
    for (const format of ['csv', 'json', 'html', 'png', 'svg']) {
      const r = await cli(['export', ...two, '--format', format, '--out', out(`x.${format}`), '--db', db]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`x.${format}`);
    }
    const csv = readFileSync(out('x.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toMatch(/^id,name,/);
    expect(csv).toHaveLength(3);
    const js = JSON.parse(readFileSync(out('x.json'), 'utf8')) as Array<{ id: number }>;
    expect(js.map((r) => r.id)).toEqual(ids);
    const html = readFileSync(out('x.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script/i);
    const png = readFileSync(out('x.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(1024);
    const svg = readFileSync(out('x.svg'), 'utf8').trim();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg.match(/<svg\b/g)!.length).toBe(svg.match(/<\/svg>/g)!.length);

    // Single-run chart (histogram) as PNG.
    const one = await cli(['export', String(ids[0]), '--format', 'png', '--out', out('one.png'), '--db', db]);
    expect(one.code, one.stderr).toBe(0);
    expect(statSync(out('one.png')).size).toBeGreaterThan(1024);

    const badFormat = await cli(['export', ...two, '--format', 'docx', '--out', out('x.docx'), '--db', db]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('docx');
    expect(existsSync(out('x.docx'))).toBe(false);
    expect((await cli(['export', ...two, '--format', 'csv', '--db', db])).code).toBe(2); // no --out
  });

  it('import the cyclictest histogram, then compare it with a simulated run in ns', async () => {
    const r = await cli(['import', SAMPLE, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const imp = json<{ runId: number; format: string }>(r.stdout);
    expect(imp.format).toBe('cyclictest-hist');
    const d = json<{ kind: string; summary: { latency: { unit: string } } }>((await cli(['show', String(imp.runId), '--db', db, '--json'])).stdout);
    expect(d.kind).toBe('measured');
    expect(d.summary.latency.unit).toBe('ns');
    const sim = json<{ id: number }>((await cli(['run', '--db', db, '--workload', 'cyclictest', '--strategy', 'vmx-preemption', '--samples', '3000', '--json'])).stdout);
    const cmp = await cli(['compare', String(imp.runId), String(sim.id), '--db', db, '--json']);
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(json<{ unit: string }>(cmp.stdout).unit).toBe('ns');

    const broken = path.join(tmp.dir, 'broken-hist.txt');
    writeFileSync(broken, readFileSync(SAMPLE, 'utf8').replace(/^000006 .*$/m, '000006 12\tx\t3\t4'));
    const before = json<unknown[]>((await cli(['list', '--db', db, '--json'])).stdout).length;
    const bad = await cli(['import', broken, '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/line 8\b/);
    expect(json<unknown[]>((await cli(['list', '--db', db, '--json'])).stdout)).toHaveLength(before);
    expect((await cli(['import', path.join(tmp.dir, 'does-not-exist.txt'), '--db', db])).code).toBe(2);
  });

  it('profiles and profiles HSW-2016', async () => {
    const r = await cli(['profiles', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HSW-2016 (built-in)');
    const rj = json<Array<{ name: string; builtIn: boolean }>>((await cli(['profiles', '--db', db, '--json'])).stdout);
    expect(rj).toContainEqual(expect.objectContaining({ name: 'HSW-2016', builtIn: true }));
    const p = await cli(['profiles', 'HSW-2016', '--db', db]);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^HSW-2016: /);
    expect(p.stdout).toContain('vmexit_hw');
    expect(p.stdout).toContain('Settable with --set');
    const pj = await cli(['profiles', 'HSW-2016', '--db', db, '--json']);
    expect((JSON.parse(pj.stdout) as { name: string }).name).toBe('HSW-2016');
    const missing = await cli(['profiles', 'NOPE-1999', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOPE-1999');
  });

  it('profiles --add refuses a name already saved unless --replace', async () => {
    const own = newDb();
    const file = path.join(tmp.dir, 'mine.json');
    const hsw = JSON.parse((await cli(['profiles', 'HSW-2016', '--db', own, '--json'])).stdout) as { description: string };
    writeFileSync(file, JSON.stringify({ ...hsw, name: 'mine', description: 'first' }));
    expect((await cli(['profiles', '--add', file, '--db', own])).code).toBe(0);
    writeFileSync(file, JSON.stringify({ ...hsw, name: 'Mine', description: 'second' }));
    const again = await cli(['profiles', '--add', file, '--db', own]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('a profile named "mine" exists already');
    expect((JSON.parse((await cli(['profiles', 'mine', '--db', own, '--json'])).stdout) as { description: string }).description).toBe('first');
    expect((await cli(['profiles', '--add', file, '--replace', '--db', own])).code).toBe(0);
    expect((JSON.parse((await cli(['profiles', 'mine', '--db', own, '--json'])).stdout) as { description: string }).description).toBe('second');
    const alone = await cli(['profiles', '--replace', '--db', own]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--replace goes with --add');
  });
});

describe('timer-lab errors', () => {
  it('refuses a database from a newer version (user_version 99) without touching it', async () => {
    const db = newDb();
    const h = new Database(db);
    h.exec('CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (1);');
    h.pragma('user_version = 99');
    h.close();
    const hash = () => createHash('sha256').update(readFileSync(db)).digest('hex');
    const before = hash();
    const filesBefore = readdirSync(tmp.dir).filter((f) => f.startsWith(path.basename(db))).sort();
    const mtime = statSync(db).mtimeMs;
    for (const verb of [['list'], ['run', ...HALT, '--strategy', 'hrtimer']]) {
      const r = await cli([...verb, '--db', db]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/99/);
      expect(r.stderr).toMatch(/version/i);
    }
    expect(hash()).toBe(before);
    expect(statSync(db).mtimeMs).toBe(mtime);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith(path.basename(db))).sort()).toEqual(filesBefore);
  });

  it('exits 2 on an unknown verb or no verb, 0 on help', async () => {
    const r = await cli(['frobnicate', '--db', newDb()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frobnicate');
    expect((await cli([])).code).toBe(2);
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('exit codes');
  });

  it('exits 2 on arguments a verb does not take, naming the first and the usage', async () => {
    const db = newDb();
    const k = await cli(['kernels', '6.8', 'extra', '--db', db]);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain('unexpected argument "extra" (usage: timer-lab kernels [RELEASE])');
    const s = await cli(['show', '1', '2', '--db', db]);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('unexpected argument "2" (usage: timer-lab show ID)');
  });

  it('exits 2 on a bad global flag', async () => {
    const r = await cli(['list', '--db', newDb(), '--threads', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--threads');
  });
});
