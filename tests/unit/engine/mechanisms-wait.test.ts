/**
 * Where wait_lapic_expire runs and when it is traced, release by release: only while an advance is
 * set (4.16), just before VM entry with its trace after the next exit (5.3), tuning before the
 * spin (5.13), the trace back at the spin (5.19). Zero jitter; gaps are sums of HSW-2016 costs.
 */
import { describe, expect, it } from 'vitest';
import { costs, deadlineCycles, delta, expectSteps, scenario, steps } from './kernel-scenarios.js';

const C = costs();
const MSR_EXIT = 'kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0';
const busy = (strategy: 'hrtimer' | 'vmx-preemption', set: Record<string, unknown>, samples = 6) =>
  scenario({ workload: 'tscdeadline-busy', strategy, samples, set });
const waits = (t: ReturnType<typeof busy>['trace']) => t.filter((r) => r.event === 'kvm_wait_lapic_expire');

describe('wait_only_with_advance (4.16): no advance, no wait_lapic_expire', () => {
  it('4.15 traces kvm_wait_lapic_expire at every delivery even with no advance; 4.16 does not call it; the timing is the same', () => {
    const a = busy('hrtimer', { kernel: '4.15' });
    const b = busy('hrtimer', { kernel: '4.16' });
    expect(waits(a.trace).length).toBe(7);
    for (const w of waits(a.trace)) expect(delta(w)).toBeGreaterThan(0);
    expect(waits(b.trace).length).toBe(0);
    expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
    const off = busy('hrtimer', { kernel: '4.16', 'mech.wait_only_with_advance': 'off' });
    expect(steps(off.trace).map(([l]) => l.replace(/delta -?\d+/, 'delta D'))).toEqual(steps(a.trace).map(([l]) => l.replace(/delta -?\d+/, 'delta D')));
  });
});

describe('wait_before_vmentry (5.3): the spin moves into vmx_vcpu_run, its trace after the next exit', () => {
  // a fixed 1000 ns advance: no tuning, so every delivery is the same
  const run = (set: Record<string, unknown>) => busy('vmx-preemption', { kernel: '5.3', timerAdvanceNs: 1000, ...set });
  const afterSpin = C('mitigation_entry', 'vmentry_hw', 'guest_deliver');

  it('5.3: the spin follows the hv-timer update, only the entry mitigations and the world switch remain after it', () => {
    const r = run({});
    for (const s of Array.from(r.samples)) expect(s).toBe(afterSpin);
    const cs = deadlineCycles(r.trace).slice(1, 4);
    for (const c of cs) {
      expectSteps(c, [
        [MSR_EXIT, null],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'hrtimer_cancel')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_entry vcpu 0', C('entry_prep')],
        ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
        ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('hv_handler', 'pending_inject')],
        ['kvm_entry vcpu 0', C('entry_prep')],
        // traced in vcpu_enter_guest after guest_exit (5.3–5.7: before vmx_handle_exit traces kvm_exit)
        ['kvm_wait_lapic_expire vcpu 0: delta * (early)', null],
      ]);
      const w = c[c.length - 1]!;
      const entry = c[c.length - 2]!;
      // prologue, soft-disable VMWRITE, the spin, the entry tail, the ISR's re-arm, the exit to guest_exit
      expect(w.t - entry.t).toBe(C('vcpu_run_prologue', 'hv_arm_per_entry') - delta(w) + afterSpin + C('guest_isr_rearm', 'vmexit_hw', 'mitigation_exit'));
    }
    // and kvm_exit of the re-arm follows it after the exit bookkeeping
    const next = r.trace.findIndex((x) => x === deadlineCycles(r.trace)[2]![0]);
    expect(r.trace[next]!.t - r.trace[next - 1]!.t).toBe(C('exit_post'));
  });

  it('mech.wait_before_vmentry=off on 5.3: the spin and its trace come right after kvm_entry, the whole vmx_vcpu_run follows', () => {
    const r = run({ 'mech.wait_before_vmentry': 'off' });
    for (const s of Array.from(r.samples)) expect(s).toBe(C('vcpu_run_prologue', 'hv_arm_per_entry') + afterSpin);
    for (const c of deadlineCycles(r.trace).slice(1, 4)) {
      const i = c.findIndex((x) => x.event === 'kvm_wait_lapic_expire');
      expect(c[i - 1]!.event).toBe('kvm_entry');
      expect(c[i]!.t).toBe(c[i - 1]!.t);
    }
  });
});

describe('tune_before_spin (5.13): adjust_lapic_timer_advance runs before the spin', () => {
  it('5.13: the spin covers the tuning, so an early delivery is lapic_expire_adjust cycles shorter than on 5.12', () => {
    const r13 = busy('vmx-preemption', { kernel: '5.13' }, 8);
    const r12 = busy('vmx-preemption', { kernel: '5.13', 'mech.tune_before_spin': 'off' }, 8);
    const after = C('mitigation_entry', 'vmentry_hw', 'guest_deliver');
    // every delivery here is early (the advance is still converging from 1000 ns)
    for (const w of waits(r13.trace)) expect(delta(w)).toBeLessThan(0);
    expect(Array.from(r13.samples)).toEqual(Array(8).fill(after));
    expect(Array.from(r12.samples)).toEqual(Array(8).fill(after + C('lapic_expire_adjust')));
    expect(Array.from(busy('vmx-preemption', { kernel: '5.12' }, 8).samples)).toEqual(Array.from(r12.samples));
    // the tuning happens in both: the advance path is the same, only its place moves
    expect(r13.summary.hostCyclesByStep.lapic_expire_adjust).toBe(r12.summary.hostCyclesByStep.lapic_expire_adjust);
  });
});

describe('wait_trace_before_spin (5.19): kvm_wait_lapic_expire traced at the spin again', () => {
  const cycleOf = (set: Record<string, unknown>) => deadlineCycles(busy('vmx-preemption', { timerAdvanceNs: -1, ...set }).trace).slice(1, 4);

  it('5.19: kvm_entry, then kvm_wait_lapic_expire after the prologue and the hv-timer update; 5.18 (off): after the next kvm_exit', () => {
    for (const c of cycleOf({ kernel: '5.19' })) {
      expectSteps(c.slice(-5), [
        ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
        ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('hv_handler', 'apic_timer_inject_direct')],
        ['kvm_apicv_accept_irq apicid 0 vec 239 (Fixed|edge)', 0],
        ['kvm_entry vcpu 0 rip 0x401a2e', C('fastpath_reenter')],
        ['kvm_wait_lapic_expire vcpu 0: delta * (early)', C('vcpu_run_prologue', 'hv_arm_per_entry')],
      ]);
    }
    for (const c of cycleOf({ kernel: '5.19', 'mech.wait_trace_before_spin': 'off' })) {
      // 5.8–5.18: kvm_exit is traced in vmx_vcpu_run, the delta right after it in vcpu_enter_guest
      expect(c[0]!.event).toBe('kvm_exit');
      expect(c[1]!.event).toBe('kvm_wait_lapic_expire');
      expect(c[1]!.t).toBe(c[0]!.t);
      expect(c.filter((x) => x.event === 'kvm_wait_lapic_expire').length).toBe(1);
    }
  });
});
