import { beforeEach, describe, expect, it, vi } from 'vitest';
import { compareRuns } from '../../../src-main/stats/compare.js';
import { compareSides, type CompareSide } from '../../../src-main/stats/compare-sides.js';
import { fromSamples, type Distribution } from '../../../src-main/stats/distribution.js';
import { percentileDeltas } from '../../../src-main/stats/percentile-delta.js';
import { Prng } from '../../../src-main/stats/prng.js';

// Count the bootstrap work: the real functions, wrapped.
const calls = vi.hoisted(() => ({ meanCI: [] as string[], deltas: [] as string[] }));
vi.mock('../../../src-main/stats/bootstrap.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/stats/bootstrap.js')>();
  return {
    ...real,
    bootstrapMeanDiffCI: (a: Distribution, b: Distribution, o?: Parameters<typeof real.bootstrapMeanDiffCI>[2]) => {
      calls.meanCI.push(`${a.n}/${b.n}`);
      return real.bootstrapMeanDiffCI(a, b, o);
    },
  };
});
vi.mock('../../../src-main/stats/percentile-delta.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/stats/percentile-delta.js')>();
  return {
    ...real,
    percentileDeltas: (a: Distribution, b: Distribution, o?: Parameters<typeof real.percentileDeltas>[2]) => {
      calls.deltas.push(`${a.n}/${b.n}`);
      return real.percentileDeltas(a, b, o);
    },
  };
});

function normalDist(seed: number, n: number, mu: number, sd: number): Distribution {
  const rng = new Prng(seed);
  return fromSamples(Int32Array.from({ length: n }, () => Math.round(mu + sd * rng.nextNormal())));
}

function side(id: number, dist: Distribution | null, extra: Partial<CompareSide> = {}): CompareSide {
  return { id, name: `run ${id}`, strategy: 'hrtimer', measure: 'guest-deadline-to-isr', dist, known: null, samples: dist?.n ?? 100, overflow: 0, unconvertible: null, ...extra };
}

// Distinct sample counts, so each call says which pair it was for.
const base = normalDist(1, 2000, 5000, 300);
const same = normalDist(2, 2001, 5100, 300);
const other = normalDist(3, 2002, 9000, 500);
const capped = normalDist(4, 2003, 5050, 300);

describe('compareSides computes only what its rows show', () => {
  beforeEach(() => {
    calls.meanCI.length = 0;
    calls.deltas.length = 0;
  });

  it('no bootstrap for a run that measures something else, no CI or percentile deltas for a run with overflow', () => {
    const r = compareSides(
      [side(1, base), side(2, same), side(3, other, { measure: 'host-expiry-to-entry' }), side(4, capped, { overflow: 5, samples: 2003 })],
      { baselineId: 1 },
    );
    // only run 2 gets a CI of Δmean and percentile deltas
    expect(calls.meanCI).toEqual(['2000/2001']);
    expect(calls.deltas).toEqual(['2000/2001']);
    const row = new Map(r.runs.map((x) => [x.id, x]));
    expect(row.get(2)!.ci95).not.toBeNull();
    expect(row.get(3)).toMatchObject({ pValue: null, ci95: null, significant: false });
    expect(row.get(3)!.noVerdict).toMatch(/measure different things/);
    expect(row.get(4)!.pValue).toBeGreaterThan(0); // ranks still count
    expect(row.get(4)!.ci95).toBeNull();
    expect(r.percentileDeltas.map((d) => d.id)).toEqual([2]);
    // charts still show every run with a distribution
    expect(r.cdf.map((c) => c.id)).toEqual([1, 2, 3, 4]);
  });

  it('no bootstrap at all when the baseline has no distribution', () => {
    const r = compareSides([side(1, null, { samples: 50 }), side(2, same), side(3, capped)], { baselineId: 1 });
    expect(calls.meanCI).toEqual([]);
    expect(calls.deltas).toEqual([]);
    expect(r.runs.every((x) => x.id === 1 || (x.pValue === null && x.ci95 === null))).toBe(true);
    expect(r.percentileDeltas).toEqual([]);
    expect(r.cdf.map((c) => c.id)).toEqual([2, 3]);
  });

  it('a run whose verdict comes from its repeat group gets percentile deltas only', () => {
    const r = compareSides([side(1, base), side(2, same), side(4, capped, { overflow: 5, samples: 2003 })], { baselineId: 1, verdictFromRuns: () => true });
    expect(calls.meanCI).toEqual([]);
    expect(calls.deltas).toEqual(['2000/2001']);
    const row = new Map(r.runs.map((x) => [x.id, x]));
    expect(row.get(2)).toMatchObject({ pValue: null, ci95: null, significant: false });
    expect(row.get(2)!.ci95P99).toHaveLength(2);
    expect(row.get(4)).toMatchObject({ pValue: null, ci95: null, ci95P99: null });
    expect(r.percentileDeltas.map((d) => d.id)).toEqual([2]);
  });

  it('the rows that get statistics keep the values of a comparison of the comparable runs alone', () => {
    const r = compareSides([side(1, base), side(3, other, { measure: 'host-expiry-to-entry' }), side(2, same)], { baselineId: 1 });
    const alone = compareRuns([
      { id: 1, name: 'run 1', dist: base },
      { id: 2, name: 'run 2', dist: same },
    ]);
    const got = r.runs.find((x) => x.id === 2)!;
    const want = alone.runs.find((x) => x.id === 2)!;
    expect(got.pValue).toBe(want.pValue);
    expect(got.ci95).toEqual(want.ci95);
    expect(got.significant).toBe(want.significant);
    expect(r.percentileDeltas).toEqual(alone.percentileDeltas);
    // deterministic: the same inputs give the same intervals
    const again = compareSides([side(1, base), side(3, other, { measure: 'host-expiry-to-entry' }), side(2, same)], { baselineId: 1 });
    expect(again.runs).toEqual(r.runs);
    expect(again.percentileDeltas).toEqual(r.percentileDeltas);
  });
});

