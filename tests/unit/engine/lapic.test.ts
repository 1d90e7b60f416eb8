/**
 * The in-kernel LAPIC timer driven directly (kvm/lapic.ts) on a Simulation built the way
 * run.ts's simulateShard builds one: TSC-deadline arming/disarming on both strategies, masking,
 * one-shot and periodic modes through TMICT/TDCR, and the hv ⇄ sw switches around blocking.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src-main/engine/simulation.js';
import { EV_HOST_TIMER_FIRE } from '../../../src-main/engine/events.js';
import { shardSeed } from '../../../src-main/engine/rng.js';
import { hrtimer_interrupt, ktime_get } from '../../../src-main/engine/kvm/hrtimer.js';
import {
  APIC_LVT_TIMER_ONESHOT,
  APIC_LVT_TIMER_PERIODIC,
  APIC_LVT_TIMER_TSCDEADLINE,
  apic_timer_fn,
  createLapic,
  kvm_inject_apic_timer_irqs,
  kvm_lapic_switch_to_hv_timer,
  kvm_lapic_switch_to_sw_timer,
  kvm_lapic_write_lvtt,
  kvm_lapic_write_tdcr,
  kvm_lapic_write_tmict,
  kvm_set_lapic_tscdeadline_msr,
  MIN_TIMER_PERIOD_US,
} from '../../../src-main/engine/kvm/lapic.js';
import { guest_cycles_to_ns, host_tsc_to_ns, kvm_read_l1_tsc } from '../../../src-main/engine/tsc.js';
import { adjust_lapic_timer_advance, createTimerAdvance, LAPIC_TIMER_ADVANCE_NS_INIT } from '../../../src-main/engine/kvm/advance.js';
import { kernelFeatures, parseRelease } from '../../../src-shared/kernels.js';
import { config, type Strategy } from './helpers.js';

const VEC = 0xef;
const lvtt = (mode: number, masked = false, vector = VEC) => (mode << 17) | (masked ? 1 << 16 : 0) | vector;
const STRATS: Strategy[] = ['hrtimer', 'vmx-preemption'];

/** A shard's Simulation without a guest program (nothing here enters the guest). */
function makeSim(strategy: Strategy, set: Record<string, unknown> = {}): Simulation {
  const c = config('tscdeadline-busy', strategy, 1, set, 1);
  return new Simulation(c, shardSeed(c.seed, 0), 1, { trace: true });
}

const guestNow = (sim: Simulation) => kvm_read_l1_tsc(sim.tsc, sim.now);

/** Pops every heap event and returns the host-timer fires that are still current. */
function liveHostFires(sim: Simulation): number[] {
  const out: number[] = [];
  while (sim.heap.pop()) {
    if (sim.heap.lastKind === EV_HOST_TIMER_FIRE && sim.heap.lastGeneration === sim.host.clockevent_gen) out.push(sim.heap.lastTime);
  }
  return out;
}

function hvState(sim: Simulation) {
  return {
    in_use: sim.lapic.lapic_timer.hv_timer_in_use,
    deadline: sim.vmx.hv_deadline_tsc,
    pin: sim.vmx.pin_preemption_timer,
  };
}

describe('createLapic', () => {
  it('starts masked, one-shot, divide 2, nothing pending', () => {
    const l = createLapic();
    expect(l.lapic_timer).toMatchObject({ timer_mode: APIC_LVT_TIMER_ONESHOT, masked: true, divide_count: 2, tscdeadline: 0, pending: 0, hv_timer_in_use: false });
    expect(l.irr).toBe(0);
  });
});

