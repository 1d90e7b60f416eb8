/**
 * Host settings that are not releases: APICv off (the timer vector goes through the VM-entry
 * interruption field, kvm_inj_virq, and the guest's x2APIC EOI write exits) and the
 * speculative-execution mitigations switched off on a host whose profile has them. Zero jitter.
 */
import { describe, expect, it } from 'vitest';
import { costs, deadlineCycles, expectSteps, profileNamed, scenario } from './kernel-scenarios.js';

const C = costs();

describe('apicv=off', () => {
  const busy = (apicv: 'on' | 'off') => scenario({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 4, set: { kernel: '6.1', timerAdvanceNs: 0, apicv } });

  it('6.1, hrtimer: injection through the VM-entry field (kvm_inj_virq, no kvm_apicv_accept_irq) and an MSR_WRITE exit for the EOI', () => {
    const r = busy('off');
    for (const c of deadlineCycles(r.trace).slice(1)) {
      expectSteps(c, [
        ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', null],
        ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', C('exit_post', 'wrmsr_dispatch', 'hrtimer_cancel', 'sw_deadline_math', 'hrtimer_start')],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('clockevent_program')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_entry vcpu 0 rip 0x4019c9', C('entry_prep')],
        // the ISR's EOI: kvm_lapic_reg_write(APIC_EOI) in the slow path (no fastpath for it)
        ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', C('vcpu_run_prologue', 'mitigation_entry', 'vmentry_hw', 'vmexit_hw', 'mitigation_exit')],
        ['kvm_msr msr_write 80b = 0x0', C('exit_post', 'wrmsr_dispatch', 'apic_eoi_emulate')],
        ['kvm_entry vcpu 0 rip 0x4019c9', C('entry_prep')],
        ['kvm_exit reason EXTERNAL_INTERRUPT rip 0x401a2e info 0 0', null],
        ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', C('exit_post', 'host_irq_dispatch', 'hrtimer_interrupt')],
        ['hrtimer_expire_exit hrtimer=*', C('apic_timer_fn')],
        ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('clockevent_program', 'ext_intr_handler', 'pending_inject')],
        // inject_pending_event writes the vector into the VM-entry interruption field, before kvm_entry
        ['kvm_inj_virq IRQ 0xef', C('entry_prep', 'inject_irq_vmcs')],
        ['kvm_entry vcpu 0 rip 0x401a2e', 0],
      ]);
    }
    const on = busy('on');
    expect(r.summary.exits.MSR_WRITE!.count).toBe(on.summary.exits.MSR_WRITE!.count + r.summary.timerEvents - 1);
    expect(r.summary.criticalPath.inject_irq_vmcs).toBe(C('inject_irq_vmcs'));
    expect(on.summary.criticalPath.inject_irq_vmcs).toBeUndefined();
    expect(on.trace.some((x) => x.event === 'kvm_inj_virq')).toBe(false);
    expect(r.trace.some((x) => x.event === 'kvm_apicv_accept_irq')).toBe(false);
    expect(r.summary.host?.apicv).toBe(false);
  });
});

describe('mitigations=off', () => {
  it('SPR (6.8): every exit and entry drops mitigation_exit and mitigation_entry; the summary says so', () => {
    const spr = profileNamed('SPR');
    const S = costs(spr);
    const run = (mitigations: 'on' | 'off') => scenario({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: spr, samples: 6, set: { mitigations, timerAdvanceNs: 0 } });
    const on = run('on');
    const off = run('off');
    expect(on.summary.host).toEqual({ kernel: '6.8', vendor: 'intel', apicv: true, mitigations: true });
    expect(off.summary.host?.mitigations).toBe(false);
    expect(on.summary.criticalPath.mitigation_entry).toBe(S('mitigation_entry'));
    expect(on.summary.criticalPath.mitigation_exit).toBe(S('mitigation_exit'));
    expect(off.summary.criticalPath.mitigation_entry).toBeUndefined();
    expect(off.summary.criticalPath.mitigation_exit).toBeUndefined();
    // two exits per timer event (the WRMSR and the preemption timer), each paying both
    const exitsPerEvent = (on.summary.exits.MSR_WRITE!.count + on.summary.exits.PREEMPTION_TIMER!.count) / on.summary.timerEvents;
    expect(on.summary.hostCyclesByStep.mitigation_exit).toBeCloseTo(exitsPerEvent * S('mitigation_exit'), 6);
    expect(off.summary.hostCyclesByStep.mitigation_exit).toBeUndefined();
    // the re-arm round trip (delivering entry → re-arm exit) is shorter by exactly both costs
    const rearm = (r: typeof on) => {
      const c = deadlineCycles(r.trace)[2]!;
      const prev = r.trace[r.trace.indexOf(c[0]!) - 1]!;
      return c[0]!.t - prev.t;
    };
    expect(rearm(on) - rearm(off)).toBe(S('mitigation_entry', 'mitigation_exit'));
  });
});
