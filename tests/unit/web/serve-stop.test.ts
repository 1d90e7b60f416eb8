// Stopping web mode (`timer-lab serve`) by a signal while a run is going: the server stops taking
// requests, the run is cancelled as `runs:cancel` cancels it and stored with the samples it
// finished, the store closes, and the process ends. The real CLI as a child process.
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { apiCall } from '../cli/fault-helpers.js';
import { assertBuilt, BIN, cli, REPO, tempDir } from '../cli/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Resolves at the first `run:progress` push of `runId` that reports finished samples. */
function firstSamples(port: number, token: string, runId: () => number | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: `/api/events?token=${token}` }, (res) => {
      let buffer = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        buffer += d;
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end < 0) break;
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: run:progress\ndata: (.*)$/m.exec(event)?.[1];
          if (!data) continue;
          const p = JSON.parse(data) as { runId: number; done: number };
          if (p.runId === runId() && p.done > 0) {
            req.destroy();
            resolve();
          }
        }
      });
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
  });
}

async function stopWhileRunning(signal: NodeJS.Signals): Promise<void> {
  assertBuilt();
  const db = `${tmp.dir}/${signal}.sqlite`;
  const env = { ...process.env };
  delete env.TIMER_LAB_DB;
  const child = spawn(process.execPath, [BIN, 'serve', '--json', '--threads', '1', '--db', db], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let runId: number | null = null;
  try {
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const { port, token } = JSON.parse(first) as { port: number; token: string };
    const progressed = firstSamples(port, token, () => runId);
    const submitted = await apiCall(port, token, 'experiments:submit', {
      name: 'long',
      runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 8_000_000 }],
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    runId = (submitted.body.result as { runIds: number[] }).runIds[0]!;
    await progressed;
    child.kill(signal);
    expect(await exited, stderr).toEqual({ code: 0, signal: null });
    expect(await accepts(port)).toBe(false);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const listed = await cli(['list', '--json', '--db', db]);
  expect(listed.code, listed.stderr).toBe(0);
  const [run] = JSON.parse(listed.stdout) as Array<{ status: string; samples: number; name: string }>;
  expect(run?.status).toBe('cancelled');
  expect(run!.samples).toBeGreaterThan(0);
  expect(run!.samples).toBeLessThan(8_000_000);
  const shown = await cli(['show', '1', '--json', '--db', db]);
  expect(shown.code, shown.stderr).toBe(0);
  expect((JSON.parse(shown.stdout) as { summary: { samples: number } | null }).summary?.samples).toBe(run!.samples);
  // what the server said while it waited: the run it cancelled, saved in time
  expect(stderr).toContain(`timer-lab: stopping: cancelling run ${runId} in progress and saving the samples finished`);
  expect(stderr).not.toContain('not saved within');
}

describe('a stop signal to web mode while a run is going', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: the run is stored cancelled with the samples it finished, then the server ends (0)`, () => stopWhileRunning(signal), 60_000);
  }
});
