/**
 * HSW-2016: Haswell-EP-class Xeon, Linux ≈4.9, APICv on, no speculative-execution mitigations,
 * lapic_timer_advance_ns = 0, X = 5, halt-polling active. Costs in host TSC cycles.
 *
 * The critical-path split follows kvm-timer-model.md §6.3. `basis` says where each number comes
 * from: "split of B1" (one measured exit round trip divided among its steps), "calibrated"
 * (chosen with others so the hrtimer baseline of T1 is met), "judgement" (an engineering
 * estimate). Strategy *differences* are never calibrated: they follow from which steps run.
 * Pure data; must not import anything but src-shared types.
 */
import type { CostSpec, Profile } from '../profile.js';

function c(cycles: number, jitter: number, meaning: string, basis: string): CostSpec {
  return { cycles, jitter, meaning, basis };
}

export const HSW_2016: Profile = {
  name: 'HSW-2016',
  description:
    'Haswell-EP Xeon, Linux 4.9 KVM, APICv, no mitigations, X = 5, halt-polling on (the seed commit era)',
  tsc_khz: 2_600_000,
  X: 5,
  costs: {
    vmexit_hw: c(350, 0.05, 'VM-exit transition + KVM asm exit stub', 'split of B1 (≈1200 round trip)'),
    exit_post: c(100, 0.08, 'vmx_vcpu_run tail, vcpu_enter_guest post-exit bookkeeping', 'split of B1'),
    // B1's 300 of entry code, split at trace_kvm_entry: the vcpu_enter_guest half carries the
    // whole jitter (2 × 0.08 of 150 = 0.08 of 300), so the 4.9 figures are what they were unsplit
    entry_prep: c(150, 0.16, 'vcpu_enter_guest up to trace_kvm_entry: requests, event injection check, IRQs off', 'split of B1 (half of its 300 entry code)'),
    vmentry_hw: c(350, 0.05, 'VMRESUME including event injection', 'split of B1'),
    hv_handler: c(100, 0.08, 'handle_preemption_timer: cancel (VMCS RMW) + apic_timer_expired', 'split of B1'),
    ext_intr_handler: c(20, 0.1, 'EXTERNAL_INTERRUPT exit handler proper', 'judgement'),
    host_irq_dispatch: c(250, 0.08, 'IDT dispatch, irq_enter/irq_exit, host EOI', 'judgement'),
    hrtimer_interrupt: c(280, 0.08, 'hrtimer core: lock, clock read, dequeue, run callback', 'calibrated (T1)'),
    apic_timer_fn: c(120, 0.08, 'apic_timer_fn + apic_timer_expired (atomic, request, swait check)', 'judgement'),
    clockevent_program: c(250, 0.08, 'compute next host event + host WRMSR TSC_DEADLINE', 'judgement'),
    clockevent_bias: c(100, 0.3, 'host interrupt lateness: ktime_get→rdtsc gap in lapic_next_deadline', 'judgement'),
    host_lapic_irq_hw: c(50, 0.1, 'host comparator match → interrupt recognized', 'judgement'),
    pending_inject: c(730, 0.06, 'KVM_REQ_PENDING_TIMER → LVTT deliver → KVM_REQ_EVENT → injection', 'calibrated (T1/T3/T4)'),
    guest_deliver: c(300, 0.08, 'guest IDT vectoring + ISR stub up to rdtsc', 'judgement'),
    arm_to_entry: c(200, 0.1, 'rdtsc in vmx_arm_hv_timer → VM entry (countdown start)', 'judgement'),
    halt_poll_wake: c(470, 0.08, 'poll loop sees the pending timer, leaves kvm_vcpu_block', 'calibrated (T1)'),
    post_block_switch_back_pending: c(20, 0.1, 'kvm_lapic_switch_to_hv_timer when the timer already fired', 'T1 (~20 cycles loss)'),
    wrmsr_dispatch: c(100, 0.08, 'handle_wrmsr → kvm_set_msr → LAPIC', 'judgement'),
    hrtimer_cancel: c(80, 0.08, 'hrtimer_cancel of an idle timer', 'judgement'),
    hrtimer_cancel_queued: c(150, 0.08, 'hrtimer_cancel of a queued timer', 'judgement'),
    sw_deadline_math: c(120, 0.08, 'ktime_get + kvm_read_l1_tsc + 64-bit divide', 'judgement'),
    hrtimer_start: c(200, 0.08, 'hrtimer enqueue (clock-event reprogram counted separately)', 'judgement'),
    hv_set_math: c(60, 0.08, 'vmx_set_hv_timer: rdtsc, kvm_read_l1_tsc, max/sub, range check', 'judgement'),
    hv_scaling_divq: c(40, 0.05, 'u64_shl_div_u64 when the guest TSC is scaled', 'judgement'),
    vmcs_pin_rmw: c(60, 0.05, 'vmcs_set_bits/clear_bits on the pin-based controls', 'judgement'),
    hv_arm_per_entry: c(40, 0.1, 'vmx_arm_hv_timer on every VM entry while armed', 'judgement'),
    halt_emulate: c(60, 0.1, 'kvm_emulate_halt: skip HLT, mp_state = HALTED', 'judgement'),
    sched_wakeup: c(7500, 0.2, 'try_to_wake_up + context switch back to the vCPU thread', 'B6 ("a few µs")'),
    cstate_exit: c(2200, 0.25, 'pCPU idle exit (C1) after the vCPU thread slept', 'platform table'),
    apic_reg_write: c(150, 0.08, 'x2APIC register write emulation (LVTT/TMICT/TDCR)', 'judgement'),
    guest_isr_rearm: c(60, 0.1, 'ISR after rdtsc: compute next deadline, prepare WRMSR', 'judgement'),
    guest_eoi_iret: c(120, 0.1, 'virtualized EOI (APICv, no exit) + iret', 'judgement'),
    guest_loop: c(40, 0.1, 'benchmark loop bookkeeping between iterations', 'judgement'),
    guest_irq_entry: c(250, 0.1, 'guest kernel hard-IRQ entry for the local timer vector', 'judgement'),
    guest_hrtimer_interrupt: c(600, 0.1, 'guest hrtimer_interrupt: dequeue, run hrtimer_wakeup', 'judgement'),
    guest_clockevent_program: c(150, 0.1, 'guest tick_program_event before its WRMSR TSC_DEADLINE', 'judgement'),
    guest_wakeup: c(900, 0.1, 'guest try_to_wake_up of the cyclictest thread', 'judgement'),
    guest_context_switch: c(1400, 0.1, 'guest schedule(): idle → cyclictest thread', 'judgement'),
    guest_return_to_user: c(300, 0.1, 'return from clock_nanosleep to user space', 'judgement'),
    guest_clock_gettime: c(100, 0.1, 'vDSO clock_gettime after waking', 'judgement'),
    guest_nanosleep: c(900, 0.1, 'clock_nanosleep syscall: hrtimer_start in the guest, before its WRMSR', 'judgement'),
    guest_idle_enter: c(200, 0.1, 'guest switches to the idle task and reaches HLT or its poll loop', 'judgement'),
    vcpu_run_prologue: c(150, 0, 'guest_enter, vmx_vcpu_run up to the hv-timer update (no jitter of its own: see entry_prep)', 'split of B1 (the other half of its 300 entry code)'),
    mitigation_exit: c(100, 0.1, 'after VM exit: RSB fill, SPEC_CTRL save (kernels from 4.15)', 'judgement'),
    mitigation_entry: c(510, 0.1, 'before VM entry: SPEC_CTRL restore, L1D flush (cond), VERW (kernels from 4.15)', 'derived: B3 "700+" from the end of the spin to the world switch − vcpu_run_prologue 150 − hv_arm_per_entry 40'),
    fastpath_reenter: c(100, 0.1, 'EXIT_FASTPATH_REENTER_GUEST: exit-request check, PIR sync, back to the entry code (5.8+)', 'judgement'),
    apic_timer_inject_direct: c(200, 0.1, 'kvm_apic_inject_pending_timer_irqs from the exit handler (5.8+, APICv)', 'judgement'),
    posted_deliver: c(200, 0.1, 'housekeeping CPU: __apic_accept_irq into the PIR and the notification IPI send', 'judgement'),
    ipi_latency: c(1500, 0.15, 'cross-CPU IPI flight: kick or posted-interrupt notification', 'kvm-timer-model.md cost table (estimate)'),
    posted_intr_recv: c(100, 0.1, 'notification vector in guest mode: PIR → vIRR, virtual-interrupt delivery starts', 'judgement'),
    apic_eoi_emulate: c(100, 0.1, 'kvm_lapic_reg_write(APIC_EOI) without APICv: clear ISR, next highest vector', 'judgement'),
    inject_irq_vmcs: c(100, 0.1, 'inject_pending_event without APICv: the vector into the VM-entry interruption field', 'judgement'),
    guest_wrmsr_virt: c(40, 0.1, 'WRMSR IA32_TSC_DEADLINE handled by the CPU (APIC-timer virtualization, proposed)', 'judgement'),
    apic_timer_virt_deliver: c(100, 0.1, 'the CPU delivers the virtualized timer vector in guest mode (proposed)', 'judgement'),
    apic_timer_virt_switch: c(150, 0.1, 'VMREAD/VMWRITE of the virtual timer deadline around blocking (proposed)', 'judgement'),
    lapic_expire_adjust: c(30, 0.1, 'adjust_lapic_timer_advance after a spin', 'judgement'),
  },
};
