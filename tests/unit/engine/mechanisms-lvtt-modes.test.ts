/**
 * The LVTT one-shot and periodic modes on the hv timer (4.10) and their busy-wait (5.13), driven
 * by a scripted guest (no workload uses these modes): LVTT, TDCR divide-by-1, TMICT, then a wait
 * for the interrupt. Zero jitter; gaps are sums of HSW-2016 costs.
 */
import { describe, expect, it } from 'vitest';
import { MSR_X2APIC_LVTT, MSR_X2APIC_TDCR, MSR_X2APIC_TMICT } from '../../../src-main/engine/kvm/x86.js';
import { APIC_LVT_TIMER_ONESHOT, APIC_LVT_TIMER_PERIODIC, MIN_TIMER_PERIOD_US } from '../../../src-main/engine/kvm/lapic.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { costs, delta, expectSteps, ScriptedGuest, scriptedSim, type Step } from './kernel-scenarios.js';
import type { GuestCpu } from '../../../src-main/engine/guest/guest-cpu.js';

const C = costs();
const VEC = 0xec;
const TMICT = 100_000; // × APIC_BUS_CYCLE_NS 1 × divide 1 = 100 µs
const KHZ = DEFAULT_PROFILE.tsc_khz;
/** The fixed timer advance of the one-shot scenario (kvm.lapic_timer_advance_ns). */
const ADVANCE_NS = 3000;
const MSR_EXIT = 'kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0';

function timerGuest(mode: number, isr?: (g: GuestCpu) => void) {
  return new ScriptedGuest(
    [
      (g, t) => g.wrmsr(MSR_X2APIC_LVTT, (mode << 17) | VEC, t),
      (g, t) => g.wrmsr(MSR_X2APIC_TDCR, 0xb, t), // divide by 1
      (g, t) => g.wrmsr(MSR_X2APIC_TMICT, TMICT, t),
      (g) => g.waitForInterrupt(),
    ],
    isr,
  );
}

/** The records from the TMICT write's exit on. */
function fromTmict(records: ReturnType<ReturnType<typeof scriptedSim>['trace']>) {
  const i = records.findIndex((r) => r.event === 'kvm_msr' && r.text.startsWith('msr_write 838'));
  let j = i;
  while (records[j]!.event !== 'kvm_exit') j--;
  return records.slice(j);
}

