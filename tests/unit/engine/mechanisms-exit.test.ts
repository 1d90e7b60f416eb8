/**
 * VM-exit handling per release: the TSC_DEADLINE and preemption-timer fastpaths (5.8) and what
 * EXIT_FASTPATH_REENTER_GUEST skips, kvm_entry on a fastpath re-entry (5.11), the HLT fastpath
 * (6.12), the TSC_DEADLINE fastpath for the hrtimer too (6.18). Zero jitter, HSW-2016 costs.
 */
import { describe, expect, it } from 'vitest';
import { guest_hlt } from '../../../src-main/engine/kvm/x86.js';
import { costs, deadlineCycles, expectSteps, scenario, ScriptedGuest, scriptedSim, steps, type Step } from './kernel-scenarios.js';

const C = costs();
const MSR_EXIT = 'kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0';
const PT_EXIT = 'kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0';
const ACCEPT = 'kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)';
const busy = (strategy: 'hrtimer' | 'vmx-preemption', set: Record<string, unknown>, samples = 4) =>
  scenario({ workload: 'tscdeadline-busy', strategy, samples, set: { timerAdvanceNs: 0, ...set } });

describe('fastpath (5.8): TSC_DEADLINE write and preemption-timer exit re-enter the guest from vmx_vcpu_run', () => {
  it('5.8: no exit handler, no outer loop, no kvm_entry (5.8–5.10); the expiry injects inside the exit (APICv)', () => {
    const r = busy('vmx-preemption', { kernel: '5.8' });
    const withNext = deadlineCycles(r.trace).slice(1).map((c, k, all) => [...c, all[k + 1]?.[0] ?? c[0]!]).slice(0, 2);
    for (const c of withNext) {
      expectSteps(c, [
        [MSR_EXIT, null],
        // handle_fastpath_set_tscdeadline → kvm_set_lapic_tscdeadline_msr, then trace_kvm_msr_write
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'hrtimer_cancel')],
        ['kvm_msr msr_write 6e0 = *', 0],
        [PT_EXIT, null],
        // handle_fastpath_preemption_timer → apic_timer_expired(from_timer_fn = false) → inject now
        [ACCEPT, C('hv_handler', 'apic_timer_inject_direct')],
        // REENTER_GUEST: back through vmx_vcpu_run only, the delivery, the ISR's re-arm
        [MSR_EXIT, C('fastpath_reenter', 'vcpu_run_prologue', 'hv_arm_per_entry', 'mitigation_entry', 'vmentry_hw', 'guest_deliver', 'guest_isr_rearm', 'vmexit_hw', 'mitigation_exit')],
      ]);
    }
    const cp = r.summary.criticalPath;
    expect(cp.apic_timer_inject_direct).toBe(C('apic_timer_inject_direct'));
    expect(cp.fastpath_reenter).toBe(C('fastpath_reenter'));
    for (const skipped of ['exit_post', 'pending_inject', 'entry_prep']) expect(cp[skipped]).toBeUndefined();
  });

  it('mech.fastpath=off on 5.8 is the 5.7 slow path: kvm_exit after the exit bookkeeping, KVM_REQ_PENDING_TIMER injection, kvm_entry', () => {
    const slow: Step[] = [
      [MSR_EXIT, null],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'hrtimer_cancel')],
      ['kvm_msr msr_write 6e0 = *', 0],
      ['kvm_entry vcpu 0', C('entry_prep')],
      [PT_EXIT, null],
      [ACCEPT, C('hv_handler', 'pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ];
    const off = busy('vmx-preemption', { kernel: '5.8', 'mech.fastpath': 'off' });
    const old = busy('vmx-preemption', { kernel: '5.7' });
    for (const r of [off, old]) for (const c of deadlineCycles(r.trace).slice(1)) expectSteps(c, slow);
    expect(Array.from(off.samples)).toEqual(Array.from(old.samples));
    const cp = off.summary.criticalPath;
    for (const paid of ['exit_post', 'pending_inject', 'entry_prep']) expect(cp[paid]).toBe(C(paid));
    expect(cp.apic_timer_inject_direct).toBeUndefined();
  });

  it('5.8 traces kvm_exit right after the exit, before the host interrupt handler; 5.7 after it (vmx_handle_exit)', () => {
    const order = (kernel: string) =>
      deadlineCycles(busy('hrtimer', { kernel }).trace)[1]!.filter((x) => x.event !== 'kvm_msr').map((x) => x.event).slice(4, 8);
    expect(order('5.8')).toEqual(['kvm_exit', 'hrtimer_expire_entry', 'hrtimer_expire_exit', 'kvm_apic_accept_irq']);
    expect(order('5.7')).toEqual(['hrtimer_expire_entry', 'hrtimer_expire_exit', 'kvm_exit', 'kvm_apic_accept_irq']);
  });

  it('without APICv the fastpath expiry sets the timer pending: kvm_vcpu_exit_request → EXIT_HANDLED, injection via the VM-entry field', () => {
    const r = busy('vmx-preemption', { kernel: '5.8', apicv: 'off' });
    const start = r.trace.indexOf(deadlineCycles(r.trace)[1]![0]!);
    const i = r.trace.findIndex((x, k) => k > start && x.text.includes('PREEMPTION_TIMER'));
    expectSteps(r.trace.slice(i, i + 10), [
      [PT_EXIT, null],
      [ACCEPT, C('hv_handler', 'exit_post', 'pending_inject')],
      ['kvm_inj_virq irq 239', C('entry_prep', 'inject_irq_vmcs')],
      ['kvm_entry vcpu 0', 0],
      // the ISR's re-arm (TSC_DEADLINE, fastpath) and its EOI (x2APIC EOI write, slow path)
      [MSR_EXIT, null],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', null],
      ['kvm_msr msr_write 6e0 = *', 0],
      [MSR_EXIT, null],
      ['kvm_msr msr_write 80b = 0x0', C('exit_post', 'wrmsr_dispatch', 'apic_eoi_emulate')],
      ['kvm_entry vcpu 0', C('entry_prep')],
    ]);
  });
});

