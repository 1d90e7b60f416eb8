/**
 * Seeded pseudo-random numbers for the simulation: the shared sfc32 generator plus the draws the
 * engine needs (triangular jitter, exponential inter-arrival times). The only source of randomness
 * in the engine. Must not import anything but src-shared; never touches Math.random or clocks.
 */

import { Sfc32, splitmix32 } from '../../src-shared/sfc32.js';

export { splitmix32 };

/** Seed of shard `index` of a run seeded with `seed`; depends on nothing else. */
export function shardSeed(seed: number, index: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return splitmix32(splitmix32(lo ^ splitmix32(hi)) ^ splitmix32(index + 0x632be5ab));
}

/** The shared sfc32 generator with the draws the simulation needs. */
export class Rng extends Sfc32 {
  /**
   * Zero-mean, unit-variance triangular variate in [-√6, √6]: the difference of two uniforms,
   * both taken from one 32-bit draw (16 bits each; costs are rounded to whole cycles anyway).
   */
  triangular(): number {
    const x = this.nextUint32();
    return ((x & 0xffff) - (x >>> 16)) * (2.449489742783178 / 65536);
  }

  /** Exponential variate with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Integer cost with relative jitter: round(cycles · (1 + jitter · z)), never negative. */
  jittered(cycles: number, jitter: number): number {
    if (jitter === 0) return cycles;
    return roundNonNegative(cycles * (1 + jitter * this.triangular()));
  }
}

/**
 * max(0, Math.round(x)) for x below 2^51 (and 0 for NaN), without Math.round: V8 compiles that
 * with a branch on x's fraction, which random costs mispredict half the time. floor(x + 0.5) is
 * exact from 0.5 up, where x + 0.5 needs no rounding that could cross an integer; below 0.5 both
 * give 0 (x + 0.5 would round 0.49999999999999994 up to 1).
 */
export function roundNonNegative(x: number): number {
  return x >= 0.5 ? Math.floor(x + 0.5) : 0;
}
