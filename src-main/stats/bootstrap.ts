/**
 * Bootstrap confidence interval of mean(b) − mean(a), reproducible for a seed and fast for
 * million-sample runs. Pure: must not import node:*, electron or better-sqlite3; randomness only
 * from the seeded Prng of this folder.
 *
 * Method (Poisson bootstrap over distinct values): a classical bootstrap resample of n samples
 * gives each sample a Multinomial(n, 1/n) weight; the Poisson bootstrap replaces that with
 * independent Poisson(1) weights (Hanley & MacGibbon 2006; Chamandy et al. 2012, "Estimating
 * uncertainty for massive data streams"), which is asymptotically equivalent. Summed over the c
 * samples sharing a distinct value, the weight of that value is Poisson(c), so one resample costs
 * one draw per distinct value instead of one per sample. Draws are exact (inversion) for c < 32
 * and normal-approximated above. The resample mean is Σc'ᵢvᵢ / Σc'ᵢ, computed independently for
 * a and b; the interval is the percentile interval of the `iterations` differences (quantiles
 * (1 − level)/2 and (1 + level)/2, type-7 interpolation via simple-statistics' quantileSorted).
 *
 * Distributions with more than 16384 distinct values (e.g. non-integer imported values) are
 * first cut into 4096 runs of consecutive values of roughly equal count; each run's (count, sum)
 * is then drawn from the bivariate normal with the exact Poisson-bootstrap moments
 * (mean (C, S), Var C = C, Cov = S, Var S = Σcᵢvᵢ²; values centred on the run's mean), which
 * keeps within-run spread and costs O(4096) per resample.
 */
import { quantileSorted } from 'simple-statistics';
import type { Distribution } from './distribution.js';
import { poisson, POISSON_NORMAL_THRESHOLD, Prng } from './prng.js';

export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  iterations?: number;
  /** PRNG seed (default 12345): the same seed and inputs give the same interval. */
  seed?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

export interface BootstrapInterval {
  /** Lower and upper bound of the percentile interval of mean(b) − mean(a). */
  lo: number;
  hi: number;
  /** The observed difference mean(b) − mean(a). */
  estimate: number;
  level: number;
  iterations: number;
}

const EXACT_MAX_DISTINCT = 16384;
const GROUPS = 4096;

/** Draws one Poisson-bootstrap resample mean of a distribution. */
interface Resampler {
  draw(rng: Prng): number;
}

function exactResampler(d: Distribution): Resampler {
  const k = d.values.length;
  const centre = d.mean();
  const dv = new Float64Array(k);
  const lambda = d.counts;
  const expNeg = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    dv[i] = d.values[i]! - centre;
    expNeg[i] = Math.exp(-lambda[i]!);
  }
  return {
    draw(rng: Prng): number {
      for (let attempt = 0; ; attempt++) {
        let c = 0;
        let s = 0;
        for (let i = 0; i < k; i++) {
          const l = lambda[i]!;
          let w: number;
          if (l >= POISSON_NORMAL_THRESHOLD) w = poisson(rng, l);
          else {
            // Inlined inversion with the precomputed e^-λ (the hot loop).
            const u = rng.nextFloat();
            let p = expNeg[i]!;
            let acc = p;
            w = 0;
            while (u > acc && w < 1000) {
              w++;
              p *= l / w;
              acc += p;
            }
          }
          if (w !== 0) {
            c += w;
            s += w * dv[i]!;
          }
        }
        if (c > 0) return centre + s / c;
        if (attempt > 100) return centre; // only reachable for tiny n
      }
    },
  };
}

function groupedResampler(d: Distribution): Resampler {
  const centre = d.mean();
  const k = d.values.length;
  const target = d.n / GROUPS;
  const gC: number[] = [];
  const gS: number[] = [];
  const gSdC: number[] = [];
  const gBeta: number[] = [];
  const gResid: number[] = [];
  let i = 0;
  while (i < k) {
    let j = i;
    let c = 0;
    while (j < k && (c < target || j === i)) c += d.counts[j++]!;
    // Moments of the run, values centred on its own mean for accuracy.
    let s = 0;
    for (let t = i; t < j; t++) s += d.counts[t]! * (d.values[t]! - centre);
    const m = s / c;
    let q = 0; // Σ c (v − centre − m)²
    for (let t = i; t < j; t++) {
      const dv = d.values[t]! - centre - m;
      q += d.counts[t]! * dv * dv;
    }
    // (C', S') with S' = Σ c'(v − centre): E = (C, S), Var C' = C, Cov = S, Var S' = q + C·m².
    // Cholesky: C' = C + √C·z₁, S' = S + m·√C·z₁ + √q·z₂.
    gC.push(c);
    gS.push(s);
    gSdC.push(Math.sqrt(c));
    gBeta.push(m);
    gResid.push(Math.sqrt(q));
    i = j;
  }
  const g = gC.length;
  return {
    draw(rng: Prng): number {
      for (let attempt = 0; ; attempt++) {
        let c = 0;
        let s = 0;
        for (let t = 0; t < g; t++) {
          const z1 = rng.nextNormal();
          const dc = gSdC[t]! * z1;
          const cc = gC[t]! + dc;
          if (cc <= 0) continue; // a run resampled empty contributes nothing
          c += cc;
          s += gS[t]! + gBeta[t]! * dc + gResid[t]! * rng.nextNormal();
        }
        if (c > 0) return centre + s / c;
        if (attempt > 100) return centre;
      }
    },
  };
}

function resamplerFor(d: Distribution): Resampler {
  return d.values.length <= EXACT_MAX_DISTINCT ? exactResampler(d) : groupedResampler(d);
}

/** Percentile-bootstrap CI of mean(b) − mean(a); see the comment at the top of this file. */
export function bootstrapMeanDiffCI(a: Distribution, b: Distribution, options: BootstrapOptions = {}): BootstrapInterval {
  const iterations = options.iterations ?? 1000;
  const seed = options.seed ?? 12345;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 10)) throw new RangeError(`iterations must be an integer ≥ 10, got ${iterations}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (a.n === 0 || b.n === 0) throw new RangeError('bootstrap needs two non-empty distributions');
  const estimate = b.mean() - a.mean();
  const ra = resamplerFor(a);
  const rb = resamplerFor(b);
  const rng = new Prng(seed);
  const diffs = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    const ma = ra.draw(rng);
    diffs[it] = rb.draw(rng) - ma;
  }
  diffs.sort();
  const sorted = Array.from(diffs);
  const alpha = 1 - level;
  return {
    lo: quantileSorted(sorted, alpha / 2),
    hi: quantileSorted(sorted, 1 - alpha / 2),
    estimate,
    level,
    iterations,
  };
}
