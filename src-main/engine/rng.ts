/**
 * Seeded pseudo-random numbers for the simulation: sfc32 (a small, fast 32-bit generator that
 * passes PractRand) seeded through splitmix32. The only source of randomness in the engine.
 * Must not import anything; never touches Math.random or clocks.
 */

/** splitmix32 step: a well-mixed 32-bit value from any 32-bit input. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Seed of shard `index` of a run seeded with `seed`; depends on nothing else. */
export function shardSeed(seed: number, index: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return splitmix32(splitmix32(lo ^ splitmix32(hi)) ^ splitmix32(index + 0x632be5ab));
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = splitmix32(seed);
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

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

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
    const v = Math.round(cycles * (1 + jitter * this.triangular()));
    return v > 0 ? v : 0;
  }
}
