/**
 * Bootstrap over timer cycles: every replicate gives each measured timer cycle (and each
 * guest-side sample, and each cycle of the simulation the coefficients were taken at) a
 * Poisson(1) weight, recomputes every row's statistics and solves again — the solve is linear, so
 * a replicate costs one pass over the values. The spread of the replicates is each cost's and
 * jitter's interval. Pure: must not import node:*, electron or better-sqlite3.
 */
import { poisson, Prng } from '../stats/index.js';
import { rowStats, type FitRow, type RowStats } from './fit-rows.js';

export interface ResampleSizes {
  traceCycles: number;
  guestValues: number;
  simulatedCycles: number;
  simulatedGuest: number;
}

function weights(rng: Prng, n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = poisson(rng, 1);
  return w;
}

/** Calls `replicate` with each replicate's row statistics. */
export function bootstrapRows(rows: readonly FitRow[], sizes: ResampleSizes, replicates: number, seed: number, replicate: (stats: RowStats[], index: number) => void): void {
  const rng = new Prng(seed);
  for (let b = 0; b < replicates; b++) {
    const trace = weights(rng, sizes.traceCycles + 1);
    const guest = weights(rng, sizes.guestValues);
    const sim = weights(rng, sizes.simulatedCycles + 1);
    const simGuest = weights(rng, sizes.simulatedGuest);
    replicate(
      rows.map((r) => (r.source === 'trace' ? rowStats(r, trace, sim) : rowStats(r, guest, simGuest))),
      b,
    );
  }
}

/** The 2.5 % and 97.5 % points of a sample (type-7 interpolation). */
export function interval95(values: number[]): [number, number] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return [NaN, NaN];
  const at = (p: number): number => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(s.length - 1, lo + 1)] ?? s[lo]!) - s[lo]!);
  };
  return [at(0.025), at(0.975)];
}
