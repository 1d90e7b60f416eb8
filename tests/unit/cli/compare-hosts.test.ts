// `timer-lab compare` across hosts: the table has a CPU and a kernel column, and the context lines
// say that the kernels, the CPU profiles and the CPU vendors differ.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  tmp = tempDir();
});
afterAll(() => tmp.remove());

describe('timer-lab compare across hosts', () => {
  it('labels each row with its CPU profile and kernel and says the hosts differ', async () => {
    const db = path.join(tmp.dir, 'hosts.sqlite');
    const busy = ['--db', db, '--workload', 'tscdeadline-busy', '--samples', '1000', '--json'];
    const skx = await cli(['run', ...busy, '--strategy', 'hrtimer', '--profile', 'SKX', '--set', 'kernel=6.8']);
    expect(skx.code, skx.stderr).toBe(0);
    const epyc = await cli(['run', ...busy, '--strategy', 'hrtimer', '--profile', 'EPYC']);
    expect(epyc.code, epyc.stderr).toBe(0);
    const ids = [skx, epyc].map((r) => String((JSON.parse(r.stdout.trim()) as { id: number }).id));

    const text = await cli(['compare', ...ids, '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('run '))!;
    expect(header.split(/\s{2,}/).slice(0, 4)).toEqual(['run', 'CPU', 'kernel', 'mean']);
    const row = (id: string) => lines.find((l) => l.replace(/^\*/, '').startsWith(`${id} `))!.replace(/^\*/, '').split(/\s{2,}/);
    expect(row(ids[0]!).slice(0, 3)).toEqual([ids[0], 'SKX', '6.8']);
    expect(row(ids[1]!).slice(0, 3)).toEqual([ids[1], 'EPYC', '6.1']);
    expect(text.stdout).toContain(`context: kernels differ: run ${ids[0]} models Linux 6.8, run ${ids[1]} models Linux 6.1`);
    expect(text.stdout).toContain(`context: CPU profiles differ: run ${ids[0]} models SKX, run ${ids[1]} models EPYC`);
    expect(text.stdout).toContain(`context: CPU vendors differ: run ${ids[0]} models Intel VMX, run ${ids[1]} models AMD SVM`);

    const json = await cli(['compare', ...ids, '--db', db, '--json']);
    const c = JSON.parse(json.stdout) as { runs: Array<{ id: number; profile: string; kernel: string }>; contextDifferences: string[] };
    expect(c.runs.map((r) => [r.profile, r.kernel])).toEqual([['SKX', '6.8'], ['EPYC', '6.1']]);
    expect(c.contextDifferences.some((d) => d.startsWith('CPU profiles differ'))).toBe(true);
  });

  it('says nothing about hosts when the runs share one', async () => {
    const db = path.join(tmp.dir, 'same.sqlite');
    const busy = ['--db', db, '--workload', 'tscdeadline-busy', '--samples', '1000', '--profile', 'SKX', '--json'];
    const ids = [];
    for (const strategy of ['hrtimer', 'vmx-preemption']) {
      const r = await cli(['run', ...busy, '--strategy', strategy]);
      expect(r.code, r.stderr).toBe(0);
      ids.push(String((JSON.parse(r.stdout.trim()) as { id: number }).id));
    }
    const text = await cli(['compare', ...ids, '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toContain('context:');
    expect(text.stdout).toMatch(new RegExp(`\\*${ids[0]}\\s+SKX\\s+5\\.15\\s`));
  });
});
