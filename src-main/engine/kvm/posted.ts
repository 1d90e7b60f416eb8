/**
 * Posted timer interrupts (pi_inject_timer, 5.3+): the vCPU's LAPIC hrtimer is unpinned and lives
 * on a housekeeping CPU. At expiry apic_timer_fn runs there; if the vCPU is in guest mode
 * (kvm_use_posted_timer_interrupt) the interrupt is accepted into the PIR and a notification IPI
 * delivers it without a VM exit, otherwise it becomes pending and the vCPU is kicked. The
 * housekeeping CPU has its own clock-event comparator and its own time: its work runs from the
 * moment its comparator fires and is counted as housekeeping cost, while the vCPU's clock goes on.
 * Mirrors arch/x86/kvm/lapic.c (5.3 on). Must not import node:*, electron or sqlite.
 */
import { WAIT_GUEST } from '../events.js';
import type { Simulation } from '../simulation.js';
import { S } from '../steps.js';
import { hrtimer_interrupt } from './hrtimer.js';
import { apic_timer_fn } from './lapic.js';
import { MODE_IN_GUEST } from './vcpu-mode.js';

/** The housekeeping CPU's number in traces. */
export const HOUSEKEEPING_CPU = 0;

/**
 * The housekeeping CPU's comparator fired at `t`: its host timer interrupt runs apic_timer_fn for
 * the vCPU's timer, on the housekeeping CPU's own time.
 */
export function on_housekeeping_timer_fire(sim: Simulation, t: number): void {
  sim.onHousekeeping(t, () => {
    sim.accountLateness(S.clockevent_bias, t);
    sim.spendWait(S.host_lapic_irq_hw);
    sim.spend(S.host_irq_dispatch);
    hrtimer_interrupt(sim, sim.hk, apic_timer_fn);
  });
}

/** The notification reached the vCPU's CPU: in guest mode the CPU delivers the vector, no exit. */
export function on_posted_notify(sim: Simulation, t: number): void {
  sim.arriveAt(t);
  if (sim.vcpu.mode !== MODE_IN_GUEST) return; // the PIR is synced into vIRR at the next entry
  if (sim.guest.isHaltedInGuest) sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_GUEST, S.cstate_exit);
  sim.spend(S.posted_intr_recv);
  sim.guest.interruptArrived();
}
