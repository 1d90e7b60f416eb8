// Through the real CLI: an export format refused for a run measuring something else (the run,
// its measure and the formats that fit named, nothing written), an import option the file's
// format has no use for refused (--tsc-khz for cyclictest output) or ignored with a warning
// (--unit for a trace-cmd report), the file not stored again.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePath } from '../../samples.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

const HIST = samplePath('cyclictest-histogram-4threads-h400.txt');
const TRACE = samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt');
const json = <T>(s: string): T => JSON.parse(s) as T;

describe('timer-lab export and import options that do not fit', () => {
  const tmp = tempDir();
  const db = tmp.db;
  beforeAll(() => assertBuilt());
  afterAll(() => tmp.remove());

  it('export --format tscdeadline-latency of a cyclictest run is refused and writes nothing', async () => {
    const run = await cli(['run', '--db', db, '--workload', 'cyclictest', '--strategy', 'vmx-preemption', '--samples', '300', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const id = json<{ id: number }>(run.stdout).id;
    const out = path.join(tmp.dir, 'cyc.log');
    const r = await cli(['export', String(id), '--format', 'tscdeadline-latency', '--out', out, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run ${id} measures wake-up latency; a tscdeadline-latency file holds guest deadline → ISR (formats that fit run ${id}: csv, json, cyclictest-hist`);
    expect(existsSync(out)).toBe(false);
  });

  it('import --tsc-khz of cyclictest output is refused naming the flag and the format; nothing is stored', async () => {
    const r = await cli(['import', HIST, '--tsc-khz', '2600000', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--tsc-khz: does not apply to a cyclictest-hist file');
    const list = json<Array<{ kind: string }>>((await cli(['list', '--db', db, '--json'])).stdout);
    expect(list.filter((x) => x.kind === 'measured')).toEqual([]);
  });

  it('import --unit ns of a trace-cmd report is ignored with a warning: the file is stored once', async () => {
    const first = await cli(['import', TRACE, '--db', db, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const again = await cli(['import', TRACE, '--unit', 'ns', '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('the unit ns does not apply to a trace-cmd file');
    const [a, b] = [json<{ runIds: number[] }>(first.stdout), json<{ runIds: number[]; deduplicated: boolean }>(again.stdout)];
    expect(b).toMatchObject({ runIds: a.runIds, deduplicated: true });
  });
});
