// Four writers on one new database at once for RELIABILITY_WRITERS_MS (30 s by default): three
// CLI processes looping over experiment, run, import and tag, and a web-mode server taking
// experiments over HTTP. They start together, so they also race to create and migrate the file.
// Every command must succeed and every run any writer was told about must be there, done, at
// the end: 0 errors, 0 lost runs, no empty experiment, a sound file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store/open-store.js';
import { samplePath } from '../samples.js';
import { assertBuilt, BIN, REPO } from '../unit/cli/helpers.js';
import { apiCall, childEnv, looksLikeCrash, Random, report, SEED, startServe } from './helpers.js';

const DURATION_MS = Number(process.env.RELIABILITY_WRITERS_MS ?? 30_000);
const CLI_WRITERS = 3;
const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-writers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cliJson(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--json'], { cwd: REPO, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('four writers on one database', () => {
  it(`loses nothing and fails nothing with ${CLI_WRITERS} CLI processes and a web server writing for ${DURATION_MS / 1000} s`, async () => {
    assertBuilt();
    const db = path.join(dir, 'shared.sqlite');
    const sample = samplePath('cyclictest-histogram-4threads-h400.txt');
    const errors: string[] = [];
    const runIds = new Set<number>();
    const experimentIds = new Set<number>();
    let commands = 0;
    let requests = 0;
    const t0 = Date.now();
    const deadline = t0 + DURATION_MS;

    async function cliWriter(k: number): Promise<void> {
      const rnd = new Random(SEED + k);
      const mine: number[] = [];
      while (Date.now() < deadline) {
        const op = mine.length > 0 && rnd.chance(0.15) ? 'tag' : rnd.pick(['experiment', 'experiment', 'run', 'run', 'import']);
        const samples = String(rnd.int(2, 20) * 1000);
        const args =
          op === 'experiment'
            ? ['experiment', '--workload', rnd.pick(['tscdeadline-busy', 'vmexit-tscdeadline']), '--samples', samples, '--db', db]
            : op === 'run'
              ? ['run', '--workload', 'tscdeadline-halt', '--strategy', rnd.pick(['hrtimer', 'vmx-preemption']), '--samples', samples, '--db', db]
              : op === 'import'
                ? ['import', sample, '--name', `writer ${k}`, '--db', db]
                : ['tag', String(rnd.pick(mine)), `w${k}`, '--db', db];
        commands++;
        const r = await cliJson(args);
        if (r.code !== 0 || looksLikeCrash(r.stderr)) {
          errors.push(`writer ${k} ${args.slice(0, 2).join(' ')}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
          continue;
        }
        const out = JSON.parse(r.stdout) as { id?: number; runIds?: number[]; experimentId?: number; runs?: Array<{ id: number; status: string }> };
        if (op === 'experiment') {
          experimentIds.add(out.experimentId!);
          for (const run of out.runs!) {
            if (run.status !== 'done') errors.push(`writer ${k}: run ${run.id} ${run.status}`);
            runIds.add(run.id);
            mine.push(run.id);
          }
        } else if (op === 'run') {
          runIds.add(out.id!);
          mine.push(out.id!);
        } else if (op === 'import') {
          // one run per cyclictest thread plus the merged run; a second import of the same file points to them
          for (const id of out.runIds!) runIds.add(id);
        }
      }
    }

    async function webWriter(): Promise<void> {
      const serve = await startServe(db);
      const rnd = new Random(SEED + 99);
      try {
        while (Date.now() < deadline) {
          const samples = rnd.int(2, 20) * 1000;
          requests++;
          const submit = await apiCall(serve.port, serve.token, 'experiments:submit', {
            name: 'web writer',
            runs: [
              { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples },
              { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples },
            ],
          });
          if (submit.status !== 200) {
            errors.push(`web submit: ${submit.status} ${submit.body.error?.message}`);
            continue;
          }
          const { experimentId, runIds: ids } = submit.body.result as { experimentId: number; runIds: number[] };
          experimentIds.add(experimentId);
          for (const id of ids) {
            runIds.add(id);
            for (;;) {
              requests++;
              const got = await apiCall(serve.port, serve.token, 'runs:get', { id });
              const status = (got.body.result as { status?: string } | undefined)?.status;
              if (got.status !== 200) errors.push(`web runs:get ${id}: ${got.status} ${got.body.error?.message}`);
              if (got.status !== 200 || (status !== 'queued' && status !== 'running')) {
                if (got.status === 200 && status !== 'done') errors.push(`web run ${id} ${status}`);
                break;
              }
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          requests++;
          const list = await apiCall(serve.port, serve.token, 'runs:list', { limit: 50 });
          if (list.status !== 200) errors.push(`web runs:list: ${list.status}`);
        }
      } finally {
        const code = await serve.stop();
        if (code !== 0) errors.push(`serve ended with ${code}: ${serve.stderr()}`);
        if (looksLikeCrash(serve.stderr())) errors.push(`serve stderr: ${serve.stderr()}`);
      }
    }

    await Promise.all([...Array.from({ length: CLI_WRITERS }, (_, k) => cliWriter(k)), webWriter()]);
    const seconds = (Date.now() - t0) / 1000;

    const o = openStore(db, { migrationsDir: path.join(REPO, 'migrations') });
    try {
      expect(o.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = o.store.list({ limit: 10_000 });
      const stored = new Map(rows.map((r) => [r.id, r.status]));
      const lost = [...runIds].filter((id) => stored.get(id) !== 'done');
      const unexpected = rows.filter((r) => !runIds.has(r.id));
      const emptyExperiments = o.db.prepare('SELECT count(*) AS n FROM experiments e WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.experiment_id = e.id)').get() as { n: number };
      report('4 writers', {
        seed: SEED,
        seconds: seconds.toFixed(1),
        cliCommands: commands,
        webRequests: requests,
        experiments: experimentIds.size,
        runs: runIds.size,
        errors: errors.length,
        lostRuns: lost.length,
        emptyExperiments: emptyExperiments.n,
      });
      expect(errors).toEqual([]);
      expect(lost).toEqual([]);
      expect(unexpected.map((r) => `${r.id} ${r.status}`)).toEqual([]);
      expect(emptyExperiments.n).toBe(0);
      expect(runIds.size).toBeGreaterThan(20);
    } finally {
      o.close();
    }
  }, DURATION_MS + 180_000);
});
