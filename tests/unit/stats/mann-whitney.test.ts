import { describe, expect, it } from 'vitest';
import { fromSamples } from '../../../src-main/stats/distribution.js';
import { mannWhitneyU } from '../../../src-main/stats/mann-whitney.js';
import { Prng } from '../../../src-main/stats/prng.js';

const dist = (xs: number[]) => fromSamples(Int32Array.from(xs));

/** O(n·m) reference: pairs with x > y, plus half the ties. */
function bruteU(a: number[], b: number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}

describe('mannWhitneyU', () => {
  it('separated samples: U = 0, p by hand (scipy asymptotic 0.08085559837005224)', () => {
    // mu = 4.5, σ² = 9/12 · 7 = 5.25, z = −(4.5 − 0.5)/√5.25 = −1.74574, p = erfc(1.74574/√2)
    const r = mannWhitneyU(dist([1, 2, 3]), dist([4, 5, 6]));
    expect(r.u).toBe(0);
    expect(r.z).toBeCloseTo(-4 / Math.sqrt(5.25), 12);
    expect(r.pValue).toBeCloseTo(0.08085559837005224, 6);
    expect(mannWhitneyU(dist([4, 5, 6]), dist([1, 2, 3])).u).toBe(9);
  });

  it('ties: U = 3 with the tie correction (scipy asymptotic 0.1720337089218229)', () => {
    // groups: value 2 (t = 3), value 3 (t = 3); σ² = 16/12 · (9 − 48/56) = 10.857…
    const r = mannWhitneyU(dist([1, 2, 2, 3]), dist([2, 3, 3, 4]));
    expect(r.u).toBe(3);
    expect(r.z).toBeCloseTo(-4.5 / Math.sqrt((16 / 12) * (9 - 48 / 56)), 12);
    expect(r.pValue).toBeCloseTo(0.1720337089218229, 6);
  });

  it('matches scipy.stats.mannwhitneyu(method="asymptotic") on larger tied inputs', () => {
    const a = Array.from({ length: 137 }, (_, i) => (i * 7919) % 23);
    const b = Array.from({ length: 211 }, (_, j) => ((j * 104729) % 29) + 3);
    const r = mannWhitneyU(dist(a), dist(b));
    expect(r.u).toBe(8785.5);
    expect(r.pValue / 6.216715537336135e-10).toBeCloseTo(1, 4);
    const c = Array.from({ length: 400 }, (_, i) => (i * 31) % 50);
    const e = Array.from({ length: 300 }, (_, j) => ((j * 17) % 50) + 1);
    const s = mannWhitneyU(dist(c), dist(e));
    expect(s.u).toBe(57624);
    expect(s.pValue).toBeCloseTo(0.36951089480278543, 6);
  });

  it('U equals the brute-force O(n·m) count on random small inputs with ties', () => {
    const rng = new Prng(2024);
    for (let rep = 0; rep < 200; rep++) {
      const n1 = 1 + (rng.nextUint32() % 40);
      const n2 = 1 + (rng.nextUint32() % 40);
      const range = 1 + (rng.nextUint32() % 12);
      const a = Array.from({ length: n1 }, () => rng.nextUint32() % range);
      const b = Array.from({ length: n2 }, () => (rng.nextUint32() % range) + (rep % 3));
      const r = mannWhitneyU(dist(a), dist(b));
      expect(r.u).toBe(bruteU(a, b));
      expect(r.pValue).toBeGreaterThanOrEqual(0);
      expect(r.pValue).toBeLessThanOrEqual(1);
      // symmetric: U₁ + U₂ = n₁n₂ and the same p-value
      const s = mannWhitneyU(dist(b), dist(a));
      expect(r.u + s.u).toBe(n1 * n2);
      expect(s.pValue).toBeCloseTo(r.pValue, 12);
    }
  });

  it('all values tied, or an empty side, gives p = 1', () => {
    expect(mannWhitneyU(dist([5, 5, 5]), dist([5, 5])).pValue).toBe(1);
    expect(mannWhitneyU(dist([]), dist([1, 2])).pValue).toBe(1);
  });

  it('10M vs 10M runs in O(distinct values)', () => {
    const rng = new Prng(1);
    const mk = (shift: number) => {
      const s = new Int32Array(10_000_000);
      for (let i = 0; i < s.length; i++) s[i] = 3200 + shift + ((rng.nextUint32() % 600) - 300);
      return fromSamples(s);
    };
    const a = mk(0);
    const b = mk(1);
    const t0 = performance.now();
    const r = mannWhitneyU(a, b);
    console.log(`mannWhitneyU 10M vs 10M (${a.distinct} distinct values): ${(performance.now() - t0).toFixed(2)} ms`);
    expect(r.z).toBeLessThan(0);
    expect(r.pValue).toBeLessThan(1e-6);
  });
});
