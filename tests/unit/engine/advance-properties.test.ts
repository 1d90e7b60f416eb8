/**
 * Property tests (fast-check) of the timer advance (kvm/advance.ts and the spin in kvm/lapic.ts):
 *  - for a stationary lateness L, the adaptive tuning converges to the fixed point its constants
 *    imply — the advance whose timer fires within LAPIC_TIMER_ADVANCE_ADJUST_MIN (5.4+) /
 *    LAPIC_TIMER_ADVANCE_ADJUST_DONE (4.20–5.3) = 100 guest cycles of the deadline — and stays
 *    there (5.4+) or stops tuning there (4.20–5.3);
 *  - the delivered interrupt is never earlier than the kernel allows: on the vCPU path the spin
 *    reaches the deadline unless the timer fired more than the advance early (then the spin is
 *    capped at the advance); with TSC scaling from 5.1 the spin is in host time (ndelay), while
 *    4.9–5.0 spin the guest cycles as host cycles and can end early; on the posted path 5.3–5.9
 *    and 5.12+ spin on the housekeeping CPU before posting, while 5.10–5.11 post the advanced
 *    interrupt at once, so it can reach the guest up to the advance less the delivery path early
 *    (lapic.c apic_timer_expired 5.9.1, 5.10.7, 5.12.9; 010fd37fddf6, beda430177f5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adjust_lapic_timer_advance,
  createTimerAdvance,
  LAPIC_TIMER_ADVANCE_ADJUST_MIN,
  LAPIC_TIMER_ADVANCE_NS_INIT,
} from '../../../src-main/engine/kvm/advance.js';
import { kernelFeatures, parseRelease, type Release } from '../../../src-shared/kernels.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { costs, delta, perDelivery, scenario } from './kernel-scenarios.js';

const features = (k: string) => kernelFeatures(parseRelease(k) as Release);
const nsToCycles = (ns: number, khz: number) => Math.floor((ns * khz) / 1_000_000);
const cyclesToNs = (c: number, khz: number) => Math.floor((c * 1_000_000) / khz);

describe('convergence of the tuning for a stationary lateness (adjust_lapic_timer_advance)', () => {
  /**
   * The timer fires `advance` early and then L cycles late: the wait sees delta = L − advance in
   * guest cycles. L is drawn so that the first error is inside the 10000-cycle dead band edge
   * and the fixed point is below the 5000 ns cap.
   */
  const setup = fc.record({ khz: fc.integer({ min: 1_000_000, max: 4_000_000 }), frac: fc.double({ min: 0, max: 1, noNaN: true }) }).map(({ khz, frac }) => {
    const lo = Math.max(0, nsToCycles(LAPIC_TIMER_ADVANCE_NS_INIT, khz) - 9_000);
    const hi = Math.min(nsToCycles(4_900, khz), nsToCycles(LAPIC_TIMER_ADVANCE_NS_INIT, khz) + 9_000);
    return { khz, L: Math.round(lo + frac * (hi - lo)) };
  });

  it('5.4+: within 200 deliveries the error is inside the ±100-cycle dead band, and the advance never moves again', () => {
    fc.assert(
      fc.property(setup, fc.constantFrom('5.4', '5.15', '6.1', '6.19'), ({ khz, L }, kernel) => {
        const k = features(kernel);
        const a = createTimerAdvance(-1, k);
        const errors: number[] = [];
        for (let i = 0; i < 260; i++) {
          const d = L - nsToCycles(a.timer_advance_ns, khz);
          errors.push(d);
          adjust_lapic_timer_advance(a, d, k, (c) => cyclesToNs(c, khz));
        }
        const settled = errors.findIndex((d) => Math.abs(d) < LAPIC_TIMER_ADVANCE_ADJUST_MIN);
        expect(settled).toBeGreaterThanOrEqual(0);
        expect(settled).toBeLessThan(200);
        // a fixed point: every later error is the same one, inside the band
        expect(new Set(errors.slice(settled)).size).toBe(1);
        // the fixed point the constants imply: the advance that puts the firing within 100 cycles of L
        expect(Math.abs(L - nsToCycles(a.timer_advance_ns, khz))).toBeLessThan(100);
        expect(a.tuning).toBe(true); // 5.4+ never stops tuning
        // and the approach is monotone: ns/8 of the error never overshoots past the band
        const signs = errors.slice(0, settled).map(Math.sign);
        expect(new Set(signs).size).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('4.20–5.3: min(ns, advance/8) steps until an error below 100 cycles; tuning then stops for good at that advance', () => {
    fc.assert(
      fc.property(setup, fc.constantFrom('4.20', '5.0', '5.1', '5.2', '5.3'), ({ khz, L }, kernel) => {
        const k = features(kernel);
        const a = k.advance_per_vcpu ? createTimerAdvance(-1, k) : createTimerAdvance(1000, k);
        for (let i = 0; i < 400 && a.tuning; i++) adjust_lapic_timer_advance(a, L - nsToCycles(a.timer_advance_ns, khz), k, (c) => cyclesToNs(c, khz));
        expect(a.tuning).toBe(false);
        const rest = Math.abs(L - nsToCycles(a.timer_advance_ns, khz));
        // done was set by an error below 100 cycles; the step it took was at most that error (in ns)
        expect(rest).toBeLessThan(100 + nsToCycles(1, khz) + 1);
        const frozen = a.timer_advance_ns;
        adjust_lapic_timer_advance(a, 5_000, k, (c) => cyclesToNs(c, khz));
        expect(a.timer_advance_ns).toBe(frozen);
      }),
      { numRuns: 300 },
    );
  });

  it('a lateness beyond 5000 ns: 5.1–5.2 disable the advance, 5.3+ keep resetting it to 1000 ns (no convergence)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2_000_000, max: 3_500_000 }), fc.integer({ min: 5_200, max: 20_000 }), (khz, Lns) => {
        const L = nsToCycles(Lns, khz);
        for (const kernel of ['5.1', '5.3', '5.4']) {
          const k = features(kernel);
          const a = createTimerAdvance(-1, k);
          const seen: number[] = [];
          for (let i = 0; i < 400; i++) {
            adjust_lapic_timer_advance(a, L - nsToCycles(a.timer_advance_ns, khz), k, (c) => cyclesToNs(c, khz));
            seen.push(a.timer_advance_ns);
          }
          if (kernel === '5.1') {
            expect(a).toEqual({ timer_advance_ns: 0, tuning: false });
          } else {
            expect(Math.max(...seen)).toBeLessThanOrEqual(5_000);
            // 5.4 ignores errors above 10000 cycles: once the band edge is reached it stops moving
            if (kernel === '5.3' || L - nsToCycles(5_000, khz) <= 10_000) expect(seen.filter((v) => v === LAPIC_TIMER_ADVANCE_NS_INIT).length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the simulated advance converges (end to end, zero jitter, random host costs)', () => {
  const hostCosts = fc.record({
    hrtimer_interrupt: fc.integer({ min: 100, max: 3_000 }),
    pending_inject: fc.integer({ min: 200, max: 3_000 }),
    hv_handler: fc.integer({ min: 50, max: 1_500 }),
    tsc_khz: fc.integer({ min: 1_800_000, max: 3_600_000 }),
  });

  it('the last deliveries sit in the dead band (plus the clock-event and countdown granularity) with a constant advance', () => {
    fc.assert(
      fc.property(hostCosts, fc.constantFrom('hrtimer', 'vmx-preemption'), fc.constantFrom('5.4', '5.13', '6.1'), (cst, strategy, kernel) => {
        // the delta each delivery's spin saw (5.4–5.18 print it only after the next exit)
        const got = perDelivery({ workload: 'tscdeadline-busy', strategy, set: { kernel, ...cst } }, 90, (sim) => ({
          adv: sim.advance.timer_advance_ns,
          d: sim.vcpu.deferred_wait_delta ?? delta(sim.trace!.records.filter((r) => r.event === 'kvm_wait_lapic_expire').at(-1)!),
        }));
        const tail = got.slice(-20);
        const slack = strategy === 'hrtimer' ? 16 : 2 * 2 ** DEFAULT_PROFILE.X;
        for (const g of tail) expect(Math.abs(g.d)).toBeLessThan(LAPIC_TIMER_ADVANCE_ADJUST_MIN + slack);
        const advs = new Set(tail.map((g) => g.adv));
        expect(advs.size).toBeLessThanOrEqual(2);
      }),
      { numRuns: 12 },
    );
  });
});

describe('never earlier than the kernel allows', () => {
  it('vCPU path: the ISR sees guest TSC − deadline = tail + min(0, delta + advance) for an early timer, tail + delta for a late one', () => {
    const C = costs();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.constantFrom('hrtimer', 'vmx-preemption'),
        fc.constantFrom('4.18', '5.2', '5.4', '5.13', '6.1'),
        fc.integer({ min: 0, max: 10 }),
        (advance, strategy, kernel, X) => {
          const req = { workload: 'tscdeadline-busy', strategy, set: { kernel, timerAdvanceNs: advance, X } } as const;
          // the delta each delivery's spin saw (5.3–5.18 print it only after the next exit)
          const ds = perDelivery(req, 13, (sim) => sim.vcpu.deferred_wait_delta ?? delta(sim.trace!.records.filter((x) => x.event === 'kvm_wait_lapic_expire').at(-1)!)).slice(1);
          const samples = Array.from(scenario({ ...req, samples: 12 }).samples);
          // after the spin: until 5.2 the rest of vmx_vcpu_run, from 5.3 the entry mitigations and VMRESUME
          const tail = C('mitigation_entry', 'vmentry_hw', 'guest_deliver') + (kernel === '4.18' || kernel === '5.2' ? C('vcpu_run_prologue') : 0);
          const advC = nsToCycles(advance, DEFAULT_PROFILE.tsc_khz);
          expect(ds.length).toBe(samples.length);
          ds.forEach((d, k) => {
            expect(samples[k]).toBe(tail + (d < 0 ? Math.min(0, d + advC) : d));
            // the hrtimer never fires more than the advance early: never before the deadline
            if (strategy === 'hrtimer') expect(samples[k]).toBeGreaterThanOrEqual(tail);
            // the preemption timer can fire up to two ticks early: only then can the spin fall short
            if (2 * 2 ** X <= C('arm_to_entry')) expect(samples[k]).toBeGreaterThanOrEqual(tail);
          });
        },
      ),
      { numRuns: 60 },
    );
    // with ticks of 2^10 cycles the countdown can land more than the advance early: the spin is capped
    // (zero jitter locks the countdown's phase, so the phase is varied through the period)
    const lows = Array.from({ length: 32 }, (_, i) =>
      Math.min(...Array.from(scenario({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 4, set: { kernel: '6.1', timerAdvanceNs: 100, X: 10, delta: 200_000 + 32 * i } }).samples)),
    );
    expect(Math.min(...lows)).toBeLessThan(C('mitigation_entry', 'vmentry_hw', 'guest_deliver'));
  });

  it('TSC scaling: 5.1+ spins ndelay(min(ns, advance)) and never ends early; 4.18 (like 4.9–5.0) spins the guest cycles as host cycles and ends early on a slower guest TSC', () => {
    fc.assert(
      fc.property(fc.integer({ min: 800_000, max: 2_400_000 }), fc.integer({ min: 1_500, max: 4_900 }), (guestKhz, advance) => {
        const run = (kernel: string) =>
          scenario({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 8, set: { kernel, tscScaling: 'on', guestTscKhz: guestKhz, timerAdvanceNs: advance, mitigations: 'off' } });
        const C = costs();
        // the entry tail in guest cycles (host cycles × guest/host rate), rounded down
        const tailHost = C('vmentry_hw', 'guest_deliver');
        const guestOf = (host: number) => Math.floor((host * guestKhz) / DEFAULT_PROFILE.tsc_khz);
        const newer = run('5.4');
        for (const s of Array.from(newer.samples)) expect(s).toBeGreaterThanOrEqual(guestOf(tailHost) - 1);
        const older = run('4.18');
        const tail50 = guestOf(C('vcpu_run_prologue', 'vmentry_hw', 'guest_deliver'));
        // the spin of G guest cycles lasts G host cycles = G·guest/host guest cycles: short by G·(1 − guest/host)
        const ws = older.trace.filter((x) => x.event === 'kvm_wait_lapic_expire').map(delta).slice(1, 9);
        ws.forEach((d, k) => {
          if (d >= 0) return;
          const spin = Math.min(-d, Math.floor((advance * guestKhz) / 1_000_000));
          const short = -d - guestOf(spin);
          expect(older.samples[k]! - tail50).toBeGreaterThanOrEqual(-short - 2);
          expect(older.samples[k]! - tail50).toBeLessThanOrEqual(-short + 2);
        });
        expect(ws.some((d) => d < 0)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('posted path: 5.4, 5.12 and 6.1 spin on the housekeeping CPU and are never early; 5.10 posts at once and can be early by up to the advance less the path', () => {
    const C = costs();
    const afterSpin = C('posted_deliver', 'ipi_latency', 'posted_intr_recv', 'guest_deliver');
    // comparator → interrupt → hrtimer core → callback → post, flight, virtual delivery, vectoring
    const hkPath = C('host_lapic_irq_hw', 'host_irq_dispatch', 'hrtimer_interrupt', 'apic_timer_fn') + afterSpin;
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 4_900 }), fc.constantFrom('5.4', '5.10', '5.11', '5.12', '6.1'), (advance, kernel) => {
        const r = scenario({ workload: 'tscdeadline-busy', strategy: 'posted-timer', samples: 8, set: { kernel, timerAdvanceNs: advance, hltInGuest: 'on' } });
        const advC = nsToCycles(advance, DEFAULT_PROFILE.tsc_khz);
        for (const s of Array.from(r.samples)) {
          if (kernel === '5.10' || kernel === '5.11') {
            // fired advance early, then the host's clock-event lateness and the path, nothing held it back
            expect(s).toBeGreaterThanOrEqual(hkPath - advC + C('clockevent_bias') - 16);
            expect(s).toBeLessThanOrEqual(hkPath - advC + C('clockevent_bias') + 3);
          } else {
            // the spin held the post until the deadline (or the advance was too short to need it)
            expect(s).toBeGreaterThanOrEqual(afterSpin);
          }
        }
      }),
      { numRuns: 40 },
    );
    // a large advance on 5.10 really delivers before the deadline: what 5.12's fix prevents
    const early = scenario({ workload: 'tscdeadline-busy', strategy: 'posted-timer', samples: 4, set: { kernel: '5.10', timerAdvanceNs: 4_000, hltInGuest: 'on' } });
    expect(Math.max(...Array.from(early.samples))).toBeLessThan(0);
    const fixed = scenario({ workload: 'tscdeadline-busy', strategy: 'posted-timer', samples: 4, set: { kernel: '5.10.24', timerAdvanceNs: 4_000, hltInGuest: 'on' } });
    expect(Math.min(...Array.from(fixed.samples))).toBe(afterSpin);
  });
});
