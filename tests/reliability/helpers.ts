// Shared pieces of the reliability suite: a seeded generator (so a failing case can be rerun),
// the real `timer-lab serve` as a child process, raw HTTP, a process's peak memory, and one
// summary line per test with the counts to quote.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { Sfc32 } from '../../src-shared/sfc32.js';
import { BIN, REPO } from '../unit/cli/helpers.js';

export { apiCall, looksLikeCrash } from '../unit/cli/fault-helpers.js';

/** The suite's seed: RELIABILITY_SEED to replay a run, else fixed. */
export const SEED = Number(process.env.RELIABILITY_SEED ?? 20_240_613);

export class Random {
  private readonly g: Sfc32;
  constructor(seed: number) {
    this.g = new Sfc32(seed);
  }
  next(): number {
    return this.g.next();
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.g.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.g.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.g.next() < p;
  }
}

export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TIMER_LAB_DB;
  return env;
}

export interface Serve {
  child: ChildProcess;
  port: number;
  token: string;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it has not ended after `graceMs`. Resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
  exited: Promise<number | string | null>;
}

/** Starts `timer-lab serve --json --db DB` and waits for its address. */
export async function startServe(db: string, extra: string[] = []): Promise<Serve> {
  const child = spawn(process.execPath, [BIN, 'serve', '--json', '--db', db, ...extra], { cwd: REPO, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`serve ended (${code}) before listening: ${stderr}`)));
  });
  const { port, token } = JSON.parse(first) as { port: number; token: string };
  return {
    child,
    port,
    token,
    exited,
    stderr: () => stderr,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Writes `text` on a fresh connection; resolves with what came back once either side closed it. */
export function rawRequest(port: number, text: string | Buffer, opts: { keepOpenMs?: number } = {}): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1', () => {
      s.write(text);
      if (opts.keepOpenMs === undefined) s.end();
      else setTimeout(() => s.destroy(), opts.keepOpenMs);
    });
    let reply = '';
    s.setEncoding('utf8').on('data', (d: string) => (reply += d));
    s.on('error', () => undefined); // the server may reset a connection it refused
    s.on('close', () => resolve({ reply, closedAfterMs: Date.now() - t0 }));
  });
}

/** Peak resident memory of a live process in MB (VmHWM), Linux only; null elsewhere. */
export function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** One line per test with the counts, easy to find in the output: `reliability | name | k=v …`. */
export function report(name: string, counts: Record<string, number | string>): void {
  console.log(`reliability | ${name} | ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