describe('TSC-deadline mode', () => {
  it.each(STRATS)('%s: a future deadline arms the strategy\'s timer', (s) => {
    const sim = makeSim(s);
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    expect(sim.lapic.lapic_timer).toMatchObject({ timer_mode: APIC_LVT_TIMER_TSCDEADLINE, masked: false, vector: VEC });
    const D = guestNow(sim) + 100_000;
    kvm_set_lapic_tscdeadline_msr(sim, D);
    expect(sim.lapic.lapic_timer.tscdeadline).toBe(D);
    expect(sim.lapic.lapic_timer.pending).toBe(0);
    if (s === 'hrtimer') {
      expect(sim.host.expires_ns).toBeGreaterThan(ktime_get(sim));
      expect(hvState(sim)).toEqual({ in_use: false, deadline: -1, pin: false });
      const fires = liveHostFires(sim);
      expect(fires.length).toBe(1);
      // the host comparator fires within a few cycles of the deadline + the clockevent bias
      const hD = D - sim.tsc.tsc_offset;
      expect(fires[0]! - hD).toBeGreaterThan(0);
      expect(fires[0]! - hD).toBeLessThan(200);
    } else {
      expect(sim.host.expires_ns).toBe(-1);
      expect(hvState(sim)).toEqual({ in_use: true, deadline: D - sim.tsc.tsc_offset, pin: true });
      expect(liveHostFires(sim)).toEqual([]);
      expect(sim.trace!.records.at(-1)).toMatchObject({ event: 'kvm_hv_timer_state', text: 'vcpu_id 0 hv_timer 1\n' }); // 4.9's format ends in \n
    }
  });

  it.each(STRATS)('%s: writing deadline 0 disarms — no expiry ever happens', (s) => {
    const sim = makeSim(s);
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) + 100_000);
    kvm_set_lapic_tscdeadline_msr(sim, 0);
    expect(sim.lapic.lapic_timer.tscdeadline).toBe(0);
    expect(sim.host.expires_ns).toBe(-1);
    expect(hvState(sim)).toEqual({ in_use: false, deadline: -1, pin: false });
    expect(liveHostFires(sim)).toEqual([]);
    expect(sim.lapic.lapic_timer.pending).toBe(0);
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(0);
    if (s === 'vmx-preemption') expect(sim.trace!.records.at(-1)!.text.trimEnd()).toBe('vcpu_id 0 hv_timer 0');
  });

  it('hrtimer: a deadline already passed expires at once (pending, expired_tscdeadline set)', () => {
    const sim = makeSim('hrtimer');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    const D = guestNow(sim) - 5;
    kvm_set_lapic_tscdeadline_msr(sim, D);
    expect(sim.lapic.lapic_timer.pending).toBe(1);
    expect(sim.lapic.lapic_timer.expired_tscdeadline).toBe(D);
    expect(sim.host.expires_ns).toBe(-1);
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(VEC);
    expect(sim.lapic.irr).toBe(VEC);
    expect(sim.lapic.lapic_timer.tscdeadline).toBe(0); // reads 0 after delivery
    expect(sim.lapic.lapic_timer.pending).toBe(0);
  });

  it('vmx-preemption: a passed deadline arms a zero-length countdown (4.9) or expires at once (4.13, expired_inject)', () => {
    const sim = makeSim('vmx-preemption');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    const t0 = sim.now;
    kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) - 5);
    expect(sim.lapic.lapic_timer.pending).toBe(0);
    expect(sim.lapic.lapic_timer.hv_timer_in_use).toBe(true);
    expect(sim.vmx.hv_deadline_tsc).toBeGreaterThanOrEqual(t0); // = rdtsc at vmx_set_hv_timer
    expect(sim.vmx.hv_deadline_tsc).toBeLessThanOrEqual(sim.now);

    const imm = makeSim('vmx-preemption', { kernel: '4.13' });
    kvm_lapic_write_lvtt(imm, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    kvm_set_lapic_tscdeadline_msr(imm, guestNow(imm) - 5);
    expect(imm.lapic.lapic_timer.pending).toBe(1);
    expect(hvState(imm)).toEqual({ in_use: false, deadline: -1, pin: false });
    expect(imm.host.expires_ns).toBe(-1);
  });

  it.each(STRATS)('%s: the MSR write is ignored unless LVTT is in TSC-deadline mode', (s) => {
    for (const mode of [APIC_LVT_TIMER_ONESHOT, APIC_LVT_TIMER_PERIODIC]) {
      const sim = makeSim(s);
      kvm_lapic_write_lvtt(sim, lvtt(mode));
      const t = sim.now;
      kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) + 100_000);
      expect(sim.now).toBe(t); // returns before any work
      expect(sim.lapic.lapic_timer.tscdeadline).toBe(0);
      expect(sim.host.expires_ns).toBe(-1);
      expect(hvState(sim)).toEqual({ in_use: false, deadline: -1, pin: false });
      expect(liveHostFires(sim)).toEqual([]);
    }
  });

  it.each(STRATS)('%s: leaving TSC-deadline mode cancels an armed deadline', (s) => {
    const sim = makeSim(s);
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) + 100_000);
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_ONESHOT));
    expect(sim.lapic.lapic_timer.tscdeadline).toBe(0);
    expect(sim.host.expires_ns).toBe(-1);
    expect(hvState(sim)).toEqual({ in_use: false, deadline: -1, pin: false });
    expect(liveHostFires(sim)).toEqual([]);
  });

  it('TMICT writes are ignored in TSC-deadline mode', () => {
    const sim = makeSim('hrtimer');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    kvm_lapic_write_tmict(sim, 1_000_000);
    expect(sim.lapic.lapic_timer.tmict).toBe(0);
    expect(sim.host.expires_ns).toBe(-1);
  });
});

