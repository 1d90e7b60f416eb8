/**
 * Starts web mode (`node bin/timer-lab.js serve --db <tmp>/e2e.sqlite --port 0 --json`) with a
 * temporary database for the whole e2e run, hands its URL and token to the test workers through
 * environment variables, and returns the teardown (stop the server, delete the database).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths.js';

interface ServeInfo {
  url: string;
  token: string;
  port: number;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const f of ['build/src-main/cli/timer-lab.js', 'dist-renderer/index.html']) {
    if (!existsSync(join(REPO_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` before the e2e tests`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-e2e-'));
  const db = join(dir, 'e2e.sqlite');
  const child = spawn(process.execPath, ['bin/timer-lab.js', 'serve', '--db', db, '--port', '0', '--json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TIMER_LAB_DB: db },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

  const info = await new Promise<ServeInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timer-lab serve did not print its URL within 30 s; stderr:\n${stderr}`)), 30_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const t = line.trim();
      if (!t.startsWith('{')) return;
      try {
        const parsed = JSON.parse(t) as ServeInfo;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not the JSON line */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`timer-lab serve exited early (code ${code}); stderr:\n${stderr}`));
    });
  });

  const base = new URL(info.url).origin;
  process.env.E2E_URL = info.url;
  process.env.E2E_BASE = base;
  process.env.E2E_TOKEN = info.token;
  process.env.E2E_PORT = String(info.port);
  process.env.E2E_DB = db;
  console.log(`[e2e] web mode at ${base} (database ${db})`);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000));
      await Promise.race([exited, timeout]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
