/**
 * The VMX preemption timer as KVM drives it: vmx_set_hv_timer (guest deadline → absolute host
 * TSC, with the TSC-scaling divide and the 32-bit range check), vmx_cancel_hv_timer, and
 * vmx_arm_hv_timer, which loads the countdown at every VM entry. The hardware countdown
 * decrements each time TSC bit X changes and exits at zero (Intel SDM "VMX-Preemption Timer").
 * Mirrors arch/x86/kvm/vmx.c (4.9, with the 4.18 advance and the 5.3 soft-disable where the run's
 * kernel has them). Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { EV_PREEMPTION_TIMER_ZERO } from '../events.js';
import { S } from '../steps.js';
import { kvm_read_l1_tsc, nsec_to_cycles, u64_shl_div_u64 } from '../tsc.js';

export const ERANGE = 34;

export interface VcpuVmx {
  /** Absolute host TSC of the armed deadline, -1 when disarmed. */
  hv_deadline_tsc: number;
  /** PIN_BASED_VMX_PREEMPTION_TIMER in the pin-based VM-execution controls. */
  pin_preemption_timer: boolean;
  /** Generation of the loaded countdown; every VM exit invalidates it. */
  countdown_gen: number;
  /** 5.3+: the VMCS holds the maximum value (hv_timer_soft_disabled). */
  soft_disabled: boolean;
  /** The value vmx_arm_hv_timer wrote for the coming VM entry (-1 none). */
  loaded_value: number;
  /**
   * The countdown starts this long after the entry code resumes from vmx_arm_hv_timer: the
   * rdtsc → entry gap (arm_to_entry) less the arming's own cost; work between the two, which later
   * releases put there, delays the start by its length.
   */
  loaded_lead: number;
}

export function createVmx(): VcpuVmx {
  return { hv_deadline_tsc: -1, pin_preemption_timer: false, countdown_gen: 0, soft_disabled: false, loaded_value: -1, loaded_lead: 0 };
}

/**
 * vmx_set_hv_timer's return value, as the ≈4.13–5.1 kernels encode it: 0 armed, 1 armed with a
 * deadline that had already passed (`return delta_tsc == 0`), -ERANGE not armed.
 */
export const HV_TIMER_ARMED = 0;
export const HV_TIMER_EXPIRED = 1;

/** Host cycles of a guest TSC delta, or -1 if the conversion overflows (ERANGE). */
export function guestDeltaToHost(sim: Simulation, delta_tsc: number): number {
  return sim.tsc.scaled ? u64_shl_div_u64(delta_tsc, sim.tsc.tsc_scaling_ratio) : delta_tsc;
}

/** 2^(X+32) for every rate X: the first host delta whose countdown does not fit 32 bits. */
const PREEMPTION_TIMER_RANGE: readonly number[] = Array.from({ length: 32 }, (_, x) => 2 ** (x + 32));

/** True when the countdown value would not fit the 32-bit VMCS field. */
export function exceedsPreemptionTimerRange(delta_host: number, X: number): boolean {
  return delta_host >= (PREEMPTION_TIMER_RANGE[X] as number);
}

export function vmx_set_hv_timer(sim: Simulation, guest_deadline_tsc: number): number {
  const tscl = sim.now; // rdtsc() at the top of vmx_set_hv_timer
  sim.spend(S.hv_set_math);
  const guest_tscl = kvm_read_l1_tsc(sim.tsc, tscl);
  let delta_tsc = Math.max(guest_deadline_tsc, guest_tscl) - guest_tscl;
  if (sim.kernel.hv_advance) {
    // 4.18+ (c5ce8235): the preemption timer fires timer_advance_ns early too (guest cycles)
    const advance = nsec_to_cycles(sim.tsc, sim.advance.timer_advance_ns);
    delta_tsc = delta_tsc > advance ? delta_tsc - advance : 0;
  }
  if (sim.tsc.scaled) {
    sim.spend(S.hv_scaling_divq);
    delta_tsc = guestDeltaToHost(sim, delta_tsc);
    if (delta_tsc < 0) return -ERANGE;
  }
  if (exceedsPreemptionTimerRange(delta_tsc, sim.X)) return -ERANGE;
  sim.vmx.hv_deadline_tsc = tscl + delta_tsc;
  vmcs_set_pin_preemption_timer(sim, true);
  return delta_tsc === 0 ? HV_TIMER_EXPIRED : HV_TIMER_ARMED;
}

