/**
 * Arming a deadline, release by release (src-shared/kernels.ts): the expired-deadline injection
 * of 4.13, its hv_timer 0 trace from 5.2, the soft-disabled preemption timer of 5.3 and the
 * speculative-execution mitigations of 4.15, each as the exact trace of one timer cycle with
 * zero jitter. The step gaps are sums of HSW-2016 costs. Each comparison switches the mechanism
 * off on its own release (`mech.<id>=off`), which must give the release before's steps.
 */
import { describe, expect, it } from 'vitest';
import { costs, deadlineCycles, expectSteps, scenario, steps, type Step } from './kernel-scenarios.js';

const C = costs();
const MSR_EXIT = 'kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0';
const ARM_MSR = 'kvm_msr msr_write 6e0 = *';
const ACCEPT_IMMED = 'kvm_apic_accept_irq apicid 0 vec 238 (Fixed|edge)';
/** vmexit.c's ISR (EOI + iret, APICv) and loop back to the WRMSR: entry → next MSR_WRITE exit. */
const IMMED_ROUND = (mitigations: boolean) =>
  C('vcpu_run_prologue', 'vmentry_hw', 'guest_deliver', 'guest_eoi_iret', 'guest_loop', 'vmexit_hw', 'exit_post') +
  (mitigations ? C('mitigation_entry', 'mitigation_exit') : 0);