describe('masked LVTT', () => {
  it.each(STRATS)('%s: pending is consumed but nothing reaches IRR', (s) => {
    const sim = makeSim(s);
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE, true));
    expect(sim.lapic.lapic_timer.masked).toBe(true);
    sim.lapic.lapic_timer.pending = 1;
    const before = sim.trace!.records.length;
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(0);
    expect(sim.lapic.irr).toBe(0);
    expect(sim.lapic.lapic_timer.pending).toBe(0);
    expect(sim.trace!.records.length).toBe(before); // no kvm_apic_accept_irq
    // nothing pending: nothing to do, no time spent
    const t = sim.now;
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(0);
    expect(sim.now).toBe(t);
    // unmasking delivers the next expiry
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE, false, 0x40));
    sim.lapic.lapic_timer.pending = 1;
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(0x40);
    expect(sim.lapic.irr).toBe(0x40);
    expect(sim.trace!.records.at(-1)).toMatchObject({ event: 'kvm_apic_accept_irq', text: 'apicid 0 vec 64 (Fixed|edge)' });
  });

  it('a masked deadline still expires (pending) on the hrtimer but never injects', () => {
    const sim = makeSim('hrtimer');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE, true));
    kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) + 50_000);
    const [fire] = liveHostFires(sim);
    sim.now = fire!;
    hrtimer_interrupt(sim, sim.host, apic_timer_fn);
    expect(sim.lapic.lapic_timer.pending).toBe(1);
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(0);
    expect(sim.lapic.irr).toBe(0);
  });
});

