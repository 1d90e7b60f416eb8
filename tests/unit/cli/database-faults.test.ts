// The real CLI on databases the machine will not let it write: a read-only file or folder (reads
// work, said once, a write names the file), a file damaged mid-way (found at open, never
// written, `check` exits 1), and a disk that is really full (a small tmpfs in a private mount
// namespace): `run` fails the run with a clear message and no stack trace, `serve` keeps serving.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corruptMiddlePage, databaseWithRuns } from '../store/damage-helpers.js';
import { apiCall, cliAsUser, inSmallFileSystem, looksLikeCrash, startInSmallFileSystem, tmpfsUnavailable, UNPRIVILEGED } from './fault-helpers.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('timer-lab: warning:'));

beforeAll(() => assertBuilt());

describe('a read-only database', () => {
  for (const what of ['file', 'folder'] as const) {
    it(`lists, shows, compares and exports when the ${what} is read-only, says so once, and a write names the file`, async () => {
      const t = tempDir();
      const out = mkdtempSync(path.join(tmpdir(), 'timer-lab-out-'));
      try {
        const made = await cli(['experiment', '--workload', 'tscdeadline-busy', '--samples', '2000', '--db', t.db, '--json']);
        expect(made.code, made.stderr).toBe(0);
        const ids = (JSON.parse(made.stdout) as { runs: Array<{ id: number }> }).runs.map((r) => String(r.id));
        chmodSync(t.dir, 0o755);
        chmodSync(out, 0o777);
        if (UNPRIVILEGED.uid !== undefined) {
          // root ignores permissions: the CLI runs as nobody, who owns what it may write
          chownSync(t.db, UNPRIVILEGED.uid, UNPRIVILEGED.gid!);
          if (what === 'file') chownSync(t.dir, UNPRIVILEGED.uid, UNPRIVILEGED.gid!);
        }
        if (what === 'file') chmodSync(t.db, 0o444);
        else chmodSync(t.dir, 0o555);
        const before = sha(t.db);

        const list = await cliAsUser(['list', '--json', '--db', t.db]);
        expect(list.code, list.stderr).toBe(0);
        expect((JSON.parse(list.stdout) as unknown[]).length).toBe(2);
        expect(warnings(list.stderr)).toEqual([
          expect.stringContaining(`${t.db} is opened read-only because ${what === 'file' ? 'the file is read-only' : `its folder ${t.dir} is read-only`}`),
        ]);
        for (const args of [['show', ids[0]!], ['compare', ...ids], ['export', ...ids, '--format', 'csv', '--out', path.join(out, 'runs.csv')]]) {
          const r = await cliAsUser([...args, '--db', t.db]);
          expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
          expect(warnings(r.stderr)).toHaveLength(1);
        }
        expect(readFileSync(path.join(out, 'runs.csv'), 'utf8').length).toBeGreaterThan(100);

        const write = await cliAsUser(['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--samples', '100', '--db', t.db]);
        expect(write.code).toBe(1);
        expect(write.stderr).toContain(`timer-lab: cannot write to ${t.db}: it was opened read-only because`);
        expect(looksLikeCrash(write.stderr)).toBe(false);
        expect(sha(t.db)).toBe(before);
      } finally {
        chmodSync(t.dir, 0o755);
        t.remove();
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
});

describe('a database damaged mid-file', () => {
  it('is reported at open, never written, and `check` exits 1 listing the problem', async () => {
    const t = tempDir();
    try {
      databaseWithRuns(t.db, 150);
      const healthy = await cli(['check', '--db', t.db]);
      expect(healthy.code, healthy.stderr).toBe(0);
      expect(healthy.stdout).toContain(`${t.db}: ok`);
      corruptMiddlePage(t.db);
      const before = sha(t.db);

      const list = await cli(['list', '--db', t.db]);
      expect(warnings(list.stderr)).toEqual([expect.stringContaining(`${t.db} is damaged (PRAGMA quick_check: `)]);
      // the notice is one line, however many problems the check lists (`check` prints them all)
      expect(list.stderr.split('\n').find((l) => l.includes('is damaged'))).toMatch(/restore a backup or use --db for another file$/);
      if (list.code !== 0) expect(list.stderr).toContain(`${t.db} is damaged`);
      expect(looksLikeCrash(list.stderr)).toBe(false);

      const check = await cli(['check', '--json', '--db', t.db]);
      expect(check.code).toBe(1);
      const report = JSON.parse(check.stdout) as { ok: boolean; problems: string[] };
      expect(report.ok).toBe(false);
      expect(report.problems.length).toBeGreaterThan(0);

      const write = await cli(['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--samples', '100', '--db', t.db]);
      expect(write.code).toBe(1);
      expect(write.stderr).toContain(`cannot write to ${t.db}: it was opened read-only because it is damaged`);
      expect(sha(t.db)).toBe(before);
    } finally {
      t.remove();
    }
  });
});

const noTmpfs = tmpfsUnavailable();
if (noTmpfs) console.log(`full-disk tests skipped: ${noTmpfs}`);

describe.skipIf(noTmpfs !== null)('a full disk (a real 8 MB tmpfs, filled up)', () => {
  let fs: string;
  let server: ReturnType<typeof startInSmallFileSystem> | null = null;
  beforeAll(() => {
    fs = mkdtempSync(path.join(tmpdir(), 'timer-lab-fullfs-'));
  });
  afterAll(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL'); // a test that timed out left it running
    rmSync(fs, { recursive: true, force: true });
  });

  it('`run` fails the run with a clear message (no stack trace) and the run never stays running', async () => {
    const r = await inSmallFileSystem(
      fs,
      8192,
      [
        'T list --db "$FS/lab.sqlite" >/dev/null || exit 98',
        'FILL 256',
        'T run --workload tscdeadline-busy --strategy hrtimer --samples 1000000 --db "$FS/lab.sqlite"; echo "run exit $?"',
        'echo "=== full"; T list --json --db "$FS/lab.sqlite"',
        'rm "$FS/filler"',
        'echo "=== freed"; T list --json --db "$FS/lab.sqlite"',
      ].join('\n'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('run exit 1');
    const db = path.join(fs, 'lab.sqlite');
    expect(r.stderr).toContain(`cannot write to ${db}: the disk or the database is full (SQLITE_FULL)`);
    expect(looksLikeCrash(r.stderr)).toBe(false);
    const [, full, freed] = r.stdout.split(/=== \w+\n/);
    const statusIn = (json: string) => (JSON.parse(json) as Array<{ status: string }>).map((row) => row.status);
    // failed when that could still be written; otherwise interrupted at the next start
    const afterRun = statusIn(full!)[0];
    expect(['failed', 'running']).toContain(afterRun);
    expect(statusIn(freed!)).toEqual([afterRun === 'failed' ? 'failed' : 'interrupted']);
    console.log(`full disk: the run ended ${afterRun === 'failed' ? 'failed' : 'interrupted at the next start'}`);
  });

  it('`serve` keeps serving reads after a run fails on the full disk, and refuses new writes clearly', async () => {
    const child = (server = startInSmallFileSystem(
      fs,
      8192,
      ['T list --db "$FS/srv.sqlite" >/dev/null || exit 98', 'T run --workload tscdeadline-busy --strategy hrtimer --samples 100 --db "$FS/srv.sqlite" >/dev/null || exit 98', 'FILL 256', 'exec node "$BIN" serve --json --db "$FS/srv.sqlite"'].join('\n'),
    ));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        void exited.then((code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      });
      const { port, token } = JSON.parse(first) as { port: number; token: string };
      const submit = await apiCall(port, token, 'experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1_000_000 }] });
      expect(submit.status, JSON.stringify(submit.body)).toBe(200);
      const id = (submit.body.result as { runIds: number[] }).runIds[0]!;
      let detail: { status: string; error: string | null } = { status: 'queued', error: null };
      for (let i = 0; i < 300 && (detail.status === 'queued' || detail.status === 'running'); i++) {
        await new Promise((r) => setTimeout(r, 200));
        detail = (await apiCall(port, token, 'runs:get', { id })).body.result as typeof detail;
      }
      expect(detail.status).toBe('failed');
      expect(detail.error).toContain('the disk or the database is full (SQLITE_FULL)');
      for (let i = 0; i < 3; i++) {
        const list = await apiCall(port, token, 'runs:list', {});
        expect(list.status).toBe(200);
        expect((list.body.result as unknown[]).length).toBeGreaterThanOrEqual(2);
        const again = await apiCall(port, token, 'experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1_000_000 }] });
        // either refused at once (nothing fits any more) or accepted and failed like the first
        if (again.status !== 200) expect(again.body.error?.message).toMatch(/SQLITE_FULL|full/);
      }
      // every run the server accepted ends (done or failed), none is left running
      let statuses: string[] = [];
      for (let i = 0; i < 300; i++) {
        const list = await apiCall(port, token, 'runs:list', {});
        expect(list.status).toBe(200);
        statuses = (list.body.result as Array<{ status: string }>).map((r) => r.status);
        if (!statuses.some((st) => st === "queued" || st === "running")) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(statuses.filter((st) => st !== 'done' && st !== 'failed')).toEqual([]);
      expect(child.exitCode).toBeNull(); // still serving
      console.log(`full disk, serve: run statuses ${statuses.join(', ')}`);
      expect(looksLikeCrash(stderr)).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
