import { describe, expect, it } from 'vitest';
import { thinMinMax } from '../../../src-shared/charts/shape.js';
import type { RunListItem } from '../../../src-shared/contract.js';
import { groupByExperiment, sortRuns } from '../../../src-renderer/lib/history-order.js';
import { toCsv } from '../../../src-renderer/lib/csv.js';
import { samplesBeyond } from '../../../src-renderer/lib/verdict.js';

describe('samples behind a percentile', () => {
  it('counts the samples expected above it', () => {
    expect(samplesBeyond(10000, 0.999)).toBeCloseTo(10);
    expect(samplesBeyond(1000, 0.999)).toBeLessThan(10);
  });
});

describe('toCsv', () => {
  it('neutralises text a spreadsheet would run as a formula, but not plain numbers', () => {
    const out = toCsv(['name', 'delta'], [['=HYPERLINK("http://x")', '-12.5'], ['@SUM(A1)', '+3%'], ['-2+3', 'ok']]);
    expect(out).toBe('name,delta\r\n"\'=HYPERLINK(""http://x"")",-12.5\r\n\'@SUM(A1),+3%\r\n\'-2+3,ok\r\n');
  });

  it('quotes commas, quotes and newlines, and leaves empty cells for null', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [null, 3], ['l1\nl2', NaN]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n,3\r\n"l1\nl2",\r\n',
    );
  });
});

describe('thinMinMax', () => {
  it('keeps peaks, first and last points', () => {
    const pts = Array.from({ length: 10000 }, (_, i) => ({ x: i, y: i === 5000 ? 99 : 1 }));
    const out = thinMinMax(pts, 200);
    expect(out.length).toBeLessThanOrEqual(201);
    expect(out.some((p) => p.y === 99)).toBe(true);
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[pts.length - 1]);
  });
});

describe('History order', () => {
  const item = (id: number, over: Partial<RunListItem>): RunListItem =>
    ({ id, experimentId: null, experimentName: null, name: `r${id}`, kind: 'simulated', workload: 'tscdeadline-halt', strategy: 'hrtimer', profile: 'HSW-2016', samples: 10, seed: 1, status: 'done', tags: [], createdAt: `2026-01-0${id}T00:00:00Z`, finishedAt: null, mean: 100 * id, p99: null, error: null, sourceFile: null, unit: 'cycles', measure: null, ...over }) as RunListItem;

  it('sorts by a column either way, unknown values last, ties newest first', () => {
    const runs = [item(1, { mean: 300 }), item(2, { mean: null }), item(3, { mean: 100 }), item(4, { mean: 300 })];
    expect(sortRuns(runs, 'mean', 1).map((r) => r.id)).toEqual([3, 4, 1, 2]);
    expect(sortRuns(runs, 'mean', -1).map((r) => r.id)).toEqual([4, 1, 3, 2]);
    expect(sortRuns(runs, 'created', -1).map((r) => r.id)).toEqual([4, 3, 2, 1]);
    expect(sortRuns(runs, 'name', 1).map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it('groups by experiment in the order the groups first appear', () => {
    const runs = [item(4, { experimentId: 2, experimentName: 'sweep delta on x' }), item(3, {}), item(2, { experimentId: 1, experimentName: 'pair' }), item(1, { experimentId: 2, experimentName: 'sweep delta on x' })];
    expect(groupByExperiment(runs).map((g) => [g.name, g.runs.map((r) => r.id)])).toEqual([
      ['sweep delta on x', [4, 1]],
      ['no experiment', [3]],
      ['pair', [2]],
    ]);
  });
});
