/**
 * Timer strategies as ops tables, like kvm_x86_ops: `hrtimer` has no set_hv_timer (pre-patch
 * kernels, AMD, or kvm_intel.preemption_timer=0), so every deadline goes to a host hrtimer;
 * `vmx-preemption` provides vmx_set_hv_timer / vmx_cancel_hv_timer and the pre/post-block hooks
 * that move the deadline to an hrtimer while the vCPU is blocked; `posted-timer` is the VMX host
 * with kvm.pi_inject_timer=1; `apic-timer-virt` the VMX host with the CPU's APIC-timer
 * virtualization. The rest of the code is shared, so the comparison is fair. One entry per
 * strategy of src-shared/strategies.ts: a strategy without ops does not compile.
 * Must not import node:*, electron or sqlite.
 */
import type { Strategy } from '../../src-shared/strategies.js';
import type { Simulation } from './simulation.js';
import { vmx_post_block, vmx_pre_block } from './kvm/block-hooks.js';
import { vmx_cancel_hv_timer, vmx_set_hv_timer } from './kvm/vmx.js';

export interface KvmX86Ops {
  name: Strategy;
  /** 0 armed, 1 armed but already expired, -ERANGE not armed (vmx_set_hv_timer). */
  set_hv_timer?: (sim: Simulation, guest_deadline_tsc: number) => number;
  cancel_hv_timer?: (sim: Simulation) => void;
  pre_block?: (sim: Simulation) => void;
  post_block?: (sim: Simulation) => void;
  /** kvm.pi_inject_timer=1: the LAPIC hrtimer is unpinned and may post its interrupt (5.3+). */
  pi_inject_timer?: boolean;
  /** The CPU virtualizes the APIC timer in TSC-deadline mode (proposed VMX feature). */
  apic_timer_virt?: boolean;
}

const VMX_HV_TIMER = {
  set_hv_timer: vmx_set_hv_timer,
  cancel_hv_timer: vmx_cancel_hv_timer,
  pre_block: vmx_pre_block,
  post_block: vmx_post_block,
} as const;

export const STRATEGY_OPS: Readonly<Record<Strategy, KvmX86Ops>> = {
  hrtimer: { name: 'hrtimer' },
  'vmx-preemption': { name: 'vmx-preemption', ...VMX_HV_TIMER },
  'posted-timer': { name: 'posted-timer', ...VMX_HV_TIMER, pi_inject_timer: true },
  'apic-timer-virt': { name: 'apic-timer-virt', ...VMX_HV_TIMER, apic_timer_virt: true },
};

/**
 * The ops a host gets for a strategy, as hardware_setup leaves them: SVM never provides the hv
 * timer hooks (svm_x86_ops has no set_hv_timer), so on AMD a posted-timer host that cannot post
 * falls back to the hrtimer.
 */
export function hardware_setup(strategy: Strategy, vendor: 'intel' | 'amd'): KvmX86Ops {
  const ops = STRATEGY_OPS[strategy];
  if (vendor === 'intel') return ops;
  return { name: ops.name, pi_inject_timer: ops.pi_inject_timer, apic_timer_virt: ops.apic_timer_virt };
}