describe('one-shot and periodic modes (TMICT / TDCR)', () => {
  it('update_divide_count: TDCR bits 0,1,3 select 2,4,8,16,32,64,128,1', () => {
    const sim = makeSim('hrtimer');
    const table: Array<[number, number]> = [
      [0b0000, 2],
      [0b0001, 4],
      [0b0010, 8],
      [0b0011, 16],
      [0b1000, 32],
      [0b1001, 64],
      [0b1010, 128],
      [0b1011, 1],
      [0b0100, 2], // bit 2 is reserved and ignored
      [0xfffffff0 | 0b1011, 1], // upper bits ignored
    ];
    for (const [tdcr, div] of table) {
      kvm_lapic_write_tdcr(sim, tdcr);
      expect(sim.lapic.lapic_timer.divide_count, tdcr.toString(2)).toBe(div);
    }
  });

  it.each([
    [0b0000, 2],
    [0b1011, 1],
    [0b1010, 128],
  ])('one-shot, TDCR %i: period = TMICT × divide_count ns, hrtimer at ktime + period', (tdcr, div) => {
    const sim = makeSim('vmx-preemption'); // 4.9: one-shot uses the hrtimer even with the hv timer available
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_ONESHOT));
    kvm_lapic_write_tdcr(sim, tdcr);
    const tmict = 12_345;
    const k0 = ktime_get(sim);
    kvm_lapic_write_tmict(sim, tmict);
    const k1 = ktime_get(sim);
    expect(sim.lapic.lapic_timer.period).toBe(tmict * div);
    const start = sim.host.expires_ns - tmict * div;
    expect(start).toBeGreaterThanOrEqual(k0);
    expect(start).toBeLessThanOrEqual(k1);
    expect(hvState(sim).in_use).toBe(false);
    // one fire, then no restart
    const fires = liveHostFires(sim);
    expect(fires.length).toBe(1);
    sim.now = fires[0]! + 1000;
    expect(apic_timer_fn(sim, sim.host.expires_ns)).toBe(-1);
    expect(sim.lapic.lapic_timer.pending).toBe(1);
    expect(sim.lapic.lapic_timer.expired_tscdeadline).toBe(0); // only TSC-deadline mode records it
  });

  it('one-shot: a small TMICT is not clamped; TMICT 0 stops the timer', () => {
    const sim = makeSim('hrtimer');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_ONESHOT));
    kvm_lapic_write_tdcr(sim, 0b1011);
    kvm_lapic_write_tmict(sim, 100);
    expect(sim.lapic.lapic_timer.period).toBe(100);
    kvm_lapic_write_tmict(sim, 0);
    expect(sim.lapic.lapic_timer.period).toBe(0);
    expect(sim.host.expires_ns).toBe(-1);
    expect(liveHostFires(sim)).toEqual([]);
  });

  it('periodic: the period is clamped to min_timer_period_us and apic_timer_fn restarts', () => {
    const sim = makeSim('hrtimer');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_PERIODIC));
    kvm_lapic_write_tdcr(sim, 0b0000); // ÷2
    kvm_lapic_write_tmict(sim, 1000); // 2 µs requested
    expect(sim.lapic.lapic_timer.period).toBe(MIN_TIMER_PERIOD_US * 1000);
    expect(apic_timer_fn(sim, 7_000_000)).toBe(7_000_000 + 500_000);

    // a long period is kept as is
    kvm_lapic_write_tmict(sim, 400_000); // 800 µs
    expect(sim.lapic.lapic_timer.period).toBe(800_000);

    // through the host interrupt: the timer is re-queued one period later and reprogrammed
    const first = sim.host.expires_ns;
    const [fire] = liveHostFires(sim);
    sim.now = fire!;
    sim.lapic.lapic_timer.pending = 0;
    hrtimer_interrupt(sim, sim.host, apic_timer_fn);
    expect(sim.lapic.lapic_timer.pending).toBe(1);
    expect(sim.host.expires_ns).toBe(first + 800_000);
    const next = liveHostFires(sim);
    expect(next.length).toBe(1);
    expect(host_tsc_to_ns(next[0]!, sim.tsc_khz) - (first + 800_000)).toBeGreaterThanOrEqual(-5);
    expect(host_tsc_to_ns(next[0]!, sim.tsc_khz) - (first + 800_000)).toBeLessThan(200);
  });
});