describe('compareRuns testsFor', () => {
  it('gives a run only the tests it asks for', () => {
    const r = compareRuns(
      [
        { id: 1, name: 'a', dist: base },
        { id: 2, name: 'b', dist: same },
        { id: 3, name: 'c', dist: capped },
        { id: 4, name: 'd', dist: other },
      ],
      { testsFor: (id) => (id === 3 ? 'p-value' : id === 4 ? 'none' : 'all') },
    );
    const row = new Map(r.runs.map((x) => [x.id, x]));
    expect(row.get(1)).toMatchObject({ pValue: 1, ci95: [0, 0] });
    expect(row.get(2)!.ci95).not.toBeNull();
    expect(row.get(3)!.pValue).not.toBeNull();
    expect(row.get(3)!.ci95).toBeNull();
    expect(row.get(4)).toMatchObject({ pValue: null, ci95: null, significant: false, practicallySignificant: false });
    expect(r.percentileDeltas.map((d) => d.id)).toEqual([2]);
    // the deltas themselves do not depend on the tests
    expect(row.get(4)!.deltaCycles.mean).toBeCloseTo(other.mean() - base.mean(), 6);
  });
});

describe('the 95 % CI of Δp99', () => {
  it('is the percentile-delta band at p99, reaches the row, and is null for the baseline and thin tails', () => {
    const r = compareRuns([
      { id: 1, name: 'a', dist: base },
      { id: 2, name: 'b', dist: other },
    ]);
    const [b, row] = r.runs;
    const at99 = percentileDeltas(base, other, { seed: 12345 }).find((d) => d.p === 0.99)!;
    expect(row!.ci95P99).toEqual([at99.lo, at99.hi]);
    expect(r.percentileDeltas[0]!.points.find((d) => d.p === 0.99)).toEqual(at99);
    // a shift of ~4000 cycles: the band holds the observed Δp99 and stays clear of 0
    expect(row!.ci95P99![0]).toBeLessThanOrEqual(row!.deltaCycles.p99!);
    expect(row!.ci95P99![1]).toBeGreaterThanOrEqual(row!.deltaCycles.p99!);
    expect(row!.ci95P99![0]).toBeGreaterThan(0);
    expect(b!.ci95P99).toBeNull();
    // 500 samples leave 5 beyond p99: no band there
    const small = compareRuns([
      { id: 1, name: 'a', dist: normalDist(5, 500, 5000, 300) },
      { id: 2, name: 'b', dist: normalDist(6, 500, 5200, 300) },
    ]);
    expect(small.runs[1]!.ci95).not.toBeNull();
    expect(small.runs[1]!.ci95P99).toBeNull();
  });

  it('compareSides carries it only where a verdict is given and no value is hidden', () => {
    const r = compareSides(
      [side(1, base), side(2, same), side(3, other, { measure: 'host-expiry-to-entry' }), side(4, capped, { overflow: 5, samples: 2003 })],
      { baselineId: 1 },
    );
    const row = new Map(r.runs.map((x) => [x.id, x]));
    expect(row.get(2)!.ci95P99).toHaveLength(2);
    expect(row.get(1)!.ci95P99).toBeNull();
    expect(row.get(3)!.ci95P99).toBeNull();
    expect(row.get(4)!.ci95P99).toBeNull();
  });
});
