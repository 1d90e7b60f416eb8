/**
 * Timer strategies as ops tables, like kvm_x86_ops: `hrtimer` has no set_hv_timer (pre-patch
 * kernels, AMD, or kvm_intel.preemption_timer=0), so every deadline goes to a host hrtimer;
 * `vmx-preemption` provides vmx_set_hv_timer / vmx_cancel_hv_timer and the pre/post-block hooks
 * that move the deadline to an hrtimer while the vCPU is blocked. The rest of the code is shared,
 * so the comparison is fair. One entry per strategy of src-shared/strategies.ts: a strategy
 * without ops does not compile. Must not import node:*, electron or sqlite.
 */
import type { Strategy } from '../../src-shared/strategies.js';
import type { Simulation } from './simulation.js';
import { vmx_post_block, vmx_pre_block } from './kvm/block-hooks.js';
import { vmx_cancel_hv_timer, vmx_set_hv_timer, type SetHvTimerResult } from './kvm/vmx.js';

export interface KvmX86Ops {
  name: Strategy;
  set_hv_timer?: (sim: Simulation, guest_deadline_tsc: number) => SetHvTimerResult;
  cancel_hv_timer?: (sim: Simulation) => void;
  pre_block?: (sim: Simulation) => void;
  post_block?: (sim: Simulation) => void;
}

export const STRATEGY_OPS: Readonly<Record<Strategy, KvmX86Ops>> = {
  hrtimer: { name: 'hrtimer' },
  'vmx-preemption': {
    name: 'vmx-preemption',
    set_hv_timer: vmx_set_hv_timer,
    cancel_hv_timer: vmx_cancel_hv_timer,
    pre_block: vmx_pre_block,
    post_block: vmx_post_block,
  },
};