describe('hv ⇄ sw switches around blocking (vmx-preemption)', () => {
  it('switch_to_sw moves the same deadline to an hrtimer; switch_to_hv moves it back', () => {
    const sim = makeSim('vmx-preemption');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    const D = guestNow(sim) + 300_000;
    kvm_set_lapic_tscdeadline_msr(sim, D);
    expect(hvState(sim).in_use).toBe(true);
    const g0 = guestNow(sim);
    const k0 = ktime_get(sim);
    kvm_lapic_switch_to_sw_timer(sim);
    expect(hvState(sim)).toEqual({ in_use: false, deadline: -1, pin: false });
    // same conversion as start_sw_tscdeadline: now_ns + (D − guest_tsc)·10^6/khz
    const expect_ns = k0 + guest_cycles_to_ns(sim.tsc, D - g0);
    expect(Math.abs(sim.host.expires_ns - expect_ns)).toBeLessThan(1000);
    const records = sim.trace!.records.length;
    kvm_lapic_switch_to_hv_timer(sim);
    expect(hvState(sim)).toEqual({ in_use: true, deadline: D - sim.tsc.tsc_offset, pin: true });
    expect(sim.host.expires_ns).toBe(-1); // the hrtimer was cancelled
    expect(sim.trace!.records.slice(records).map((r) => r.text.trimEnd())).toEqual(['vcpu_id 0 hv_timer 1']);
    expect(liveHostFires(sim)).toEqual([]);
  });

  it('switch_to_hv declines when the timer fired while blocked (hv_timer 0, +20 cycles)', () => {
    const sim = makeSim('vmx-preemption', { 'post_block_switch_back_pending.jitter': 0 });
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    kvm_set_lapic_tscdeadline_msr(sim, guestNow(sim) + 100_000);
    kvm_lapic_switch_to_sw_timer(sim);
    const [fire] = liveHostFires(sim);
    sim.now = fire!;
    hrtimer_interrupt(sim, sim.host, apic_timer_fn);
    expect(sim.lapic.lapic_timer.pending).toBe(1);
    const t = sim.now;
    kvm_lapic_switch_to_hv_timer(sim);
    expect(sim.now - t).toBe(20);
    expect(hvState(sim).in_use).toBe(false);
    expect(sim.trace!.records.at(-1)!.text.trimEnd()).toBe('vcpu_id 0 hv_timer 0');
    expect(kvm_inject_apic_timer_irqs(sim)).toBe(VEC);
  });

  it('switch_to_sw is a no-op when the hv timer is not in use', () => {
    const sim = makeSim('vmx-preemption');
    kvm_lapic_write_lvtt(sim, lvtt(APIC_LVT_TIMER_TSCDEADLINE));
    const t = sim.now;
    kvm_lapic_switch_to_sw_timer(sim);
    expect(sim.now).toBe(t);
    expect(sim.host.expires_ns).toBe(-1);
  });
});

describe('adjust_lapic_timer_advance (5.4+ continuous tuning)', () => {
  it('moves the advance by 1/8 of the error in ns, ignores tiny and huge errors, resets past the cap', () => {
    const sim = makeSim('hrtimer', { kernel: '5.4' });
    const k = kernelFeatures(parseRelease('5.4')!);
    const a = createTimerAdvance(-1, k);
    expect(a).toEqual({ timer_advance_ns: LAPIC_TIMER_ADVANCE_NS_INIT, tuning: true });
    const ns = (cycles: number) => guest_cycles_to_ns(sim.tsc, cycles);
    adjust_lapic_timer_advance(a, 99, k, ns); // inside the deadband
    expect(a.timer_advance_ns).toBe(1000);
    adjust_lapic_timer_advance(a, 10_001, k, ns); // a spike
    expect(a.timer_advance_ns).toBe(1000);
    adjust_lapic_timer_advance(a, 2600, k, ns); // late: advance more
    expect(a.timer_advance_ns).toBe(1000 + Math.floor(ns(2600) / 8));
    const before = a.timer_advance_ns;
    adjust_lapic_timer_advance(a, -800, k, ns); // early: advance less
    expect(a.timer_advance_ns).toBe(before - Math.floor(ns(800) / 8));
    a.timer_advance_ns = 4990;
    adjust_lapic_timer_advance(a, 9000, k, ns); // beyond LAPIC_TIMER_ADVANCE_NS_MAX → back to the initial 1000
    expect(a.timer_advance_ns).toBe(1000);
    expect(a.tuning).toBe(true); // 5.4+ never stops tuning
  });
});
