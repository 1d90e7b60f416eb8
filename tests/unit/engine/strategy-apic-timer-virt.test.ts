/**
 * apic-timer-virt, the proposed Intel APIC-timer virtualization (Yamahata/Zhong v2, March 2026,
 * not merged): the guest's IA32_TSC_DEADLINE write does not exit and the CPU delivers the vector
 * at the deadline; KVM falls back to its emulation for one-shot and periodic LVTT modes and for a
 * masked LVTT (the hardware would deliver regardless), and to the sw timer while the vCPU blocks.
 * Zero jitter; gaps are sums of HSW-2016 costs. Kernel 6.18 underneath.
 */
import { describe, expect, it } from 'vitest';
import { MSR_IA32_TSCDEADLINE, MSR_X2APIC_LVTT, MSR_X2APIC_TDCR, MSR_X2APIC_TMICT } from '../../../src-main/engine/kvm/x86.js';
import { APIC_LVT_TIMER_ONESHOT, APIC_LVT_TIMER_PERIODIC, APIC_LVT_TIMER_TSCDEADLINE } from '../../../src-main/engine/kvm/lapic.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { EV_KICK } from '../../../src-main/engine/events.js';
import { MODE_SLEEPING } from '../../../src-main/engine/kvm/vcpu-mode.js';
import { costs, expectSteps, line, profileNamed, scenario, scenarioConfig, ScriptedGuest, scriptedSim } from './kernel-scenarios.js';

const C = costs();
const KERNEL = { kernel: '6.18' };
const PROPOSAL = /^apic-timer-virt is a proposed, unmerged feature \(Yamahata\/Zhong v2, 2026-03\); it is modelled on top of kernel 6\.18 and on no shipping CPU$/;

describe('TSC-deadline mode, unmasked: no VM exit at all', () => {
  it('busy guest: after the LVTT write nothing exits; the CPU delivers at the deadline', () => {
    const r = scenario({ workload: 'tscdeadline-busy', strategy: 'apic-timer-virt', samples: 5, set: KERNEL });
    // the LVTT write (x2APIC 0x832) is the only exit; no KVM event delivers the timer
    expect(r.trace.map(line)).toEqual(['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', 'kvm_msr msr_write 832 = 0x400ef', 'kvm_entry vcpu 0 rip 0x4019c9']);
    expect(r.summary.exits).toEqual({ MSR_WRITE: expect.objectContaining({ count: 1 }) });
    expect(Array.from(r.samples)).toEqual(Array(5).fill(C('apic_timer_virt_deliver', 'guest_deliver')));
    expect(r.summary.warnings).toHaveLength(1);
    expect(r.summary.warnings![0]).toMatch(PROPOSAL);
  });

  it('halting guest: before blocking KVM takes the deadline back into an hrtimer; the wake-up injects it', () => {
    const r = scenario({ workload: 'tscdeadline-halt', strategy: 'apic-timer-virt', samples: 8, set: { ...KERNEL, timerAdvanceNs: 0 } });
    const hlt = r.trace.filter((x) => x.text.startsWith('reason HLT'));
    expect(hlt.length).toBe(9);
    // the last, polling, halt
    const i = r.trace.lastIndexOf(hlt.at(-1)!);
    expectSteps(r.trace.slice(i), [
      ['kvm_exit reason HLT rip 0x4019f3 info 0 0', null],
      // handle_halt, the VMREAD of the guest deadline, start_sw_tscdeadline
      ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', C('exit_post', 'halt_emulate', 'apic_timer_virt_switch', 'sw_deadline_math', 'hrtimer_start')],
      ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', null],
      ['hrtimer_expire_exit hrtimer=*', C('apic_timer_fn')],
      ['kvm_vcpu_wakeup poll time * ns, polling valid', C('clockevent_program', 'halt_poll_wake')],
      // the timer fired while blocked: nothing to hand back to the hardware, inject on this entry
      ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('pending_inject')],
      ['kvm_apicv_accept_irq apicid 0 vec 239 (Fixed|edge)', 0],
      ['kvm_entry vcpu 0 rip 0x4019f4', C('entry_prep')],
    ]);
    // the re-arm WRMSR in the ISR does not exit: the only exits are the HLTs and the LVTT write
    expect(r.summary.exits.MSR_WRITE?.count).toBe(1);
    expect(r.summary.exits.HLT?.count).toBe(9);
  });
});