describe('hv_oneshot_periodic (4.10): TMICT timers on the hv timer', () => {
  const ACCEPT = `kvm_apic_accept_irq apicid 0 vec ${VEC} (Fixed|edge)`;
  // kvm_lapic_reg_write(APIC_TMICT): handle_wrmsr, the register write, hrtimer_cancel, start_apic_timer
  const tmictWrite = C('wrmsr_dispatch', 'apic_reg_write', 'hrtimer_cancel');

  it('4.9: a one-shot TMICT timer is an hrtimer (EXTERNAL_INTERRUPT exit); 4.10: the hv timer (PREEMPTION_TIMER exit)', () => {
    const gOld = timerGuest(APIC_LVT_TIMER_ONESHOT);
    const old = scriptedSim({ strategy: 'vmx-preemption', set: { kernel: '4.9' } }, gOld);
    old.runFor(400_000);
    expectSteps(fromTmict(old.trace()), [
      [MSR_EXIT, null],
      ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', tmictWrite + C('sw_deadline_math', 'hrtimer_start')],
      ['kvm_msr msr_write 838 = 0x186a0', C('clockevent_program')],
      ['kvm_entry vcpu 0', C('entry_prep')],
      ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', null],
      ['hrtimer_expire_exit hrtimer=*', C('apic_timer_fn')],
      ['kvm_exit reason EXTERNAL_INTERRUPT rip 0x401a2e info 0 0', C('clockevent_program')],
      [ACCEPT, C('ext_intr_handler', 'pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ]);
    const gNew = timerGuest(APIC_LVT_TIMER_ONESHOT);
    const neu = scriptedSim({ strategy: 'vmx-preemption', set: { kernel: '4.10' } }, gNew);
    neu.runFor(400_000);
    expectSteps(fromTmict(neu.trace()), [
      [MSR_EXIT, null],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', tmictWrite + C('hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel')],
      ['kvm_msr msr_write 838 = 0x186a0', 0],
      ['kvm_entry vcpu 0', C('entry_prep')],
      ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
      [ACCEPT, C('hv_handler', 'pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ]);
    // set_target_expiration: the equivalent guest deadline; after delivery it reads 0 (4.10
    // kvm_inject_apic_timer_irqs), so a later restart_apic_timer cannot re-arm a fired one-shot
    expect(neu.sim.lapic.lapic_timer.tscdeadline).toBe(0);
    expect(neu.sim.lapic.lapic_timer.hv_timer_in_use).toBe(false);
    expect(gOld.interrupts.length).toBe(1);
    expect(gNew.interrupts.length).toBe(1);
  });

  it('periodic on 4.10: each expiry re-arms the hv timer in the exit handler (hv_timer 1) and the period does not drift', () => {
    const g = timerGuest(APIC_LVT_TIMER_PERIODIC);
    const s = scriptedSim({ strategy: 'vmx-preemption', set: { kernel: '4.10' } }, g);
    s.runFor(5_000_000);
    const t = fromTmict(s.trace()).slice(4);
    const period: Step[] = [
      ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
      // kvm_lapic_expired_hv_timer: cancel, apic_timer_expired, advance_periodic_target_expiration, start_hv_timer
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('hv_handler', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel')],
      [ACCEPT, C('pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ];
    expect(t.length).toBe(12);
    for (let k = 0; k < 3; k++) expectSteps(t.slice(4 * k, 4 * k + 4), period);
    // TMICT 100 µs is clamped to min_timer_period_us; the target advances by exactly the period
    const cyclesPerPeriod = (MIN_TIMER_PERIOD_US * 1000 * KHZ) / 1_000_000;
    const isr = g.interrupts;
    expect(isr.length).toBe(3);
    expect(isr[1]! - isr[0]!).toBe(cyclesPerPeriod);
    expect(isr[2]! - isr[1]!).toBe(cyclesPerPeriod);
  });

  it('mech.hv_oneshot_periodic=off on 4.10 keeps TMICT timers on the hrtimer, as 4.9', () => {
    const off = scriptedSim({ strategy: 'vmx-preemption', set: { kernel: '4.10', 'mech.hv_oneshot_periodic': 'off' } }, timerGuest(APIC_LVT_TIMER_ONESHOT));
    off.runFor(400_000);
    const events = fromTmict(off.trace()).map((r) => r.event);
    expect(events).toEqual(['kvm_exit', 'hrtimer_start', 'kvm_msr', 'kvm_entry', 'hrtimer_expire_entry', 'hrtimer_expire_exit', 'kvm_exit', 'kvm_apic_accept_irq', 'kvm_entry']);
  });
});

describe('hv_busy_wait_order (5.13): a one-shot hv timer spins to its deadline', () => {
  /** The ISR writes TDCR, so an exit follows the delivery and the deferred kvm_wait_lapic_expire shows. */
  const isr = (g: GuestCpu) => g.wrmsr(MSR_X2APIC_TDCR, 0xb, 1_000_000);
  const run = (set: Record<string, unknown>) => {
    const g = timerGuest(APIC_LVT_TIMER_ONESHOT, isr);
    const s = scriptedSim({ strategy: 'vmx-preemption', set: { timerAdvanceNs: ADVANCE_NS, ...set } }, g);
    s.runFor(400_000);
    const t = fromTmict(s.trace());
    // start_apic_timer reads the TSC after the exit tail, the dispatch, the register write and hrtimer_cancel
    const deadline = t[0]!.t + C('exit_post', 'wrmsr_dispatch', 'apic_reg_write', 'hrtimer_cancel') + (TMICT * KHZ) / 1_000_000;
    const isrAt = g.interrupts[0]!;
    return { t, deadline, isrAt, s };
  };
  // from the spin's end: the entry mitigations, VMRESUME, the guest's IDT vectoring
  const tail = C('mitigation_entry', 'vmentry_hw', 'guest_deliver');

  it('5.13: apic_timer_expired runs before cancel_hv_timer, records the deadline, and the entry spins to it', () => {
    const { t, deadline, isrAt } = run({ kernel: '5.13' });
    expect(isrAt - deadline).toBe(tail);
    // the delta (traced after the next exit until 5.18) is the early firing the spin covered
    const w = t.find((r) => r.event === 'kvm_wait_lapic_expire')!;
    expect(w.text).toMatch(/^vcpu 0: delta -\d+ \(early\)$/);
  });

  it('5.12: the cancel came first, nothing is recorded, and the advanced interrupt arrives before the deadline', () => {
    const { t, deadline, isrAt } = run({ kernel: '5.12' });
    expect(t.some((r) => r.event === 'kvm_wait_lapic_expire')).toBe(false);
    // fired timer_advance_ns early, then only the exit, injection and entry path
    expect(isrAt).toBeLessThan(deadline);
    expect(deadline - isrAt).toBeLessThan((ADVANCE_NS * KHZ) / 1_000_000);
    // the same firing on 5.13, plus the spin it did not do
    const newer = run({ kernel: '5.13' });
    const spun = -delta(newer.t.find((r) => r.event === 'kvm_wait_lapic_expire')!);
    expect(newer.isrAt - isrAt).toBe(spun);
    const off = run({ kernel: '5.13', 'mech.hv_busy_wait_order': 'off' });
    expect(off.isrAt - off.deadline).toBe(isrAt - deadline);
  });
});
