/**
 * Two-sided Mann–Whitney U test (Wilcoxon rank-sum) between two distributions, normal
 * approximation with tie and continuity corrections, computed by merging the distinct values:
 * O(distinct values), never O(n·m). Pure: must not import node:*, electron or better-sqlite3.
 */
import { errorFunction } from 'simple-statistics';
import type { Distribution } from './distribution.js';

export interface MannWhitneyResult {
  /**
   * U of the first sample, as scipy's `mannwhitneyu(a, b).statistic`: the number of pairs
   * (x from a, y from b) with x > y, plus half the number of tied pairs.
   */
  u: number;
  /**
   * Standardised statistic after the continuity correction: (U − n₁n₂/2 ∓ ½) / σ, 0 when |U −
   * n₁n₂/2| ≤ ½. Positive when values of `a` tend to be larger than those of `b`.
   */
  z: number;
  /**
   * Two-sided p-value, 2·(1 − Φ(|z|)) = 1 − erf(|z|/√2) (simple-statistics' errorFunction, relative
   * accuracy ~1e-7; values below ~1e-16 come out as 0). 1 when either side is empty or all
   * values tie.
   */
  pValue: number;
}

/**
 * σ² = n₁n₂/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1))) with t the size of each tie group across both
 * samples (N = n₁ + n₂). U is exact in doubles up to n₁n₂ ≈ 2^52 (10M × 10M is 1e14).
 */
export function mannWhitneyU(a: Distribution, b: Distribution): MannWhitneyResult {
  const n1 = a.n;
  const n2 = b.n;
  if (n1 === 0 || n2 === 0) return { u: 0, z: 0, pValue: 1 };
  const av = a.values;
  const ac = a.counts;
  const bv = b.values;
  const bc = b.counts;
  let i = 0;
  let j = 0;
  let bBelow = 0; // count of b strictly below the current value
  let u = 0;
  let tieTerm = 0;
  while (i < av.length || j < bv.length) {
    const x = i < av.length ? av[i]! : Infinity;
    const y = j < bv.length ? bv[j]! : Infinity;
    const v = x < y ? x : y;
    const ca = x === v ? ac[i++]! : 0;
    const cb = y === v ? bc[j++]! : 0;
    u += ca * (bBelow + 0.5 * cb);
    bBelow += cb;
    const t = ca + cb;
    if (t > 1) tieTerm += t * (t * t - 1);
  }
  const nn = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (nn + 1 - tieTerm / (nn * (nn - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1 };
  const diff = u - mu;
  const corrected = Math.max(0, Math.abs(diff) - 0.5);
  const z = (Math.sign(diff) * corrected) / Math.sqrt(variance);
  const pValue = Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
  return { u, z, pValue };
}
