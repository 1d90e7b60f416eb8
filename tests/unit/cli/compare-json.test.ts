// `timer-lab compare --json` carries what the text table, the app's Compare view and the report
// show: the absolute differences to the baseline (in the comparison's unit) beside the percent
// ones, and the difference at each percentile with its bootstrap band.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intervalText } from '../../../src-shared/verdict.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

const KEYS = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
type Key = (typeof KEYS)[number];

interface JsonRow extends Record<Key, number> {
  id: number;
  deltaPct: Record<Key, number>;
  deltaCycles: Record<Key, number>;
  ci95P99: [number, number] | null;
}
interface JsonCompare {
  baseline: number;
  unit: string;
  runs: JsonRow[];
  percentileDeltas: Array<{ id: number; points: Array<{ p: number; delta: number; lo: number; hi: number }> }>;
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  tmp = tempDir();
});
afterAll(() => tmp.remove());

/** The statistic cells of a run's row in the text table (the figure before any "(+x%)"). */
function textStats(stdout: string, id: number): Record<Key, number> {
  const lines = stdout.split('\n');
  const header = lines.find((l) => l.startsWith('run '))!.split(/\s{2,}/);
  const row = lines.find((l) => l.replace(/^\*/, '').startsWith(`${id} `))!.split(/\s{2,}/);
  return Object.fromEntries(KEYS.map((k) => [k, Number(row[header.indexOf(k)]!.split(' ')[0])])) as Record<Key, number>;
}

describe('timer-lab compare --json', () => {
  it('gives the absolute deltas and the percentile-delta curve, consistent with the text output', async () => {
    const db = path.join(tmp.dir, 'pair.sqlite');
    const ids: number[] = [];
    for (const strategy of ['hrtimer', 'vmx-preemption']) {
      const r = await cli(['run', '--db', db, '--workload', 'tscdeadline-busy', '--samples', '5000', '--strategy', strategy, '--json']);
      expect(r.code, r.stderr).toBe(0);
      ids.push((JSON.parse(r.stdout.trim()) as { id: number }).id);
    }
    const [baseId, otherId] = ids as [number, number];
    const args = ['compare', String(baseId), String(otherId), '--baseline', String(baseId), '--db', db];
    const js = await cli([...args, '--json']);
    expect(js.code, js.stderr).toBe(0);
    const c = JSON.parse(js.stdout) as JsonCompare;
    const text = await cli(args);
    expect(text.code, text.stderr).toBe(0);

    const base = c.runs.find((r) => r.id === baseId)!;
    const other = c.runs.find((r) => r.id === otherId)!;
    const baseText = textStats(text.stdout, baseId);
    const otherText = textStats(text.stdout, otherId);
    for (const k of KEYS) {
      expect(base.deltaCycles[k], k).toBe(0);
      expect(other.deltaCycles[k], k).toBeCloseTo(other[k] - base[k], 9);
      // the text prints one decimal: its difference is within two roundings of the JSON's
      expect(Math.abs(otherText[k] - baseText[k] - other.deltaCycles[k]), k).toBeLessThanOrEqual(0.1 + 1e-9);
    }
    // the two strategies differ: the deltas are not all zero
    expect(KEYS.some((k) => other.deltaCycles[k] !== 0)).toBe(true);

    // one curve, for the run that is not the baseline
    expect(c.percentileDeltas.map((d) => d.id)).toEqual([otherId]);
    const points = c.percentileDeltas[0]!.points;
    const at = (p: number) => points.find((x) => x.p === p)!;
    // 5000 samples: 50 beyond p99, too few beyond p99.9 for a point there
    expect(points.map((x) => x.p)).toEqual(expect.arrayContaining([0.5, 0.9, 0.99]));
    expect(points.some((x) => x.p >= 0.999)).toBe(false);
    for (const x of points) expect(x.lo).toBeLessThanOrEqual(x.hi);
    // the curve's percentile differences are the rows' (same nearest-rank percentiles)
    expect(at(0.5).delta).toBeCloseTo(other.deltaCycles.p50, 9);
    expect(at(0.9).delta).toBeCloseTo(other.deltaCycles.p90, 9);
    expect(at(0.99).delta).toBeCloseTo(other.deltaCycles.p99, 9);
    // its band at p99 is the CI of Δp99 the text table prints
    expect(other.ci95P99).toEqual([at(0.99).lo, at(0.99).hi]);
    expect(text.stdout).toContain(intervalText([at(0.99).lo, at(0.99).hi]));
  }, 60_000);
});
