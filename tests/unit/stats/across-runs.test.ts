// Statistics across repeated runs: Student t quantiles and p-values, the mean ± CI of run means,
// and Welch's test between two groups of runs (checked against published values).
import { describe, expect, it } from 'vitest';
import { acrossRuns, incompleteBeta, studentQuantile, studentTwoSidedP, welchTest } from '../../../src-main/stats/index.js';

describe('Student t', () => {
  it('gives the textbook 95 % two-sided quantiles', () => {
    expect(studentQuantile(0.95, 1)).toBeCloseTo(12.706, 2);
    expect(studentQuantile(0.95, 4)).toBeCloseTo(2.776, 3);
    expect(studentQuantile(0.95, 10)).toBeCloseTo(2.228, 3);
    expect(studentQuantile(0.95, 30)).toBeCloseTo(2.042, 3);
    expect(studentQuantile(0.95, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentQuantile(0.99, 5)).toBeCloseTo(4.032, 3);
  });

  it('p-values match the quantiles and the incomplete beta its symmetry', () => {
    expect(studentTwoSidedP(2.776, 4)).toBeCloseTo(0.05, 3);
    expect(studentTwoSidedP(0, 7)).toBeCloseTo(1, 12);
    expect(studentTwoSidedP(Infinity, 7)).toBe(0);
    expect(incompleteBeta(0.3, 2, 5) + incompleteBeta(0.7, 5, 2)).toBeCloseTo(1, 12);
    expect(incompleteBeta(0.5, 1, 1)).toBeCloseTo(0.5, 12);
  });
});

describe('acrossRuns', () => {
  it('is the mean of the run means with a t interval and the sample standard deviation', () => {
    const means = [3200, 3210, 3190, 3205, 3195];
    const a = acrossRuns(means);
    expect(a.n).toBe(5);
    expect(a.mean).toBeCloseTo(3200, 9);
    const sd = Math.sqrt(means.reduce((s, v) => s + (v - 3200) ** 2, 0) / 4);
    expect(a.stddev).toBeCloseTo(sd, 9);
    const half = 2.7764451 * (sd / Math.sqrt(5));
    expect(a.ciLow).toBeCloseTo(3200 - half, 3);
    expect(a.ciHigh).toBeCloseTo(3200 + half, 3);
  });

  it('has no spread for one run and refuses none', () => {
    expect(acrossRuns([42])).toEqual({ n: 1, mean: 42, ciLow: 42, ciHigh: 42, stddev: 0 });
    expect(() => acrossRuns([])).toThrow(RangeError);
  });
});

describe('welchTest', () => {
  it('matches the published example (unequal variances)', () => {
    // Welch's t-test, example 1 of the Wikipedia article: t = -2.46, df = 24.9, p = 0.021.
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const w = welchTest(a2, a1);
    expect(w.t).toBeCloseTo(-2.46, 2);
    expect(Math.abs(w.df - 24.95)).toBeLessThan(0.1); // published as 24.9
    expect(w.pValue).toBeCloseTo(0.021, 3);
    expect(w.ciLow).toBeLessThan(w.difference);
    expect(w.ciHigh).toBeLessThan(0);
  });

  it('sees no difference between identical groups and needs two runs a side', () => {
    expect(welchTest([1, 1], [1, 1]).pValue).toBe(1);
    expect(welchTest([1, 2, 3], [1, 2, 3]).pValue).toBeCloseTo(1, 9);
    expect(() => welchTest([1], [1, 2])).toThrow(RangeError);
  });
});
