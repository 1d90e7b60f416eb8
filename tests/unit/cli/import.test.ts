// `timer-lab import` and `show` on real measurements: one run per thread plus the merged one,
// the same file twice, statistics the file does not give shown as "—", the file's tables in
// `show`, and a hostile 26-million-column line failing fast in bounded memory.
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, samplePath } from '../../samples.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

const SAMPLE = samplePath('cyclictest-histogram-4threads-h400.txt');
const fixture = (name: string) => path.join(repoRoot, 'tests', 'fixtures', 'imports', name);
const json = <T>(s: string): T => JSON.parse(s) as T;

describe('timer-lab import and show', () => {
  const tmp = tempDir();
  const db = tmp.db;
  beforeAll(() => assertBuilt());
  afterAll(() => tmp.remove());

  it('a 4-thread histogram gives 5 runs in one experiment; the same file again gives the same runs', async () => {
    const r = await cli(['import', SAMPLE, '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const imp = json<{ runId: number; runIds: number[]; experimentId: number; deduplicated: boolean }>(r.stdout);
    expect(imp.runIds).toHaveLength(5);
    expect(imp.deduplicated).toBe(false);
    const again = await cli(['import', SAMPLE, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already imported ${SAMPLE} as runs ${imp.runIds.join(', ')} (experiment ${imp.experimentId})`);
    expect(json<unknown[]>((await cli(['list', '--db', db, '--json'])).stdout)).toHaveLength(5);
    const show = await cli(['show', String(imp.runId), '--db', db]);
    expect(show.stdout).toContain('measures: wake-up latency');
    expect(show.stdout).toMatch(/thread 3\s+11055131\s+4000\s+5917\.6\s+25000/);
    expect(show.stdout).toContain('not in the file: kernel, CPU architecture, interval');
  });

  it('the same file with --unit ns, as the µs warning advises, is stored anew; again with ns, it points to those runs', async () => {
    const asUs = json<{ runIds: number[]; deduplicated: boolean }>((await cli(['import', SAMPLE, '--db', db, '--json'])).stdout);
    expect(asUs.deduplicated).toBe(true); // read as µs by the first test
    const r = await cli(['import', SAMPLE, '--unit', 'ns', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const asNs = json<{ runId: number; runIds: number[]; deduplicated: boolean; warnings: string[] }>(r.stdout);
    expect(asNs.deduplicated).toBe(false);
    expect(asNs.runIds).toHaveLength(5);
    expect(asNs.runIds.some((id) => asUs.runIds.includes(id))).toBe(false);
    expect(asNs.warnings.join('\n')).not.toContain('assumed µs');
    const runs = json<Array<{ id: number; mean: number | null }>>((await cli(['list', '--db', db, '--json'])).stdout);
    expect(runs).toHaveLength(10);
    const mean = (id: number) => runs.find((x) => x.id === id)?.mean;
    expect(mean(asNs.runId)! * 1000).toBeCloseTo(mean(asUs.runIds[0]!)!, 6); // the same counts read as ns, not µs
    const again = await cli(['import', SAMPLE, '--unit', 'ns', '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already imported ${SAMPLE} as runs ${asNs.runIds.join(', ')}`);
  });

  it('--format naming the format detection finds is the same import; another format is a new one', async () => {
    const before = json<unknown[]>((await cli(['list', '--db', db, '--json'])).stdout).length;
    const named = await cli(['import', SAMPLE, '--format', 'cyclictest-hist', '--db', db, '--json']);
    expect(named.code, named.stderr).toBe(0);
    expect(json<{ deduplicated: boolean }>(named.stdout).deduplicated).toBe(true); // imported without --format by the first test
    expect(json<unknown[]>((await cli(['list', '--db', db, '--json'])).stdout)).toHaveLength(before);

    const own = path.join(tmp.dir, 'formats.sqlite');
    // a file two readers accept: vmexit lines (what detection finds) followed by a host trace
    const both = path.join(tmp.dir, 'both.txt');
    writeFileSync(both, readFileSync(fixture('vmexit-multi.txt'), 'utf8') + readFileSync(fixture('trace-cmd-amd-svm.txt'), 'utf8'));
    const run = async (...extra: string[]) => {
      const r = await cli(['import', both, ...extra, '--db', own, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return json<{ runIds: number[]; format: string; deduplicated: boolean }>(r.stdout);
    };
    const vmexit = await run('--format', 'vmexit');
    expect(vmexit).toMatchObject({ format: 'vmexit', deduplicated: false });
    expect(await run()).toMatchObject({ runIds: vmexit.runIds, format: 'vmexit', deduplicated: true });
    const trace = await run('--format', 'trace-cmd');
    expect(trace).toMatchObject({ format: 'trace-cmd', deduplicated: false });
    expect(trace.runIds.some((id) => vmexit.runIds.includes(id))).toBe(false);
    expect(await run('--format', 'trace-cmd')).toMatchObject({ runIds: trace.runIds, deduplicated: true });
    expect(json<unknown[]>((await cli(['list', '--db', own, '--json'])).stdout)).toHaveLength(vmexit.runIds.length + trace.runIds.length);
  });

  it('show: "—" for what a file does not give, the perf table in µs, the trace\'s pairs and lost events', async () => {
    const status = path.join(tmp.dir, 'status.txt');
    writeFileSync(status, 'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650\n');
    const s = json<{ runId: number }>((await cli(['import', status, '--db', db, '--json'])).stdout);
    const st = await cli(['show', String(s.runId), '--db', db]);
    expect(st.stdout).toContain('p50 —  p90 —  p99 —  p99.9 —  max 1650000  stddev —');

    const perf = json<{ runId: number }>((await cli(['import', fixture('perf-kvm-stat-arm64.txt'), '--db', db, '--json'])).stdout);
    const pf = await cli(['show', String(perf.runId), '--db', db]);
    expect(pf.stdout).toContain('perf kvm stat table (µs, as printed):');
    expect(pf.stdout).toMatch(/DABT_LOW\s+661867\s+98\.91\s+40\.45\s+2\.19\s+3364\.65\s+6\.24/);
    expect(pf.stdout).toContain('CPU aarch64 (judged from the arm64 exception classes)');
    expect(pf.stdout).not.toMatch(/cycles/);

    const trace = json<{ runId: number; runIds: number[] }>((await cli(['import', fixture('trace-cmd-two-vms-lost-events.txt'), '--db', db, '--json'])).stdout);
    expect(trace.runIds).toHaveLength(4);
    const tr = await cli(['show', String(trace.runId), '--db', db]);
    expect(tr.stdout).toContain('not made: 3 lost events');
    expect(tr.stdout).toContain('lost events in the file: 37');
    expect(tr.stdout).toContain('kvm_wait_lapic_expire: 5 deltas (guest TSC cycles): 1 early, 4 late');
    expect(tr.stdout).toContain('TSC 2.500 GHz estimated');
  });

  it('compare of runs that measure different things: no verdict, and why', async () => {
    const trace = json<{ runId: number }>((await cli(['import', fixture('trace-cmd-ns-new-kvm-exit.txt'), '--db', db, '--json'])).stdout);
    const hist = json<{ runId: number }>((await cli(['import', fixture('cyclictest-hist-overflow.txt'), '--db', db, '--json'])).stdout);
    const c = await cli(['compare', String(hist.runId), String(trace.runId), '--db', db]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('warning: these runs measure different things (wake-up latency vs host expiry → VM entry)');
    expect(c.stdout).toContain('no verdict or p-value: they measure different things');
    // the overflowed histogram's p99.9 is only known to be above its limit
    expect(c.stdout).toContain('> 19000');
  });

  it('a 26-million-column histogram line fails fast with its line number, in bounded memory', async () => {
    const file = path.join(tmp.dir, 'huge.txt');
    await new Promise<void>((done, fail) => {
      const w = createWriteStream(file);
      w.on('error', fail);
      w.write('# Histogram\n000000 ');
      const chunk = '1\t'.repeat(1 << 20);
      for (let i = 0; i < 25; i++) w.write(chunk);
      w.end('1\n# Total: 1\n', done);
    });
    // 256 MB of heap: splitting the line into 26 million strings would need gigabytes
    const r = await cli(['import', file, '--db', db], { nodeArgs: ['--max-old-space-size=256'], timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('line 2: expected a line of at most 1048576 characters');
    expect(readFileSync(file).length).toBeGreaterThan(50 * 1024 * 1024);
  });
});
