/**
 * vmx_pre_block / vmx_post_block: the VMX preemption timer only counts in VMX non-root
 * operation, so before the vCPU blocks (ahead of halt-polling) KVM moves the deadline to an
 * hrtimer, and after it wakes it tries to move it back. Mirrors arch/x86/kvm/vmx.c (Linux 4.9).
 * Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { kvm_lapic_switch_to_hv_timer, kvm_lapic_switch_to_sw_timer } from './lapic.js';

export function kvm_lapic_hv_timer_in_use(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.hv_timer_in_use;
}

export function vmx_pre_block(sim: Simulation): void {
  if (kvm_lapic_hv_timer_in_use(sim)) kvm_lapic_switch_to_sw_timer(sim);
}

export function vmx_post_block(sim: Simulation): void {
  kvm_lapic_switch_to_hv_timer(sim);
}
