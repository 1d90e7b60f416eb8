/**
 * Benchmark of the comparison path: builds two n-sample synthetic latency runs (normal body
 * around 3200 cycles plus a sparse long tail, the second shifted by +20), then times
 * Distribution.fromSamples and compareRuns with a clock the caller passes in.
 * Pure: must not import node:*, electron or better-sqlite3, and reads no clock of its own.
 */
import { compareRuns } from './compare.js';
import { fromSamples } from './distribution.js';
import { Prng } from './prng.js';

export interface BenchCompareResult {
  n: number;
  /** Building the two synthetic sample arrays (not part of the measured path). */
  generateMs: number;
  /** fromSamples on both runs. */
  fromSamplesMs: number;
  /** compareRuns of the two distributions (Mann–Whitney, bootstrap, CDF, histograms). */
  compareMs: number;
  totalMs: number;
}

/** n samples ~ round(3200 + shift + 150·Z), with 0.1 % of them given an extra exponential tail. */
export function syntheticLatencies(n: number, seed: number, shift = 0): Int32Array {
  const rng = new Prng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let v = 3200 + shift + 150 * rng.nextNormal();
    if (rng.nextFloat() < 0.001) v += -2000 * Math.log(1 - rng.nextFloat());
    out[i] = Math.max(0, Math.round(v));
  }
  return out;
}

/** `now` returns milliseconds (e.g. performance.now); the module itself never reads a clock. */
export function benchCompare(n: number, now: () => number, seed = 1): BenchCompareResult {
  const t0 = now();
  const a = syntheticLatencies(n, seed);
  const b = syntheticLatencies(n, seed + 1, 20);
  const t1 = now();
  const da = fromSamples(a);
  const db = fromSamples(b);
  const t2 = now();
  compareRuns([
    { id: 1, name: 'a', dist: da },
    { id: 2, name: 'b', dist: db },
  ]);
  const t3 = now();
  return { n, generateMs: t1 - t0, fromSamplesMs: t2 - t1, compareMs: t3 - t2, totalMs: t3 - t1 };
}
