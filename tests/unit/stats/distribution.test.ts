import fc from 'fast-check';
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  cdfPoints,
  Distribution,
  fromSamples,
  fromValueCounts,
  logLinearHistogram,
  quantile,
  scale,
} from '../../../src-main/stats/distribution.js';
import { Prng } from '../../../src-main/stats/prng.js';

describe('quantile (nearest rank: smallest v with cumulative count ≥ ceil(p·n))', () => {
  it('matches hand-checked values on tiny arrays', () => {
    const d = fromSamples(Int32Array.from([15, 20, 35, 40, 50]));
    // n = 5: p = 0.3 → rank ceil(1.5) = 2 → 20; p = 0.4 → rank 2 → 20; p = 0.5 → rank 3 → 35.
    expect(quantile(d, 0.05)).toBe(15);
    expect(quantile(d, 0.3)).toBe(20);
    expect(quantile(d, 0.4)).toBe(20);
    expect(quantile(d, 0.5)).toBe(35);
    expect(quantile(d, 1)).toBe(50);
    expect(quantile(d, 0)).toBe(15);
    const e = fromSamples(Int32Array.from([3, 1, 2, 4])); // 1 2 3 4
    expect(quantile(e, 0.5)).toBe(2); // rank 2, not the interpolated 2.5
    expect(quantile(e, 0.75)).toBe(3);
    expect(quantile(e, 0.76)).toBe(4);
  });

  it('counts ties through the cumulative counts', () => {
    const d = fromValueCounts([10, 20, 30], [5, 4, 1]); // n = 10
    expect(d.quantile(0.5)).toBe(10); // rank 5
    expect(d.quantile(0.51)).toBe(20); // rank 6
    expect(d.quantile(0.9)).toBe(20); // rank 9
    expect(d.quantile(0.91)).toBe(30);
  });

  it('is not fooled by the binary rounding of p·n', () => {
    // 0.999 · 10000 is 9990.000000000002 in doubles; the rank must be 9990, not 9991.
    const s = Int32Array.from({ length: 10000 }, (_, i) => i + 1);
    expect(quantile(fromSamples(s), 0.999)).toBe(9990);
    expect(quantile(fromSamples(s), 0.99)).toBe(9900);
    expect(quantile(fromSamples(s), 0.9)).toBe(9000);
  });

  it('rejects p outside [0, 1] and gives NaN when empty', () => {
    const d = fromSamples(Int32Array.from([1]));
    expect(() => quantile(d, 1.5)).toThrow(RangeError);
    expect(Number.isNaN(quantile(fromSamples(new Int32Array(0)), 0.5))).toBe(true);
  });
});

describe('Distribution construction', () => {
  it('counting sort and comparison sort agree', () => {
    const rng = new Prng(3);
    const s = Int32Array.from({ length: 5000 }, () => Math.round(3200 + 150 * rng.nextNormal()));
    const viaCounting = fromSamples(s);
    const viaSort = fromSamples(Array.from(s)); // plain arrays take the sort path
    expect(Array.from(viaCounting.values)).toEqual(Array.from(viaSort.values));
    expect(Array.from(viaCounting.counts)).toEqual(Array.from(viaSort.counts));
    // A huge range with few samples also takes the sort path.
    const wide = fromSamples(Int32Array.from([2_000_000_000, -2_000_000_000, 5, 5]));
    expect(Array.from(wide.values)).toEqual([-2_000_000_000, 5, 2_000_000_000]);
    expect(Array.from(wide.counts)).toEqual([1, 2, 1]);
  });

  it('fromValueCounts sorts, merges duplicates and drops zero counts', () => {
    const d = fromValueCounts([30, 10, 20, 10, 40], [1, 2, 3, 4, 0]);
    expect(Array.from(d.values)).toEqual([10, 20, 30]);
    expect(Array.from(d.counts)).toEqual([6, 3, 1]);
    expect(d.n).toBe(10);
    expect(() => fromValueCounts([1], [-1])).toThrow(RangeError);
    expect(() => fromValueCounts([1, 2], [1])).toThrow(RangeError);
  });

  it('mean and sample stddev match simple-statistics on the raw samples', () => {
    const raw = [3, 7, 7, 19, 24, 24, 24, 1000];
    const d = fromSamples(Int32Array.from(raw));
    expect(d.mean()).toBeCloseTo(ssMean(raw), 10);
    expect(d.stddev()).toBeCloseTo(sampleStandardDeviation(raw), 10);
    expect(d.min()).toBe(3);
    expect(d.max()).toBe(1000);
    expect(fromSamples(Int32Array.from([5])).stddev()).toBe(0);
  });

  it('scale converts units (cycles → ns) and keeps counts', () => {
    const d = fromValueCounts([2100, 4200], [3, 1]);
    const ns = scale(d, 1e6 / 2_100_000); // 2.1 GHz
    expect(Array.from(ns.values)).toEqual([1000, 2000]);
    expect(Array.from(ns.counts)).toEqual([3, 1]);
    expect(ns.mean()).toBeCloseTo(d.mean() / 2.1, 9);
    expect(() => scale(d, 0)).toThrow(RangeError);
  });
});

