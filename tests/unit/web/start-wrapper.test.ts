// `npm start` (scripts/start.js) where the Electron binary is absent: it starts web mode as a
// child process, hands it the SIGTERM, SIGINT and SIGHUP it receives, and ends with its status,
// so stopping the wrapper never leaves a server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, tempDir } from '../cli/helpers.js';

function electronInstalled(): boolean {
  try {
    const p: unknown = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && existsSync(p);
  } catch {
    return false;
  }
}
const electron = electronInstalled();
if (electron) console.log('start wrapper tests skipped: the Electron binary is installed, so npm start would open the desktop app instead of web mode');

/** Process ids of a process's children (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie has ended
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const leftOver: number[] = [];
const tmp = tempDir();
afterEach(() => {
  for (const pid of leftOver.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => tmp.remove());

/** Starts the wrapper on a free port and resolves once web mode is listening, with its port and the server's pid. */
async function startWrapper(): Promise<{ wrapper: ChildProcess; port: number; server: number; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const env = { ...process.env, TIMER_LAB_DB: tmp.db };
  const wrapper = spawn(process.execPath, ['scripts/start.js', '--port', '0', '--json'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  leftOver.push(wrapper.pid!);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => wrapper.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  wrapper.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not start\nstdout: ${out}\nstderr: ${err}`)), 20_000);
    wrapper.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = /^\{.*"port":(\d+).*\}$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
  });
  const [server] = childrenOf(wrapper.pid!);
  expect(server).toBeDefined();
  leftOver.push(server!);
  return { wrapper, port, server: server!, ended };
}

describe.skipIf(electron)('npm start in web mode', () => {

  it('SIGTERM to the wrapper stops the server it started, and the wrapper exits with the server\'s status (0)', async () => {
    assertBuilt();
    const { wrapper, port, server, ended } = await startWrapper();
    expect(await accepts(port)).toBe(true);
    expect(alive(server)).toBe(true);
    wrapper.kill('SIGTERM');
    expect(await ended).toEqual({ code: 0, signal: null });
    expect(alive(server)).toBe(false);
    expect(await accepts(port)).toBe(false);
  }, 40_000);

  it('SIGINT and SIGHUP reach the server too; a server ended by a signal ends the wrapper by the same one', async () => {
    assertBuilt();
    const first = await startWrapper();
    first.wrapper.kill('SIGINT');
    expect(await first.ended).toEqual({ code: 0, signal: null }); // serve stops cleanly on SIGINT
    expect(alive(first.server)).toBe(false);
    const second = await startWrapper();
    second.wrapper.kill('SIGHUP');
    expect(await second.ended).toEqual({ code: 0, signal: null }); // and on SIGHUP (the terminal went away)
    expect(alive(second.server)).toBe(false);
    const third = await startWrapper();
    process.kill(third.server, 'SIGKILL');
    expect(await third.ended).toEqual({ code: null, signal: 'SIGKILL' });
  }, 60_000);
});
