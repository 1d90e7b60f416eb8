// Helpers for the CLI fault tests: running the CLI as an unprivileged user (root ignores file
// permissions, so a read-only file is only read-only for someone else), and a real, small file
// system of our own (tmpfs in a private mount namespace, `unshare -rm`, no root needed where
// unprivileged user namespaces are allowed) to fill up.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { BIN, REPO, type CliResult } from './helpers.js';

/** uid/gid to run as so that file permissions apply: nobody when this process is root. */
export const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

function run(command: string, args: string[], opts: { uid?: number; gid?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const env = { ...process.env, ...(opts.env ?? {}) };
  delete env.TIMER_LAB_DB;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: signal ? `${stderr}\n[killed by ${signal}]` : stderr, ms: performance.now() - t0 });
    });
  });
}

/** `timer-lab ...args` as the unprivileged user. */
export function cliAsUser(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], { ...UNPRIVILEGED, ...opts });
}

/** Why a private tmpfs cannot be mounted here (null when it can). */
export function tmpfsUnavailable(): string | null {
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'], { encoding: 'utf8' });
  if (r.error) return `unshare is not available (${r.error.message})`;
  if (r.status !== 0) return `cannot mount a private tmpfs with unshare -rm: ${(r.stderr || '').trim() || `exit ${r.status}`}`;
  return null;
}

/**
 * The command running the shell `script` in a private mount namespace where `$FS` (the folder
 * `dir`) is a fresh tmpfs of `sizeKb`, `T ARGS` runs `node bin/timer-lab.js ARGS`, and `FILL KB`
 * fills the tmpfs until only KB remain free.
 */
function smallFileSystemCommand(dir: string, sizeKb: number, script: string): [string, string[], NodeJS.ProcessEnv] {
  const prelude = [
    'set -u',
    `mount -t tmpfs -o size=${sizeKb}k tmpfs "$FS" || exit 97`,
    'T() { node "$BIN" "$@"; }',
    'FILL() { avail=$(df -k --output=avail "$FS" | tail -1); dd if=/dev/zero of="$FS/filler" bs=1k count=$((avail - $1)) 2>/dev/null; true; }',
  ].join('\n');
  return ['unshare', ['-rm', 'sh', '-c', `${prelude}\n${script}`], { FS: dir, BIN }];
}

/** Runs `script` (see smallFileSystemCommand) to its end. */
export function inSmallFileSystem(dir: string, sizeKb: number, script: string, opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  const [command, args, env] = smallFileSystemCommand(dir, sizeKb, script);
  return run(command, args, { env, ...opts });
}

/** Starts `script` (see smallFileSystemCommand) and returns the running process. */
export function startInSmallFileSystem(dir: string, sizeKb: number, script: string): ChildProcess {
  const [command, args, env] = smallFileSystemCommand(dir, sizeKb, script);
  const childEnv = { ...process.env, ...env };
  delete childEnv.TIMER_LAB_DB;
  return spawn(command, args, { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** POST /api/call/CHANNEL on a web-mode server; resolves with the status and the parsed body. */
export function apiCall(port: number, token: string, channel: string, args: unknown): Promise<{ status: number; body: { ok: boolean; result?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(args);
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/call/${channel}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** True when the text holds a JavaScript stack trace or names an internal error class. */
export function looksLikeCrash(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(text) || /SqliteError|TypeError|RangeError|ReferenceError|Unhandled|node:internal/.test(text);
}
