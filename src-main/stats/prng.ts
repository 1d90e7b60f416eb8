/**
 * Seeded pseudo-random numbers for the statistics (bootstrap resampling, synthetic benchmarks):
 * the shared sfc32 generator (src-shared/sfc32.ts), plus normal (Box–Muller) and Poisson draws. Reproducible for
 * a given seed on every platform. Pure: must not import node:*, electron, better-sqlite3, and
 * never uses Math.random or clocks.
 */

import { Sfc32, TWO_POW_32, splitmix32 } from '../../src-shared/sfc32.js';

export { splitmix32 };

/** The shared sfc32 generator with the draws the statistics need. */
export class Prng extends Sfc32 {
  private spare = NaN;

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u1 = (this.nextUint32() + 1) / (TWO_POW_32 + 1); // (0, 1): log() stays finite
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
}

/** Means at or above this are drawn from the normal approximation of the Poisson. */
export const POISSON_NORMAL_THRESHOLD = 32;

/**
 * Poisson(lambda) draw. Below POISSON_NORMAL_THRESHOLD: exact, by inversion (sequential search
 * of the CDF, expected ~lambda steps). Above: round(lambda + sqrt(lambda)·Z), clamped at 0
 * (skewness 1/sqrt(lambda) ≤ 0.18 there, harmless for bootstrap means).
 */
export function poisson(rng: Prng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda >= POISSON_NORMAL_THRESHOLD) {
    const k = Math.round(lambda + Math.sqrt(lambda) * rng.nextNormal());
    return k > 0 ? k : 0;
  }
  const u = rng.nextFloat();
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  while (u > s && k < 1000) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}
