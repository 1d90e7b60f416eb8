/**
 * Determinism: a run is a pure function of its config and seed, and the shard split makes the
 * merged result independent of how many workers ran the shards and in which order.
 */
import { describe, expect, it } from 'vitest';
import { mergeShards, planShards, simulate, simulateShard, SHARD_SIZE } from '../../../src-main/engine/index.js';
import { config } from './helpers.js';

describe('same config, same seed', () => {
  it.each(['hrtimer', 'vmx-preemption'] as const)('tscdeadline-halt / %s: identical summary and samples', (s) => {
    const c = config('tscdeadline-halt', s, 3000, { hostNoise: 'on' }, 42);
    const a = simulate(c);
    const b = simulate(structuredClone(c));
    expect(b.summary).toEqual(a.summary);
    expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
    expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
    expect(b.histogram).toEqual(a.histogram);
  });

  it('cyclictest / vmx-preemption with a trace: identical trace', () => {
    const c = config('cyclictest', 'vmx-preemption', 200, {}, 7);
    const a = simulate(c, { trace: true });
    const b = simulate(c, { trace: true });
    expect(a.trace!.length).toBeGreaterThan(100);
    expect(b.trace).toEqual(a.trace);
    // tracing does not perturb the simulation
    expect(simulate(c).summary).toEqual(a.summary);
  });
});

describe('different seed', () => {
  it('gives different samples (and a different summary)', () => {
    const a = simulate(config('tscdeadline-busy', 'hrtimer', 2000, {}, 1));
    const b = simulate(config('tscdeadline-busy', 'hrtimer', 2000, {}, 2));
    let same = 0;
    for (let i = 0; i < a.samples.length; i++) if (a.samples[i] === b.samples[i]) same++;
    expect(same).toBeLessThan(a.samples.length / 10);
    expect(a.summary.latency.mean).not.toBe(b.summary.latency.mean);
    // but the same physics: the means agree within 1 %
    expect(Math.abs(a.summary.latency.mean - b.summary.latency.mean) / a.summary.latency.mean).toBeLessThan(0.01);
  });
});

describe('sharding', () => {
  it('planShards splits by SHARD_SIZE only', () => {
    expect(planShards(120_000)).toEqual([SHARD_SIZE, SHARD_SIZE, 20_000]);
    expect(planShards(SHARD_SIZE)).toEqual([SHARD_SIZE]);
    expect(planShards(1)).toEqual([1]);
    expect(planShards(0)).toEqual([]);
  });

  it('a 120 000-sample run equals the merge of its shards run in reverse order', () => {
    const c = config('tscdeadline-busy', 'vmx-preemption', 120_000, { hostNoise: 'on' }, 9);
    const whole = simulate(c);
    const shards = planShards(c.samples)
      .map((_, i) => i)
      .reverse()
      .map((i) => simulateShard(c, i));
    expect(shards.map((s) => s.index)).toEqual([2, 1, 0]);
    const merged = mergeShards(c, shards);
    expect(merged.summary).toEqual(whole.summary);
    expect(JSON.stringify(merged.summary)).toBe(JSON.stringify(whole.summary));
    expect(merged.samples.length).toBe(120_000);
    expect(Buffer.from(merged.samples.buffer).equals(Buffer.from(whole.samples.buffer))).toBe(true);
    // shards are independent streams: shard 1 does not repeat shard 0
    expect(Array.from(shards[1]!.samples.subarray(0, 100))).not.toEqual(Array.from(shards[2]!.samples.subarray(0, 100)));
  });

  it('a shard run alone equals the same shard inside a run (no hidden state between shards)', () => {
    const c = config('tscdeadline-halt', 'hrtimer', 60_000, {}, 3);
    const alone = simulateShard(c, 1);
    simulateShard(c, 0); // run something else in between
    const again = simulateShard(c, 1);
    expect(Array.from(again.samples)).toEqual(Array.from(alone.samples));
    expect(alone.samples.length).toBe(10_000);
    expect(() => simulateShard(c, 2)).toThrow(RangeError);
  });
});

describe('configurations the clock cannot hold are refused up front', () => {
  it('names the field when host noise would take the whole pCPU or a scaled delta overflows the clock', async () => {
    const { buildRunConfig, DEFAULT_PROFILE } = await import('../../../src-main/engine/index.js');
    const base = { workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: DEFAULT_PROFILE };
    expect(() => buildRunConfig({ ...base, set: { hostNoise: 'on', hostIrqRateHz: 1_000_000, hostIrqCycles: 3000 } })).toThrow(/hostIrqRateHz: host noise would take/);
    // preemptions make up the load: the preemption setting is the one named
    expect(() => buildRunConfig({ ...base, set: { hostNoise: 'on', preemptRateHz: 100_000, preemptCycles: 10_000_000 } })).toThrow(/^preemptRateHz: host noise would take .*preemptions \d+ %/);
    expect(() =>
      buildRunConfig({ ...base, samples: 50_000, set: { delta: 1e10, tscScaling: 'on', guestTscKhz: 100_000, tsc_khz: 10_000_000 } }),
    ).toThrow(/^delta: too long/);
    expect(() => buildRunConfig({ ...base, samples: 50_000, set: { delta: 1e10 } })).not.toThrow();
  });
});
