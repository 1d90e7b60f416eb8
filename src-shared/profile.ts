/**
 * Shape of a cost profile: a named table of per-step host costs (TSC cycles) with a jitter model,
 * plus CPU facts (TSC frequency, preemption-timer rate). Profiles are data: the built-in ones are
 * in src-shared/profiles/, users derive their own from one of them (profile-doc.ts).
 * Must not import anything.
 */

/** The TSC frequencies (kHz) a profile, the tsc_khz setting, an import or an estimate may give: 100 MHz to 10 GHz. */
export const MIN_TSC_KHZ = 100_000;
export const MAX_TSC_KHZ = 10_000_000;

/** The largest X: IA32_VMX_MISC[4:0] has five bits. */
export const MAX_PREEMPTION_X = 31;

/** The largest relative standard deviation (`jitter`) a cost may have. */
export const MAX_JITTER = 0.4;

/** One step of host or guest work. `jitter` is the relative standard deviation of its cost, 0 to MAX_JITTER. */
export interface CostSpec {
  cycles: number;
  jitter: number;
  /** What the step is, in kernel terms. */
  meaning: string;
  /** Where the default comes from (measurement, calibration or judgement). */
  basis: string;
}

export interface Profile {
  name: string;
  description: string;
  /** Host TSC frequency in kHz (`tsc_khz`). */
  tsc_khz: number;
  /** IA32_VMX_MISC[4:0]: the preemption timer ticks every 2^X TSC cycles. */
  X: number;
  /** CPU vendor: AMD (SVM) has no preemption timer, so no hv timer (default intel). */
  vendor?: 'intel' | 'amd';
  /** The kernel a run on this host gets unless it names one (default 4.9). */
  defaultKernel?: string;
  /** Whether APICv (Intel) / AVIC (AMD) is on by default (default true). */
  apicv?: boolean;
  costs: Record<string, CostSpec>;
  /** The built-in profile this one derives from (user profiles); costs it does not set come from there. */
  base?: string;
}

/** Names of every cost a profile must define; the engine reads exactly these. */
export const COST_NAMES = [
  // critical path of an expiry
  'vmexit_hw',
  'exit_post',
  'entry_prep',
  'vmentry_hw',
  'hv_handler',
  'ext_intr_handler',
  'host_irq_dispatch',
  'hrtimer_interrupt',
  'apic_timer_fn',
  'clockevent_program',
  'clockevent_bias',
  'host_lapic_irq_hw',
  'pending_inject',
  'guest_deliver',
  'arm_to_entry',
  'halt_poll_wake',
  'post_block_switch_back_pending',
  // arming and blocking
  'wrmsr_dispatch',
  'hrtimer_cancel',
  'hrtimer_cancel_queued',
  'sw_deadline_math',
  'hrtimer_start',
  'hv_set_math',
  'hv_scaling_divq',
  'vmcs_pin_rmw',
  'hv_arm_per_entry',
  'halt_emulate',
  'sched_wakeup',
  'cstate_exit',
  'apic_reg_write',
  // guest side
  'guest_isr_rearm',
  'guest_eoi_iret',
  'guest_loop',
  'guest_irq_entry',
  'guest_hrtimer_interrupt',
  'guest_clockevent_program',
  'guest_wakeup',
  'guest_context_switch',
  'guest_return_to_user',
  'guest_clock_gettime',
  'guest_nanosleep',
  'guest_idle_enter',
  // later kernels, strategies and hosts (appended: the order above is the profile format's)
  'vcpu_run_prologue',
  'mitigation_exit',
  'mitigation_entry',
  'fastpath_reenter',
  'apic_timer_inject_direct',
  'posted_deliver',
  'ipi_latency',
  'posted_intr_recv',
  'apic_eoi_emulate',
  'inject_irq_vmcs',
  'guest_wrmsr_virt',
  'apic_timer_virt_deliver',
  'apic_timer_virt_switch',
  'lapic_expire_adjust',
] as const;
export type CostName = (typeof COST_NAMES)[number];

/**
 * Steps that are mechanisms rather than costs: the preemption-timer countdown, idle time, foreign
 * host work, the wait_lapic_expire spin, the guest's own waiting.
 */
export const WAIT_STEPS = ['hv_countdown', 'idle_poll', 'idle_sleep', 'host_noise', 'wait_lapic_expire_spin', 'guest_wait'] as const;

/** How many leading COST_NAMES form the critical path of an expiry. */
export const CRITICAL_PATH_COSTS = 14;