export function vmx_cancel_hv_timer(sim: Simulation): void {
  sim.vmx.hv_deadline_tsc = -1;
  vmcs_set_pin_preemption_timer(sim, false);
}

/**
 * The pin-based preemption-timer control: ≤5.2 toggled with a VMREAD+VMWRITE when arming and
 * cancelling; from 5.3 (soft-disable) it stays set and nothing is written here.
 */
function vmcs_set_pin_preemption_timer(sim: Simulation, on: boolean): void {
  if (sim.kernel.hv_soft_disable) return;
  sim.spend(S.vmcs_pin_rmw);
  sim.vmx.pin_preemption_timer = on;
}

/**
 * Countdown value loaded at an entry whose arm-time rdtsc read `t_arm`:
 * (hv_deadline_tsc − t_arm) >> X as u32, or 0 when the deadline has passed. `tick` = 2^X.
 */
export function preemptionTimerValue(hv_deadline_tsc: number, t_arm: number, tick: number): number {
  if (hv_deadline_tsc <= t_arm) return 0;
  const value = Math.floor((hv_deadline_tsc - t_arm) / tick);
  // as u32; vmx_set_hv_timer's range check keeps it below 2^32, so the (slow) float modulo is rare
  return value < 4294967296 ? value : value % 4294967296;
}

/**
 * When a countdown of `value` started at `t_start` reaches zero: it decrements at every change
 * of TSC bit X (multiples of 2^X), so the exit is at the value-th such boundary after the start,
 * or at once for 0.
 */
export function preemptionTimerFireTime(t_start: number, value: number, tick: number): number {
  if (value === 0) return t_start;
  return (Math.floor(t_start / tick) + value) * tick;
}

/**
 * vmx_arm_hv_timer (vmx_update_hv_timer from 4.19), run on every VM entry between entry_prep and
 * the VMRESUME: reads the TSC, writes VMX_PREEMPTION_TIMER_VALUE. The countdown starts at the VM
 * entry (vmx_start_countdown).
 */
export function vmx_arm_hv_timer(sim: Simulation): void {
  const vmx = sim.vmx;
  if (vmx.hv_deadline_tsc === -1) {
    // 5.3+ (vmx_update_hv_timer): a disarmed timer is soft-disabled with one VMWRITE of the maximum
    if (sim.kernel.hv_soft_disable && !vmx.soft_disabled && sim.ops.set_hv_timer) {
      sim.spend(S.hv_arm_per_entry);
      vmx.soft_disabled = true;
    }
    return;
  }
  vmx.soft_disabled = false;
  const t_arm = sim.now;
  sim.spend(S.hv_arm_per_entry);
  vmx.loaded_value = preemptionTimerValue(vmx.hv_deadline_tsc, t_arm, sim.hvTick);
  vmx.loaded_lead = t_arm + sim.cost(S.arm_to_entry) - sim.now;
}

/**
 * VMRESUME with a loaded countdown: it starts counting in guest mode. `arm_to_entry` is the
 * rdtsc → entry gap of the 4.9 path, where nothing runs between vmx_arm_hv_timer and the world
 * switch; what later releases run there — the advance spin from 5.3 (kvm_wait_lapic_expire after
 * vmx_update_hv_timer) and the entry mitigations from 4.15 (SPEC_CTRL, L1D flush / VERW in
 * vmx_vcpu_run and vmx_vcpu_enter_exit, 6.1) — passes before the countdown starts, so the exit
 * comes that much later.
 */
export function vmx_start_countdown(sim: Simulation): void {
  const vmx = sim.vmx;
  if (vmx.loaded_value < 0) return;
  const t_start = sim.now + vmx.loaded_lead;
  vmx.countdown_gen++;
  sim.schedule(preemptionTimerFireTime(t_start, vmx.loaded_value, sim.hvTick), EV_PREEMPTION_TIMER_ZERO, vmx.countdown_gen);
  vmx.loaded_value = -1;
}
