/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128 bits of state, passes
 * PractRand) seeded through splitmix32: the one seeded generator behind the simulation's noise and
 * the statistics' bootstrap. Reproducible for a given seed everywhere. Must not import anything;
 * never uses Math.random or clocks.
 */

/** splitmix32 finaliser: a well-mixed 32-bit value from any 32-bit input. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export const TWO_POW_32 = 4294967296;

export class Sfc32 {
  // Initialised to 0 (not left undefined until the constructor runs): the JIT then keeps the
  // state as small integers from the start, which makes a draw about twice as fast.
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  /** Any integer seed up to 2^53; both 32-bit halves are mixed in. */
  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(Math.abs(seed) / TWO_POW_32) >>> 0;
    // State is kept as int32 (small integers for the JIT); the arithmetic below is mod 2^32, so
    // the sequence is the same as with unsigned state.
    this.a = splitmix32(lo ^ splitmix32(hi)) | 0;
    this.b = splitmix32(this.a ^ 0x1b873593) | 0;
    this.c = splitmix32(this.b ^ 0xcc9e2d51) | 0;
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
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }
}
