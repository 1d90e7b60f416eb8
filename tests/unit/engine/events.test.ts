// The event loop as a table: every kind has a handler; a scenario can be driven one event at a
// time with Simulation.step(); a configuration whose loop takes no simulated time ends with an
// error naming the cause instead of spinning forever.
import { describe, expect, it } from 'vitest';
import { createShardSimulation, SampleRangeError, SimulationStalledError } from '../../../src-main/engine/index.js';
import { EVENT_HANDLERS } from '../../../src-main/engine/event-handlers.js';
import { EVENT_KIND_COUNT, EVENT_NAMES } from '../../../src-main/engine/events.js';
import { config, noJitter } from './helpers.js';

describe('event table', () => {
  it('has one handler per event kind', () => {
    expect(EVENT_HANDLERS).toHaveLength(EVENT_KIND_COUNT);
    expect(EVENT_NAMES).toHaveLength(EVENT_KIND_COUNT);
    for (const h of EVENT_HANDLERS) expect(typeof h).toBe('function');
  });
});

describe('Simulation.step()', () => {
  it('runs a busy-wait vmx-preemption scenario one timer expiry per preemption-timer event', () => {
    const sim = createShardSimulation(config('tscdeadline-busy', 'vmx-preemption', 5, noJitter()), 0, { trace: true });
    // the guest armed its first deadline and spins: one countdown pending, nothing recorded yet
    expect(sim.sampleCount).toBe(0);
    expect(sim.heap.size).toBeGreaterThan(0);
    const events: string[] = [];
    let steps = 0;
    while (!sim.done) {
      const before = sim.trace!.records.length;
      expect(sim.step()).toBe(true);
      steps++;
      events.push(sim.trace!.records.slice(before).map((r) => r.event).join(' '));
    }
    // first interrupt is not recorded (tscdeadline_latency), so 6 expiries make 5 samples
    expect(sim.sampleCount).toBe(5);
    const expiries = events.filter((e) => e.startsWith('kvm_exit kvm_apic_accept_irq kvm_entry'));
    expect(expiries.length).toBeGreaterThanOrEqual(5);
    // each expiry's handler also re-arms (the ISR's WRMSR) inside the same event
    for (const e of expiries.slice(0, 5)) expect(e).toBe('kvm_exit kvm_apic_accept_irq kvm_entry kvm_wait_lapic_expire kvm_exit kvm_hv_timer_state kvm_msr kvm_entry');
    expect(steps).toBeLessThan(20);
  });

  it('stops a configuration whose loop takes no simulated time, naming the zero costs', () => {
    const zero = { host_irq_dispatch: 0, hrtimer_interrupt: 0, clockevent_program: 0, clockevent_bias: 0, host_lapic_irq_hw: 0 };
    const sim = createShardSimulation(config('tscdeadline-halt', 'hrtimer', 10, zero), 0);
    expect(() => sim.runToEnd()).toThrow(SimulationStalledError);
    try {
      sim.runToEnd();
    } catch (err) {
      expect((err as Error).message).toMatch(/stopped advancing.*set to 0: .*host_irq_dispatch/);
    }
  });
});

describe('sample store range', () => {
  it('refuses a sample beyond ±2^31 cycles instead of storing a clipped value', () => {
    const sim = createShardSimulation(config('tscdeadline-busy', 'hrtimer', 5), 0);
    sim.recordSample(2 ** 31 - 1);
    expect(sim.samples[0]).toBe(2 ** 31 - 1);
    expect(() => sim.recordSample(2 ** 31)).toThrow(SampleRangeError);
    expect(() => sim.recordSample(-(2 ** 31) - 1)).toThrow(/does not fit the 32-bit sample store/);
    expect(sim.sampleCount).toBe(1);
  });
});
