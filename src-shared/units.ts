/**
 * Unit brands shared by every layer. Host TSC cycles and nanoseconds are plain integers in a
 * `number`; the brands only stop the two from being mixed by accident.
 * Must not import anything.
 */
export type Cycles = number & { readonly __unit?: 'cycles' };
export type Ns = number & { readonly __unit?: 'ns' };

/** Largest integer a `number` holds exactly; the engine asserts every time stays below it. */
export const MAX_EXACT_INT = Number.MAX_SAFE_INTEGER;

/** Converts host TSC cycles to nanoseconds for display (not used by the kernel model). */
export function cyclesToNs(cycles: number, tscKhz: number): number {
  return (cycles * 1_000_000) / tscKhz;
}
