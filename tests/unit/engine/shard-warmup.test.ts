/**
 * One cold start per run, whatever its number of shards: every shard after the first warms up
 * (SHARD_WARMUP discarded samples) before it records, and `warmup=N` discards the run's own
 * first N samples. The halting workload shows a cold start plainly: until halt-polling has grown
 * its window the vCPU sleeps and wakes through the scheduler (≈ +10 000 cycles).
 */
import { describe, expect, it } from 'vitest';
import { planShards, SHARD_SIZE, simulate } from '../../../src-main/engine/index.js';
import { config } from './helpers.js';

/** Nearest-rank quantile of a sample set. */
function quantile(samples: Int32Array, q: number): number {
  const sorted = Int32Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const countAbove = (s: Int32Array, t: number) => s.reduce((n, v) => n + (v > t ? 1 : 0), 0);

describe('shard warm-up', () => {
  // the warm state's p99.99: one long shard without its cold start
  const warm = simulate(config('tscdeadline-halt', 'hrtimer', SHARD_SIZE, { warmup: 100 }, 7)).samples;
  const threshold = quantile(warm, 0.9999);

  it('a warm shard has no cold-start samples (the threshold is the warm tail, not the cold start)', () => {
    const cold = simulate(config('tscdeadline-halt', 'hrtimer', 1000, {}, 7)).samples;
    expect(countAbove(cold.subarray(0, 3), threshold)).toBeGreaterThanOrEqual(2); // what a cold start looks like
    expect(countAbove(warm.subarray(0, 10), threshold)).toBe(0);
  });

  it('the count above the warm p99.99 at shard starts, and above the warm maximum anywhere, does not grow with the number of shards', () => {
    const warmMax = warm.reduce((m, v) => (v > m ? v : m), 0);
    const aboveMax: number[] = [];
    for (const shards of [1, 4, 8]) {
      const r = simulate(config('tscdeadline-halt', 'hrtimer', shards * SHARD_SIZE, {}, 11));
      expect(planShards(r.samples.length).length).toBe(shards);
      // the first samples of every shard after the first are warm (a cold shard has ≥ 2 of 3 above)
      for (let k = 1; k < shards; k++) expect(countAbove(r.samples.subarray(k * SHARD_SIZE, k * SHARD_SIZE + 10), threshold)).toBe(0);
      aboveMax.push(countAbove(r.samples, warmMax + 1000));
    }
    // only the run's one cold start lies far above the warm state: 3 samples, for 1, 4 or 8 shards
    expect(aboveMax[0]!).toBeGreaterThanOrEqual(2);
    expect(aboveMax).toEqual([aboveMax[0], aboveMax[0], aboveMax[0]]);
  });

  it('warmup=N discards the first N samples of the run, and the run still records its sample count', () => {
    const plain = simulate(config('tscdeadline-halt', 'hrtimer', 2000, {}, 3));
    const skipped = simulate(config('tscdeadline-halt', 'hrtimer', 2000, { warmup: 500 }, 3));
    expect(skipped.samples.length).toBe(2000);
    expect(skipped.summary.samples).toBe(2000);
    expect(countAbove(plain.samples.subarray(0, 3), threshold)).toBeGreaterThanOrEqual(2);
    expect(countAbove(skipped.samples.subarray(0, 3), threshold)).toBe(0);
    // the same machine, 500 samples on: the recorded samples continue where the plain run's 501st is
    expect(Array.from(skipped.samples.subarray(0, 100))).toEqual(Array.from(plain.samples.subarray(500, 600)));
  });

  it('the warm-up costs are not in the accounting: timer events per recorded sample stay ≈ 1', () => {
    const r = simulate(config('tscdeadline-busy', 'vmx-preemption', 3000, { warmup: 2000 }, 5)).summary;
    expect(r.timerEvents).toBeGreaterThanOrEqual(3000);
    expect(r.timerEvents).toBeLessThanOrEqual(3001);
  });

  it('breakmax does not stop a run during its warm-up: the first recorded sample over it does', () => {
    const r = simulate(config('tscdeadline-busy', 'hrtimer', 1000, { warmup: 50, breakmax: 1 }, 5));
    expect(r.summary.samples).toBe(1);
    expect(r.samples[0]).toBeGreaterThan(1);
  });
});
