// Timestamp quantisation: a duration read from two floored timestamps is unbiased only on
// average over phases, and its variance gains E[frac(D)(1 − frac(D))] steps² (1/6 once D spreads
// over a step); the fit removes that, and a µs trace of a run gives the same fit as its ns trace
// within the µs intervals.
import { describe, expect, it } from 'vitest';
import { dequantizedVariance, quantizationVariance } from '../../../src-main/calibrate/quantization.js';
import { Prng } from '../../../src-main/stats/index.js';
import { calibrate, DEFAULT_PROFILE, inputsOf, quickOptions, simulatedFiles } from './helpers.js';

function quantized(d: () => number, n: number, seed: number): { mean: number; variance: number } {
  const rng = new Prng(seed);
  const q: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.nextFloat() * 1000; // uniform phase
    const dur = d();
    q.push(Math.floor(a + dur) - Math.floor(a));
  }
  const mean = q.reduce((s, v) => s + v, 0) / n;
  return { mean, variance: q.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) };
}

describe('quantisation of durations', () => {
  it('keeps the mean on average, not per phase', () => {
    const fixed = quantized(() => 0.3, 200_000, 1);
    expect(fixed.mean).toBeCloseTo(0.3, 2);
    // one phase alone is biased: every reading is 0 or 1
    expect(Math.floor(0.1 + 0.3) - Math.floor(0.1)).toBe(0);
    expect(Math.floor(0.8 + 0.3) - Math.floor(0.8)).toBe(1);
  });

  it('adds frac(1 − frac) for a fixed duration and 1/6 for a spread one', () => {
    const fixed = quantized(() => 2.3, 200_000, 2);
    expect(fixed.variance).toBeCloseTo(0.3 * 0.7, 2);
    expect(quantizationVariance(2.3, 0)).toBeCloseTo(0.21, 6);
    const rng = new Prng(3);
    const spread = quantized(() => 5 + 2 * rng.nextNormal(), 200_000, 4);
    expect(spread.variance - 4).toBeCloseTo(1 / 6, 1);
    expect(quantizationVariance(5, 2)).toBeCloseTo(1 / 6, 9);
    expect(dequantizedVariance(spread.variance, spread.mean, 1)).toBeCloseTo(4, 1);
    expect(dequantizedVariance(fixed.variance, fixed.mean, 1)).toBeLessThan(0.01);
  });

  it('gives the same fit from a run traced at µs as at ns, within the µs intervals', async () => {
    const args = { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 3000, ts: 'ns' as const };
    const ns = await calibrate(await inputsOf(simulatedFiles(args)), quickOptions());
    const us = await calibrate(await inputsOf(simulatedFiles({ ...args, ts: 'us' })), quickOptions());
    expect(us.result.detected.resolutionNs).toBe(1000);
    expect(ns.result.detected.resolutionNs).toBe(1);
    for (const [name, c] of Object.entries(us.result.costs)) {
      if (c.origin !== 'fitted') continue;
      const n = ns.result.costs[name]!;
      expect(n.value, name).toBeGreaterThanOrEqual(c.low - 2);
      expect(n.value, name).toBeLessThanOrEqual(c.high + 2);
      // the µs intervals are wider: the quantisation noise is in them
      expect(c.high - c.low, name).toBeGreaterThan(n.high - n.low);
    }
  });
});
