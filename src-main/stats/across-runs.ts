/**
 * Statistics across repeated runs (the same configuration under several seeds), where the run,
 * not the sample, is the unit of replication (samples inside one run are autocorrelated): the
 * mean of the runs' means with a Student-t 95 % interval, and Welch's t-test between two groups
 * of runs. Student's t distribution comes from the regularized incomplete beta function
 * (continued fraction, Numerical Recipes §6.4). Pure: must not import node:*, electron or
 * better-sqlite3.
 */

export interface AcrossStats {
  n: number;
  mean: number;
  ciLow: number;
  ciHigh: number;
  stddev: number;
}

function lnGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t statistic with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t value with P(|T| > t) = 1 − level (e.g. 2.776 for df 4 at 95 %), by bisection. */
export function studentQuantile(level: number, df: number): number {
  let lo = 0;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > 1 - level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, v) => a + v, 0) / xs.length;
}

function varianceOf(xs: readonly number[], m: number): number {
  return xs.length < 2 ? 0 : xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1);
}

/** Mean, sample standard deviation and Student-t interval of the mean of `values` (one per run). */
export function acrossRuns(values: readonly number[], level = 0.95): AcrossStats {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) throw new RangeError('across-run statistics need at least one run');
  const n = xs.length;
  const mean = meanOf(xs);
  const sd = Math.sqrt(varianceOf(xs, mean));
  if (n < 2) return { n, mean, ciLow: mean, ciHigh: mean, stddev: 0 };
  const half = studentQuantile(level, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, ciLow: mean - half, ciHigh: mean + half, stddev: sd };
}

export interface WelchResult {
  /** mean(b) − mean(a). */
  difference: number;
  t: number;
  df: number;
  pValue: number;
  ciLow: number;
  ciHigh: number;
}

/**
 * Welch's t-test of mean(b) − mean(a) for two groups of run means (at least two runs each); the
 * interval is the Welch–Satterthwaite one at `level`. Identical groups without spread give p = 1.
 */
export function welchTest(a: readonly number[], b: readonly number[], level = 0.95): WelchResult {
  if (a.length < 2 || b.length < 2) throw new RangeError('Welch’s test needs at least two runs on each side');
  const ma = meanOf(a);
  const mb = meanOf(b);
  const va = varianceOf(a, ma) / a.length;
  const vb = varianceOf(b, mb) / b.length;
  const difference = mb - ma;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    return { difference, t: difference === 0 ? 0 : Infinity * Math.sign(difference), df: a.length + b.length - 2, pValue: difference === 0 ? 1 : 0, ciLow: difference, ciHigh: difference };
  }
  const df = (va + vb) ** 2 / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const t = difference / se;
  const half = studentQuantile(level, df) * se;
  return { difference, t, df, pValue: studentTwoSidedP(t, df), ciLow: difference - half, ciHigh: difference + half };
}
