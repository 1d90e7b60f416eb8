// kill -9 at seeded random moments: CLI runs (starting, migrating a new file, computing, saving)
// and web-mode servers with runs in flight. After every kill the database must pass
// integrity_check and foreign_key_check, every run that had finished must still be there with
// the same result and samples, and nothing may stay queued or running once it is opened again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store/open-store.js';
import { assertBuilt, BIN, REPO } from '../unit/cli/helpers.js';
import { apiCall, childEnv, Random, report, SEED, startServe } from './helpers.js';

const MIGRATIONS_DIR = path.join(REPO, 'migrations');
const CLI_KILLS = Number(process.env.RELIABILITY_KILLS ?? 30);
const SERVER_KILLS = 5;
const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-kill9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Finished {
  mean: number;
  samples: number;
  checksum: number;
}

function checksum(a: Int32Array | null): number {
  let h = 0;
  for (const v of a ?? []) h = (Math.imul(h, 31) + v) | 0;
  return h;
}

/** Opens the file as the next start would, checks it, and compares every run finished before. */
function verify(db: string, finished: Map<number, Finished>): { interrupted: number; done: number } {
  const o = openStore(db, { migrationsDir: MIGRATIONS_DIR });
  try {
    expect(o.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(o.db.pragma('foreign_key_check')).toEqual([]);
    expect(o.readOnly).toBeNull();
    const rows = o.store.list({ limit: 10_000 });
    expect(rows.filter((r) => r.status === 'queued' || r.status === 'running')).toEqual([]);
    for (const [id, was] of finished) {
      const d = o.store.get(id);
      expect(d.status, `run ${id}`).toBe('done');
      expect(d.mean).toBe(was.mean);
      const samples = o.store.getSamples(id);
      expect(samples?.length).toBe(was.samples);
      expect(checksum(samples)).toBe(was.checksum);
    }
    for (const r of rows) {
      if (r.status !== 'done' || finished.has(r.id)) continue;
      const samples = o.store.getSamples(r.id); // finished just before the kill: complete, or it would not be done
      expect(samples?.length).toBe(r.samples);
      finished.set(r.id, { mean: r.mean!, samples: r.samples, checksum: checksum(samples) });
    }
    return { interrupted: rows.filter((r) => r.status === 'interrupted').length, done: rows.filter((r) => r.status === 'done').length };
  } finally {
    o.close();
  }
}

/** Starts the CLI, kills it with SIGKILL after `delayMs` unless it ended first. */
function killedRun(args: string[], delayMs: number): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code, stderr });
    });
  });
}

describe('kill -9 at random moments', () => {
  it(`keeps every database sound over ${CLI_KILLS} killed CLI runs and ${SERVER_KILLS} killed servers`, async () => {
    assertBuilt();
    const rnd = new Random(SEED);
    const t0 = Date.now();
    let kills = 0;
    let started = 0;
    let checks = 0;

    // 1. killed while creating and migrating a new file
    for (let i = 0; i < 3; i++) {
      const db = path.join(dir, `fresh-${i}.sqlite`);
      const r = await killedRun(['list', '--db', db], rnd.int(120, 500));
      if (r.killed) kills++;
      else expect(r.code, r.stderr).toBe(0);
      verify(db, new Map());
      checks++;
    }

    // 2. CLI runs on one shared file, killed at any moment of their life
    const db = path.join(dir, 'shared.sqlite');
    const finished = new Map<number, Finished>();
    let interrupted = 0;
    for (let i = 0; i < CLI_KILLS; i++) {
      const workload = rnd.pick(['tscdeadline-busy', 'tscdeadline-halt', 'vmexit-tscdeadline']);
      const strategy = rnd.pick(['hrtimer', 'vmx-preemption']);
      const samples = rnd.int(20, 200) * 1000;
      const args = rnd.chance(0.3)
        ? ['experiment', '--workload', workload, '--samples', String(samples), '--db', db]
        : ['run', '--workload', workload, '--strategy', strategy, '--samples', String(samples), '--db', db];
      started++;
      const r = await killedRun(args, rnd.int(100, 3000)); // a run lasts about 0.5–2.5 s here
      if (r.killed) kills++;
      else expect(r.code, r.stderr).toBe(0);
      interrupted = verify(db, finished).interrupted;
      checks++;
    }

    // 3. web-mode servers killed with runs in flight
    for (let i = 0; i < SERVER_KILLS; i++) {
      const serve = await startServe(db);
      const samples = rnd.int(200, 2000) * 1000;
      const submit = await apiCall(serve.port, serve.token, 'experiments:submit', {
        runs: [
          { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples },
          { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples },
        ],
      });
      expect(submit.status).toBe(200);
      started++;
      await new Promise((r) => setTimeout(r, rnd.int(50, 1500)));
      serve.child.kill('SIGKILL');
      expect(await serve.exited).toBe('SIGKILL');
      kills++;
      interrupted = verify(db, finished).interrupted;
      checks++;
    }
    report('kill -9', {
      seed: SEED,
      started,
      kills,
      integrityChecks: checks,
      finishedRunsKept: finished.size,
      interruptedAtReopen: interrupted,
      lost: 0,
      corrupt: 0,
      seconds: ((Date.now() - t0) / 1000).toFixed(1),
    });
    expect(kills).toBeGreaterThan(CLI_KILLS / 3); // kills land at every stage, not only after the end
    expect(finished.size).toBeGreaterThan(0);
  }, 300_000);
});
