/**
 * The event window of any one sample, recorded by simulating its shard again: the same events the
 * full trace has for that timer period (shard 0, where both exist), and for a sample deep in a
 * later shard, a window that ends in the delivery of exactly that sample's value.
 */
import { describe, expect, it } from 'vitest';
import { sampleWindow, SHARD_SIZE, simulate } from '../../../src-main/engine/index.js';
import { config, lines } from './helpers.js';

describe('sampleWindow', () => {
  it('equals the slice of the full trace of that timer period (shard 0)', () => {
    const c = config('tscdeadline-halt', 'vmx-preemption', 40, {}, 2);
    const full = simulate(c, { trace: true });
    for (const index of [0, 5, 17]) {
      const w = sampleWindow(c, index)!;
      expect(w.index).toBe(index);
      expect(w.value).toBe(full.samples[index]);
      expect(w.events.length).toBeGreaterThan(3);
      const first = full.trace!.findIndex((r) => r.t === w.events[0]!.t && r.event === w.events[0]!.event && r.text === w.events[0]!.text);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(lines(full.trace!.slice(first, first + w.events.length))).toEqual(lines(w.events));
      // a window is one period: the re-arm's exit … the delivery of this sample
      expect(w.events.filter((e) => e.event === 'kvm_wait_lapic_expire').length).toBe(1);
      // the deadline falls after its arming (the window's first event) and before its delivery
      expect(w.deadline).toBeGreaterThan(w.events[0]!.t);
      expect(w.deadline).toBeLessThanOrEqual(w.events.at(-1)!.t);
    }
  });

  it('finds a sample in a later shard, with the stored value', () => {
    const c = config('tscdeadline-busy', 'hrtimer', 2 * SHARD_SIZE + 10, {}, 4);
    const run = simulate(c);
    const index = SHARD_SIZE + 1234;
    const w = sampleWindow(c, index)!;
    expect(w.value).toBe(run.samples[index]);
    expect(w.events.at(-1)!.event).toBe('kvm_wait_lapic_expire');
    expect(sampleWindow(c, c.samples)).toBeNull();
    expect(sampleWindow(c, -1)).toBeNull();
  });
});
