/**
 * Comparing a measured distribution with its reproduction: summary figures (mean, percentiles by
 * nearest rank) and the two-sample Kolmogorov–Smirnov distance with its asymptotic p-value.
 * Pure: must not import node:*, electron or better-sqlite3.
 */
import type { DistributionSummary } from '../../src-shared/calibration.js';

function rank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(sorted: ArrayLike<number>): DistributionSummary {
  let s = 0;
  for (let i = 0; i < sorted.length; i++) s += sorted[i]!;
  return { n: sorted.length, mean: sorted.length ? s / sorted.length : NaN, p50: rank(sorted, 0.5), p90: rank(sorted, 0.9), p99: rank(sorted, 0.99) };
}

/** Two-sample KS statistic D = sup |F_a − F_b| of two ascending arrays, and its asymptotic p-value. */
export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): { d: number; p: number } {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { d: NaN, p: NaN };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    p += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return { d, p: Math.min(1, Math.max(0, lambda < 0.2 ? 1 : p)) };
}