describe('the fallbacks to KVM emulation', () => {
  const VEC = 0xec;
  function tmictGuest(mode: number) {
    return new ScriptedGuest([
      (g, t) => g.wrmsr(MSR_X2APIC_LVTT, (mode << 17) | VEC, t),
      (g, t) => g.wrmsr(MSR_X2APIC_TDCR, 0xb, t),
      (g, t) => g.wrmsr(MSR_X2APIC_TMICT, 100_000, t),
      (g) => g.waitForInterrupt(),
    ]);
  }
  const run = (strategy: 'apic-timer-virt' | 'vmx-preemption', mode: number, cycles: number) => {
    const g = tmictGuest(mode);
    const s = scriptedSim({ strategy, set: KERNEL }, g);
    s.runFor(cycles);
    return { lines: s.trace().map(line), isr: g.interrupts.map((t) => t - s.t0) };
  };

  it('one-shot and periodic LVTT: the hardware only knows TSC-deadline mode, so the hv timer emulates them as on vmx-preemption', () => {
    for (const [mode, cycles] of [
      [APIC_LVT_TIMER_ONESHOT, 400_000],
      [APIC_LVT_TIMER_PERIODIC, 4_000_000],
    ] as const) {
      const virt = run('apic-timer-virt', mode, cycles);
      const hv = run('vmx-preemption', mode, cycles);
      expect(virt).toEqual(hv);
      expect(virt.lines).toContain('kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0');
      expect(virt.isr.length).toBe(mode === APIC_LVT_TIMER_PERIODIC ? 3 : 1);
    }
  });

  it('masked LVTT: the TSC_DEADLINE write exits and KVM emulates it; the expiry exits but delivers nothing', () => {
    const g = new ScriptedGuest([
      (x, t) => x.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | (1 << 16) | VEC, t),
      (x, t) => x.wrmsr(MSR_IA32_TSCDEADLINE, x.rdtsc() + (100 * DEFAULT_PROFILE.tsc_khz) / 1000, t),
      (x) => x.waitForInterrupt(),
    ]);
    const s = scriptedSim({ strategy: 'apic-timer-virt', set: { ...KERNEL, timerAdvanceNs: 0 } }, g);
    s.runFor(400_000);
    expectSteps(s.trace().slice(3), [
      ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', null],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'hrtimer_cancel')],
      ['kvm_msr msr_write 6e0 = *', 0],
      ['kvm_entry vcpu 0 rip 0x4019c9', C('fastpath_reenter')],
      ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
      // kvm_apic_local_deliver skips a masked LVTT: no kvm_apic_accept_irq
      ['kvm_entry vcpu 0 rip 0x401a2e', C('hv_handler', 'apic_timer_inject_direct', 'fastpath_reenter')],
    ]);
    expect(g.interrupts).toEqual([]);
    expect(s.sim.virt.deadline_host).toBe(-1);
  });

  it('refused where it cannot exist: AMD (no VMX), and without APICv (virtual-interrupt delivery)', () => {
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'apic-timer-virt', samples: 1, profile: profileNamed('EPYC') })).toThrow(
      /^strategy: apic-timer-virt on EPYC: APIC-timer virtualization is an Intel VMX proposal; AMD SVM has no equivalent$/,
    );
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'apic-timer-virt', samples: 1, set: { apicv: 'off' } })).toThrow(/^strategy: apic-timer-virt on HSW-2016: .*needs APICv \(apicv=off\)$/);
    // vmx-preemption is refused on AMD with the reason
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 1, profile: profileNamed('EPYC') })).toThrow(
      /^strategy: vmx-preemption on EPYC: AMD SVM has no preemption timer/,
    );
  });
});

describe('the re-arm after a wake-up for another reason', () => {
  it('a vCPU woken (a kick) before its deadline hands the deadline back to the hardware: no hrtimer expiry, no exit when it fires', () => {
    const KHZ = DEFAULT_PROFILE.tsc_khz;
    let deadline = 0;
    const g = new ScriptedGuest([
      (x, t) => x.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | 0xef, t),
      (x, t) => {
        deadline = x.rdtsc() + KHZ; // 1 ms
        x.wrmsr(MSR_IA32_TSCDEADLINE, deadline, t);
      },
      (x) => x.hlt(),
    ]);
    const s = scriptedSim({ strategy: 'apic-timer-virt', set: { ...KERNEL, timerAdvanceNs: 0 } }, g);
    // the CPU took the TSC_DEADLINE write: the exits are the LVTT write and the HLT
    expect(s.trace().filter((r) => r.event === 'kvm_exit').map((r) => r.text.split(' ')[1])).toEqual(['MSR_WRITE', 'HLT']);
    expect(s.trace().some((r) => r.text.startsWith('msr_write 6e0'))).toBe(false);
    s.runFor(KHZ / 10);
    expect(s.sim.vcpu.mode).toBe(MODE_SLEEPING); // blocked, its deadline on an hrtimer
    s.sim.schedule(s.t0 + (3 * KHZ) / 10, EV_KICK); // a kick for another request wakes it
    s.runFor(2 * KHZ);
    const events = s.trace().map((r) => r.event);
    expect(events.filter((e) => e === 'hrtimer_start').length).toBe(1);
    expect(events).not.toContain('hrtimer_expire_entry');
    expect(events.filter((e) => e === 'kvm_exit').length).toBe(2); // LVTT, HLT
    const wake = s.trace().find((r) => r.event === 'kvm_vcpu_wakeup')!;
    expect(wake.text).toMatch(/^wait time \d+ ns, polling valid$/);
    // delivered by the CPU at the deadline it was handed back
    expect(g.interrupts).toEqual([deadline - s.sim.tsc.tsc_offset + C('apic_timer_virt_deliver', 'guest_deliver')]);
  });
});
