// Runs the real CLI (`node bin/timer-lab.js`, compiled under build/) as a child process on a
// temporary database. Build first: `npx tsc -p tsconfig.main.json`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const BIN = path.join(REPO, 'bin', 'timer-lab.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function assertBuilt(): void {
  if (!existsSync(path.join(REPO, 'build', 'src-main', 'cli', 'timer-lab.js'))) {
    throw new Error('CLI not built: run "npx tsc -p tsconfig.main.json" first');
  }
}

/** Runs `timer-lab ...args`; never inherits TIMER_LAB_DB, so a missing --db cannot touch the user's database. */
export function cli(args: string[], opts: { timeoutMs?: number; nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<CliResult> {
  const env = { ...process.env, ...opts.env };
  delete env.TIMER_LAB_DB;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timer-lab ${args.join(' ')} timed out\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // a child ended by a signal reports it in stderr, so a failing assertion shows why
      resolve({ code, stdout, stderr: signal ? `${stderr}\n[killed by ${signal}]` : stderr, ms: performance.now() - t0 });
    });
  });
}

export function tempDir(): { dir: string; db: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-cli-'));
  return { dir, db: path.join(dir, 'lab.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
