// SIGTERM (kill, timeout) and SIGHUP (a closed terminal) cancel a CLI run as Ctrl-C does: the
// samples it finished are stored as a cancelled run, the same message is printed, and the exit
// code is 128 + the signal's number.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, cli, REPO, tempDir } from './helpers.js';

const tmp = tempDir();
beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

const LONG_RUN = ['--workload', 'tscdeadline-busy', '--samples', '20000000'];

/** Starts `timer-lab ...args`, sends `signal` once it has reported progress, and returns how it ended. */
function signalOnProgress(args: string[], signal: NodeJS.Signals, progress = /samples\/s/): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TIMER_LAB_PROGRESS: '1' };
  delete env.TIMER_LAB_DB;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no end after ${sent ? signal : 'no progress'}\nstderr: ${stderr}`));
    }, 90_000);
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (!sent && progress.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

describe('signals cancel a CLI run like Ctrl-C', () => {
  for (const [signal, shown] of [
    ['SIGINT', 'Ctrl-C'],
    ['SIGTERM', 'SIGTERM'],
    ['SIGHUP', 'SIGHUP'],
  ] as const) {
    it(`${signal} stores the finished samples as a cancelled run and exits 128 + ${constants.signals[signal]}`, async () => {
      const db = `${tmp.dir}/${signal}.sqlite`;
      const r = await signalOnProgress(['run', '--db', db, ...LONG_RUN, '--strategy', 'hrtimer'], signal);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(128 + constants.signals[signal]);
      expect(r.stderr).toContain(`timer-lab: cancelling (${shown})…`);
      expect(r.stderr).toMatch(/run 1 cancelled/);
      const show = await cli(['show', '1', '--json', '--db', db]);
      expect(show.code, show.stderr).toBe(0);
      const run = JSON.parse(show.stdout) as { status: string; samples: number };
      expect(run.status).toBe('cancelled');
      expect(run.samples).toBeGreaterThan(0);
      expect(run.samples).toBeLessThan(20_000_000);
    });
  }

  it('SIGTERM cancels every run of an experiment', async () => {
    const db = `${tmp.dir}/experiment.sqlite`;
    const r = await signalOnProgress(['experiment', '--db', db, ...LONG_RUN, '--strategies', 'hrtimer,vmx-preemption'], 'SIGTERM');
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(143);
    const list = JSON.parse((await cli(['list', '--json', '--db', db])).stdout) as Array<{ status: string }>;
    expect(list.map((x) => x.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('SIGINT while a file is read stops the import: a message, exit 130, nothing saved', async () => {
    const db = `${tmp.dir}/import.sqlite`;
    const file = `${tmp.dir}/big-verbose.txt`;
    // cyclictest -v lines, about 80 MB: long enough to read that progress is shown first
    const line = '       0:  123456:       6\n';
    writeFileSync(file, `Thread 0 Interval: 1000\n${line.repeat(3_000_000)}`);
    const r = await signalOnProgress(['import', file, '--db', db], 'SIGINT', /MB\/s/);
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('timer-lab: import of big-verbose.txt stopped (Ctrl-C): nothing was saved');
    expect(JSON.parse((await cli(['list', '--json', '--db', db])).stdout)).toEqual([]);
  });
});
