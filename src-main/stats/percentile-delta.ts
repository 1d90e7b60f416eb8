/**
 * The difference between two distributions at each percentile, with a bootstrap confidence band:
 * for percentile p, quantile_run(p) − quantile_base(p) (nearest rank, as every percentile of the
 * lab), and the percentile interval of that difference over Poisson-bootstrap resamples of both
 * runs (independent Poisson(c) weights per distinct value, as bootstrap.ts does for the mean).
 * Percentiles with fewer than MIN_TAIL_SAMPLES samples beyond them in either run are left out:
 * a band there would rest on a handful of samples. Distributions with many distinct values are
 * first cut into runs of consecutive values (each at its count-weighted mean), which moves a
 * quantile by at most a run's width. Pure: must not import node:*, electron or better-sqlite3.
 */
import type { PercentileDelta } from '../../src-shared/contract.js';
import type { Distribution } from './distribution.js';
import { poisson, Prng } from './prng.js';

/** The percentiles a delta chart shows, where the runs have enough samples beyond them. */
export const DELTA_PERCENTILES = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99995, 0.99999] as const;

/** A percentile needs at least this many samples above it in both runs to be shown. */
export const MIN_TAIL_SAMPLES = 10;

const MAX_DISTINCT = 8192;

export interface PercentileDeltaOptions {
  /** Resamples (default 200). */
  iterations?: number;
  /** PRNG seed (default 12345). */
  seed?: number;
  /** Confidence level of the band (default 0.95). */
  level?: number;
  percentiles?: readonly number[];
}

/** Values and counts, coarsened to at most MAX_DISTINCT entries. */
interface Table {
  values: Float64Array;
  counts: Float64Array;
}

function tableOf(d: Distribution): Table {
  const k = d.values.length;
  if (k <= MAX_DISTINCT) return { values: d.values, counts: d.counts };
  const target = d.n / MAX_DISTINCT;
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < k; ) {
    let c = 0;
    let s = 0;
    let j = i;
    while (j < k && (c < target || j === i)) {
      c += d.counts[j]!;
      s += d.counts[j]! * d.values[j]!;
      j++;
    }
    values.push(s / c);
    counts.push(c);
    i = j;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/** Nearest-rank quantiles (ascending ps) of values weighted by `w`. */
function weightedQuantiles(values: Float64Array, w: Float64Array, total: number, ps: readonly number[], out: Float64Array): void {
  let cum = 0;
  let i = 0;
  ps.forEach((p, j) => {
    const x = p * total;
    const rank = Math.min(total, Math.max(1, Math.ceil(x - Math.max(1, x) * 1e-12)));
    while (i < values.length - 1 && cum + w[i]! < rank) {
      cum += w[i]!;
      i++;
    }
    out[j] = values[i]!;
  });
}

function resample(t: Table, rng: Prng, w: Float64Array): number {
  let total = 0;
  for (let i = 0; i < t.counts.length; i++) {
    const k = poisson(rng, t.counts[i]!);
    w[i] = k;
    total += k;
  }
  return total;
}

/** The difference run − base at each usable percentile, with its bootstrap band. */
export function percentileDeltas(base: Distribution, run: Distribution, opts: PercentileDeltaOptions = {}): PercentileDelta[] {
  const iterations = opts.iterations ?? 200;
  const level = opts.level ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 20)) throw new RangeError(`iterations must be an integer ≥ 20, got ${iterations}`);
  if (base.n === 0 || run.n === 0) return [];
  const ps = (opts.percentiles ?? DELTA_PERCENTILES).filter((p) => p > 0 && p < 1 && Math.min(base.n, run.n) * (1 - p) >= MIN_TAIL_SAMPLES);
  if (ps.length === 0) return [];
  const tb = tableOf(base);
  const tr = tableOf(run);
  const wb = new Float64Array(tb.values.length);
  const wr = new Float64Array(tr.values.length);
  const qb = new Float64Array(ps.length);
  const qr = new Float64Array(ps.length);
  const diffs = ps.map(() => new Float64Array(iterations));
  const rng = new Prng(opts.seed ?? 12345);
  for (let it = 0; it < iterations; it++) {
    const nb = resample(tb, rng, wb);
    const nr = resample(tr, rng, wr);
    if (nb === 0 || nr === 0) {
      it--;
      continue;
    }
    weightedQuantiles(tb.values, wb, nb, ps, qb);
    weightedQuantiles(tr.values, wr, nr, ps, qr);
    for (let j = 0; j < ps.length; j++) diffs[j]![it] = qr[j]! - qb[j]!;
  }
  const alpha = (1 - level) / 2;
  return ps.map((p, j) => {
    const sorted = diffs[j]!.sort();
    const at = (q: number) => sorted[Math.min(iterations - 1, Math.max(0, Math.round(q * (iterations - 1))))]!;
    return { p, delta: run.quantile(p) - base.quantile(p), lo: at(alpha), hi: at(1 - alpha) };
  });
}
