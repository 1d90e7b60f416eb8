/**
 * Seeded pseudo-random numbers for the statistics (bootstrap resampling, synthetic benchmarks):
 * sfc32 seeded through splitmix32, plus normal (Box–Muller) and Poisson draws. Reproducible for
 * a given seed on every platform. Pure: must not import node:*, electron, better-sqlite3, and
 * never uses Math.random or clocks.
 */

/** splitmix32 finaliser: a well-mixed 32-bit value from any 32-bit input. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 4294967296;

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 128 bits of state. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(Math.abs(seed) / TWO_POW_32) >>> 0;
    this.a = splitmix32(lo ^ splitmix32(hi));
    this.b = splitmix32(this.a ^ 0x1b873593);
    this.c = splitmix32(this.b ^ 0xcc9e2d51);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / TWO_POW_32;
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