describe('expired_inject (4.13): an expired deadline is injected at once', () => {
  const immed = (kernel: string, set: Record<string, unknown> = {}) =>
    scenario({ workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', samples: 4, set: { kernel, ...set } });

  // 4.12: vmx_set_hv_timer arms a zero countdown (returns 0), start_hv_timer traces hv_timer 1,
  // and the preemption-timer exit comes right after the VM entry
  const ZERO_COUNTDOWN: Step[] = [
    [MSR_EXIT, null],
    ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel')],
    [ARM_MSR, 0],
    ['kvm_entry vcpu 0', C('entry_prep')],
    // the countdown of 0 fires before VMRESUME completes: exit as soon as the guest is entered
    ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', C('vcpu_run_prologue', 'hv_arm_per_entry', 'vmentry_hw', 'vmexit_hw', 'exit_post')],
    [ACCEPT_IMMED, C('hv_handler', 'pending_inject')],
    ['kvm_entry vcpu 0', C('entry_prep')],
    ['kvm_wait_lapic_expire vcpu 0: delta * (late)', 0],
  ];
  // 4.13: `return delta_tsc == 0` → start_hv_timer calls apic_timer_expired and returns false,
  // start_sw_timer finds the timer pending: no kvm_hv_timer_state, injection on this entry
  const INJECT_NOW: Step[] = [
    [MSR_EXIT, null],
    [ARM_MSR, C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel', 'vmcs_pin_rmw')],
    [ACCEPT_IMMED, C('pending_inject')],
    ['kvm_entry vcpu 0', C('entry_prep')],
    ['kvm_wait_lapic_expire vcpu 0: delta * (late)', 0],
  ];

  it('4.12: zero-length countdown and a PREEMPTION_TIMER exit; 4.13: no exit, one round trip less', () => {
    const a = immed('4.12');
    const b = immed('4.13');
    for (const c of deadlineCycles(a.trace).slice(1)) expectSteps(c, ZERO_COUNTDOWN);
    for (const c of deadlineCycles(b.trace).slice(1)) expectSteps(c, INJECT_NOW);
    // the next MSR_WRITE exit follows the delivering entry by the ISR's round trip in both
    const next = (t: typeof a.trace) => t.findIndex((r, i) => i > 5 && r.event === 'kvm_exit' && r.text.includes('MSR_WRITE'));
    expect(a.trace[next(a.trace)]!.t - a.trace[next(a.trace) - 2]!.t).toBe(IMMED_ROUND(false));
    // one iteration = the cycle: 4.12 pays the extra entry/exit round trip and handler
    const roundTrip = C('entry_prep', 'vcpu_run_prologue', 'hv_arm_per_entry', 'vmentry_hw', 'vmexit_hw', 'exit_post', 'hv_handler') - C('vmcs_pin_rmw');
    expect(a.samples[3]! - b.samples[3]!).toBe(roundTrip);
    expect(b.samples[3]).toBe(
      C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel', 'vmcs_pin_rmw', 'pending_inject', 'entry_prep') + IMMED_ROUND(false),
    );
  });

  it('mech.expired_inject=off on 4.13 gives 4.12 exactly', () => {
    const off = immed('4.13', { 'mech.expired_inject': 'off' });
    expect(Array.from(off.samples)).toEqual(Array.from(immed('4.12').samples));
    for (const c of deadlineCycles(off.trace).slice(1)) expectSteps(c, ZERO_COUNTDOWN);
  });
});

describe('expired_trace_zero (5.2): the expired deadline traces hv_timer 0', () => {
  const immed = (kernel: string, set: Record<string, unknown> = {}) =>
    scenario({ workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', samples: 4, set: { kernel, timerAdvanceNs: 0, ...set } });
  const arm = C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel', 'vmcs_pin_rmw');

  it('5.1: no kvm_hv_timer_state; 5.2: start_hv_timer traces hv_timer 0 before kvm_msr; same timing', () => {
    const a = immed('5.1');
    const b = immed('5.2');
    // with no advance (timerAdvanceNs=0) there is no kvm_wait_lapic_expire from 4.16 on
    for (const c of deadlineCycles(a.trace).slice(1)) {
      expectSteps(c, [
        [MSR_EXIT, null],
        [ARM_MSR, arm],
        [ACCEPT_IMMED, C('pending_inject')],
        ['kvm_entry vcpu 0', C('entry_prep')],
      ]);
    }
    for (const c of deadlineCycles(b.trace).slice(1)) {
      expectSteps(c, [
        [MSR_EXIT, null],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', arm],
        [ARM_MSR, 0],
        [ACCEPT_IMMED, C('pending_inject')],
        ['kvm_entry vcpu 0', C('entry_prep')],
      ]);
    }
    expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
    expect(a.samples[3]).toBe(arm + C('pending_inject', 'entry_prep') + IMMED_ROUND(true));
  });

  it('mech.expired_trace_zero=off on 5.2 drops the trace again', () => {
    const off = immed('5.2', { 'mech.expired_trace_zero': 'off' });
    expect(steps(off.trace).map(([l]) => l)).toEqual(steps(immed('5.1').trace).map(([l]) => l));
  });
});

describe('hv_soft_disable (5.3): no pin-based control writes', () => {
  const busy = (set: Record<string, unknown>) =>
    scenario({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 4, set: { kernel: '5.3', timerAdvanceNs: 0, ...set } });
  const cycle = (armGap: number, disarmedEntry: number): Step[] => [
    [MSR_EXIT, null],
    ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', armGap],
    [ARM_MSR, 0],
    ['kvm_entry vcpu 0', C('entry_prep')],
    ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
    ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('hv_handler', 'pending_inject')],
    ['kvm_entry vcpu 0', C('entry_prep')],
    // the delivering entry up to the ISR's re-arm WRMSR exit
    [MSR_EXIT, disarmedEntry],
  ];
  const toRearm = C('vcpu_run_prologue', 'mitigation_entry', 'vmentry_hw', 'guest_deliver', 'guest_isr_rearm', 'vmexit_hw', 'mitigation_exit', 'exit_post');

  it('5.3 arms without the pin RMW and soft-disables a disarmed timer with one VMWRITE; off = the 5.2 toggle', () => {
    const on = busy({});
    const off = busy({ 'mech.hv_soft_disable': 'off' });
    const withNext = (t: typeof on.trace) => deadlineCycles(t).slice(1).map((c, k, all) => [...c, (all[k + 1] ?? [])[0]!]).slice(0, 2);
    for (const c of withNext(on.trace)) {
      expectSteps(c, cycle(C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'hrtimer_cancel'), toRearm + C('hv_arm_per_entry')));
    }
    for (const c of withNext(off.trace)) {
      expectSteps(c, cycle(C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel'), toRearm));
    }
    // the delivery pays the soft-disable VMWRITE; the pin RMW was off the critical path (arm time)
    expect(on.summary.criticalPath.hv_arm_per_entry).toBe(C('hv_arm_per_entry'));
    expect(off.summary.criticalPath.hv_arm_per_entry).toBeUndefined();
    expect(on.summary.criticalPath.vmcs_pin_rmw).toBeUndefined();
    expect(off.summary.criticalPath.vmcs_pin_rmw).toBeUndefined();
    // per timer event the host writes 60 cycles of pin RMW less and 40 of VMWRITE more
    const perEvent = (r: typeof on, step: string) => r.summary.hostCyclesByStep[step] ?? 0;
    expect(perEvent(off, 'vmcs_pin_rmw')).toBeCloseTo(C('vmcs_pin_rmw'), 6);
    expect(perEvent(on, 'vmcs_pin_rmw')).toBe(0);
  });
});

describe('spec_mitigations (4.15): exit and entry mitigation costs', () => {
  const busy = (kernel: string, set: Record<string, unknown> = {}) =>
    scenario({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 4, set: { kernel, ...set } });
  const rearm = (t: ReturnType<typeof busy>['trace']) => {
    // the delivering kvm_entry (traced with kvm_wait_lapic_expire on 4.9–4.15) → the re-arm exit
    const w = t.findIndex((r, i) => i > 8 && r.event === 'kvm_wait_lapic_expire');
    return t[w + 1]!.t - t[w]!.t;
  };
  const plain = C('vcpu_run_prologue', 'vmentry_hw', 'guest_deliver', 'guest_isr_rearm', 'vmexit_hw', 'exit_post');

  it('4.14 has none; 4.15 adds mitigation_exit and mitigation_entry to every round trip; mitigations=off removes them', () => {
    const a = busy('4.14');
    const b = busy('4.15');
    const off = busy('4.15', { mitigations: 'off' });
    expect(rearm(a.trace)).toBe(plain);
    expect(rearm(b.trace)).toBe(plain + C('mitigation_entry', 'mitigation_exit'));
    expect(rearm(off.trace)).toBe(plain);
    // ISR rdtsc − printed delta: the entry tail, with the entry mitigations on 4.15
    const tail = (r: ReturnType<typeof busy>) => {
      const ws = r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire').slice(1, 4);
      return ws.map((w, k) => r.samples[k]! - Number(/delta (-?\d+)/.exec(w.text)![1]));
    };
    expect(tail(a)).toEqual([1, 2, 3].map(() => C('vcpu_run_prologue', 'vmentry_hw', 'guest_deliver')));
    expect(tail(b)).toEqual([1, 2, 3].map(() => C('vcpu_run_prologue', 'mitigation_entry', 'vmentry_hw', 'guest_deliver')));
    expect(Array.from(off.samples)).toEqual(Array.from(a.samples));
    expect(b.summary.host?.mitigations).toBe(true);
    expect(off.summary.host?.mitigations).toBe(false);
    expect(a.summary.host?.mitigations).toBe(false); // 4.14: nothing to switch on
  });
});

describe('an arm the preemption timer cannot take (-ERANGE)', () => {
  it('5.4: start_hv_timer returns false untraced, start_sw_timer traces hv_timer 0 once', () => {
    // 2^33 cycles with X = 0 do not fit the 32-bit countdown
    const r = scenario({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 1, set: { kernel: '5.4', X: 0, delta: 2 ** 33, timerAdvanceNs: 0 } });
    const i = r.trace.findIndex((x, k) => k > 2 && x.event === 'kvm_exit');
    expectSteps(r.trace.slice(i, i + 5), [
      [MSR_EXIT, null],
      ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'sw_deadline_math', 'hrtimer_start')],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('clockevent_program')],
      [ARM_MSR, 0],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ]);
  });
});