describe('logLinearHistogram', () => {
  it('is exact below 2^bits and splits each octave into 2^(bits−1) buckets above', () => {
    const d = fromValueCounts([-3, 0, 5, 7, 8, 9, 10, 11, 16, 17, 31, 32, 100], [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const h = logLinearHistogram(d, 3); // exact below 8; [8,16) in 4 buckets of 2; [16,32) of 4; [32,64) of 8
    expect(h.subBucketBits).toBe(3);
    expect(h.underflow).toBe(2);
    expect(h.total).toBe(d.n);
    expect(h.buckets).toEqual([
      [0, 0, 1],
      [5, 5, 1],
      [7, 7, 1],
      [8, 9, 2],
      [10, 11, 2],
      [16, 19, 2],
      [28, 31, 1],
      [32, 39, 1],
      [96, 111, 1],
    ]);
  });

  it('counts every sample with the default 7 bits', () => {
    const rng = new Prng(9);
    const s = Int32Array.from({ length: 20000 }, () => Math.round(3200 + 400 * rng.nextNormal()));
    const h = logLinearHistogram(fromSamples(s));
    const sum = h.buckets.reduce((a, b) => a + b[2], 0);
    expect(sum + h.underflow).toBe(20000);
    for (let i = 1; i < h.buckets.length; i++) expect(h.buckets[i]![0]).toBeGreaterThan(h.buckets[i - 1]![1]);
    // 2048..4095: width 2^(11−6) = 32
    for (const [lo, hi] of h.buckets) if (lo >= 2048 && lo < 4096) expect(hi - lo + 1).toBe(32);
  });
});

describe('cdfPoints', () => {
  it('returns every distinct value when few', () => {
    const d = fromValueCounts([1, 2, 4], [1, 2, 1]);
    expect(cdfPoints(d)).toEqual([
      [1, 0.25],
      [2, 0.75],
      [4, 1],
    ]);
  });

  it('downsamples to at most maxPoints and keeps the last 0.1 % densely', () => {
    const rng = new Prng(11);
    const n = 1_000_000;
    const s = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let v = 3200 + 150 * rng.nextNormal();
      if (rng.nextFloat() < 0.002) v += -3000 * Math.log(1 - rng.nextFloat());
      s[i] = Math.round(v);
    }
    const d = fromSamples(s);
    const pts = cdfPoints(d, 400);
    expect(pts.length).toBeLessThanOrEqual(400);
    expect(pts.length).toBeGreaterThan(200);
    expect(pts[pts.length - 1]).toEqual([d.max(), 1]);
    expect(pts[0]![0]).toBe(d.min());
    const tail = pts.filter(([, f]) => f >= 0.999).length;
    expect(tail).toBeGreaterThanOrEqual(100); // a third of the budget goes to the top 0.1 %
    const upper = pts.filter(([, f]) => f >= 0.99 && f < 0.999).length;
    expect(upper).toBeGreaterThanOrEqual(20); // log(1/(1−p)) spacing reaches into p99…p99.9
  });
});

describe('properties', () => {
  const samplesArb = fc.array(fc.integer({ min: -50_000, max: 5_000_000 }), { minLength: 1, maxLength: 400 });

  it('fromSamples preserves n, min, max and mean', () => {
    fc.assert(
      fc.property(samplesArb, (raw) => {
        const d = fromSamples(Int32Array.from(raw));
        expect(d.n).toBe(raw.length);
        expect(d.min()).toBe(Math.min(...raw));
        expect(d.max()).toBe(Math.max(...raw));
        expect(d.mean()).toBeCloseTo(ssMean(raw), 6);
        for (let i = 1; i < d.values.length; i++) expect(d.values[i]!).toBeGreaterThan(d.values[i - 1]!);
      }),
    );
  });

  it('quantiles are monotone in p and are observed values', () => {
    fc.assert(
      fc.property(samplesArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 20 }), (raw, ps) => {
        const d = fromSamples(Int32Array.from(raw));
        const sortedP = [...ps].sort((x, y) => x - y);
        let prev = -Infinity;
        for (const p of sortedP) {
          const q = d.quantile(p);
          expect(q).toBeGreaterThanOrEqual(prev);
          expect(raw).toContain(q);
          prev = q;
        }
      }),
    );
  });

  it('cdf points are non-decreasing and end at 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 8, max: 500 }),
        (raw, maxPoints) => {
          const d = fromSamples(Int32Array.from(raw));
          const pts = cdfPoints(d, maxPoints);
          expect(pts.length).toBeLessThanOrEqual(Math.max(maxPoints, 8));
          for (let i = 1; i < pts.length; i++) {
            expect(pts[i]![0]).toBeGreaterThan(pts[i - 1]![0]);
            expect(pts[i]![1]).toBeGreaterThanOrEqual(pts[i - 1]![1]);
          }
          expect(pts[pts.length - 1]![1]).toBe(1);
        },
      ),
    );
  });

  it('Distribution is a class with the documented fields', () => {
    expect(fromSamples(Int32Array.from([1, 1, 2]))).toBeInstanceOf(Distribution);
  });
});