describe('trace_entry_per_reentry (5.11): kvm_entry on every fastpath re-entry', () => {
  it('5.10 shows exits without entries on the fastpath (perf kvm stat pairs none of them); 5.11 traces each re-entry; timing is the same', () => {
    const a = busy('vmx-preemption', { kernel: '5.10' });
    const b = busy('vmx-preemption', { kernel: '5.11' });
    const entries = (t: typeof a.trace) => t.filter((x) => x.event === 'kvm_entry').length;
    // 5.10: only the LVTT write's slow-path entry
    expect(entries(a.trace)).toBe(1);
    expect(entries(b.trace)).toBe(steps(b.trace).filter(([l]) => l.startsWith('kvm_exit')).length);
    expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
    for (const c of deadlineCycles(b.trace).slice(1)) {
      expect(c.map((x) => x.event)).toEqual(['kvm_exit', 'kvm_hv_timer_state', 'kvm_msr', 'kvm_entry', 'kvm_exit', 'kvm_apic_accept_irq', 'kvm_entry']);
      expect(c[3]!.t - c[2]!.t).toBe(C('fastpath_reenter'));
      expect(c[6]!.t - c[5]!.t).toBe(C('fastpath_reenter'));
      expect(c[3]!.text).toBe('vcpu 0 rip 0x4019c9');
    }
    expect(a.summary.exits.PREEMPTION_TIMER?.perfKvmStat).toBeUndefined();
    expect(b.summary.exits.PREEMPTION_TIMER?.perfKvmStat?.samples).toBe(b.summary.exits.PREEMPTION_TIMER?.count);
    const off = busy('vmx-preemption', { kernel: '5.11', 'mech.trace_entry_per_reentry': 'off' });
    expect(entries(off.trace)).toBe(1);
  });
});

describe('hlt_fastpath (6.12)', () => {
  it('a HLT with nothing pending takes EXIT_HANDLED and the normal vcpu_block path: 6.12 = 6.11 step for step', () => {
    const run = (kernel: string) => scenario({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 8, set: { kernel, timerAdvanceNs: 0 } });
    const a = run('6.11');
    const b = run('6.12');
    expect(steps(b.trace)).toEqual(steps(a.trace));
    expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
  });

  it('a HLT exit with the interrupt already pending re-enters from the fastpath on 6.12: no vcpu_block, no poll, no timer switch', () => {
    // The model's guest takes a pending vector before HLT itself, so the exit is driven directly:
    // the vector sits in the virtual IRR (the STI shadow held it) when the guest executes HLT.
    const hltWithPending = (kernel: string, extra: Record<string, unknown> = {}) => {
      const g = new ScriptedGuest([(x) => x.waitForInterrupt()]);
      const s = scriptedSim({ strategy: 'vmx-preemption', set: { kernel, timerAdvanceNs: 0, ...extra } }, g);
      s.sim.lapic.irr = 0xef;
      guest_hlt(s.sim);
      return { s, g };
    };
    const neu = hltWithPending('6.12');
    expectSteps(neu.s.trace(), [
      ['kvm_exit reason HLT rip 0x4019f3 info 0 0', null],
      // handle_fastpath_hlt: kvm_emulate_halt leaves the vCPU RUNNABLE (kvm_vcpu_has_events) → REENTER_GUEST
      ['kvm_entry vcpu 0 rip 0x4019f4', C('halt_emulate', 'fastpath_reenter')],
    ]);
    expect(neu.g.interrupts.length).toBe(1);
    const old = hltWithPending('6.11');
    expectSteps(old.s.trace(), [
      ['kvm_exit reason HLT rip 0x4019f3 info 0 0', null],
      // the slow path: handle_halt, the outer loop finds the vCPU runnable in vcpu_block, a full entry
      ['kvm_entry vcpu 0 rip 0x4019f4', C('exit_post', 'halt_emulate', 'entry_prep')],
    ]);
    expect(old.g.interrupts.length).toBe(1);
    expect(steps(hltWithPending('6.12', { 'mech.hlt_fastpath': 'off' }).s.trace())).toEqual(steps(old.s.trace()));
  });
});

describe('tscdeadline_fastpath_always (6.18): the TSC_DEADLINE write uses the fastpath for an hrtimer too', () => {
  it('6.17: the hrtimer strategy takes the slow path; 6.18 handles the write IRQs-off and re-enters', () => {
    const cycleOf = (set: Record<string, unknown>) => deadlineCycles(busy('hrtimer', set).trace)[1]!.slice(0, 5);
    const arm = C('wrmsr_dispatch', 'hrtimer_cancel', 'sw_deadline_math', 'hrtimer_start');
    const expectArm = (set: Record<string, unknown>, toEntry: number, exitTail: number) =>
      expectSteps(cycleOf(set), [
        [MSR_EXIT, null],
        ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', exitTail + arm],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('clockevent_program')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_entry vcpu 0 rip 0x4019c9', toEntry],
      ]);
    expectArm({ kernel: '6.17' }, C('entry_prep'), C('exit_post'));
    expectArm({ kernel: '6.18' }, C('fastpath_reenter'), 0);
    expectArm({ kernel: '6.18', 'mech.tscdeadline_fastpath_always': 'off' }, C('entry_prep'), C('exit_post'));
  });
});
