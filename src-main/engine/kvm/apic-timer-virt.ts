/**
 * Intel APIC-timer virtualization, as proposed in 2026 (Yamahata / Zhong, "KVM: VMX APIC timer
 * virtualization support" v2; not merged, on no shipping CPU): with LVTT in TSC-deadline mode and
 * unmasked, the guest's WRMSR IA32_TSC_DEADLINE does not exit; the CPU keeps the host-TSC deadline
 * and delivers the timer vector itself when it passes, in guest mode. While the vCPU blocks, KVM
 * reads the deadline back and arms an hrtimer (the sw timer), and re-arms the hardware after the
 * wake-up; one-shot, periodic and masked timers use the ordinary emulation. Must not import
 * node:*, electron or sqlite.
 */
import { EV_APIC_TIMER_VIRT_FIRE, WAIT_GUEST } from '../events.js';
import type { Simulation } from '../simulation.js';
import { S } from '../steps.js';
import { hostTscForGuest } from '../tsc.js';
import { hrtimer_cancel } from './hrtimer.js';
import { apic_accept_timer_irq, apic_lvtt_tscdeadline, start_sw_tscdeadline } from './lapic.js';
import { MODE_IN_GUEST } from './vcpu-mode.js';

export interface ApicTimerVirt {
  /** The hardware deadline is armed (host TSC, -1 when not). */
  deadline_host: number;
  /** Generation of the armed deadline; re-arming or taking it back invalidates older fires. */
  gen: number;
  /** It passed while the vCPU was outside guest mode: the CPU injects at the next entry. */
  expired: boolean;
}

export function createApicTimerVirt(): ApicTimerVirt {
  return { deadline_host: -1, gen: 0, expired: false };
}

/** The CPU handles the guest's TSC_DEADLINE write itself (no VM exit). */
export function apic_timer_virt_handles(sim: Simulation): boolean {
  return sim.ops.apic_timer_virt === true && apic_lvtt_tscdeadline(sim) && !sim.lapic.lapic_timer.masked;
}

function arm(sim: Simulation, guest_deadline: number): void {
  const v = sim.virt;
  v.gen++;
  v.expired = false;
  if (guest_deadline === 0) {
    v.deadline_host = -1;
    return;
  }
  v.deadline_host = hostTscForGuest(sim.tsc, guest_deadline);
  sim.schedule(Math.max(sim.now, v.deadline_host), EV_APIC_TIMER_VIRT_FIRE, v.gen);
}

/** The guest wrote IA32_TSC_DEADLINE and the CPU took it: the deadline is armed in hardware. */
export function apic_timer_virt_wrmsr(sim: Simulation, data: number): void {
  const ktimer = sim.lapic.lapic_timer;
  ktimer.tscdeadline = data; // the VMCS guest-deadline shadow
  ktimer.pending = 0;
  arm(sim, data);
}

/** The hardware deadline passed: in guest mode the CPU delivers the vector, no exit. */
export function on_apic_timer_virt_fire(sim: Simulation, t: number, gen: number): void {
  const v = sim.virt;
  if (gen !== v.gen) return;
  v.deadline_host = -1;
  if (sim.vcpu.mode !== MODE_IN_GUEST) {
    v.expired = true;
    return;
  }
  sim.waitUntil(t, WAIT_GUEST, S.guest_wait);
  if (sim.guest.isHaltedInGuest) sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_GUEST, S.cstate_exit);
  sim.spend(S.apic_timer_virt_deliver);
  deliver(sim, true);
  sim.guest.interruptArrived();
}

/**
 * The timer vector reaches the virtual IRR. When the CPU delivers it (in guest mode, or at the
 * entry after the deadline passed outside it) no KVM code runs, so no kvm_apic_accept_irq is
 * traced; when KVM finds the deadline passed before blocking it accepts the vector itself.
 */
function deliver(sim: Simulation, byCpu: boolean): void {
  if (byCpu) sim.lapic.irr = sim.lapic.lapic_timer.vector;
  else apic_accept_timer_irq(sim);
  sim.lapic.lapic_timer.tscdeadline = 0;
}

/** At VM entry: a deadline that passed outside guest mode is injected by the CPU. */
export function apic_timer_virt_on_entry(sim: Simulation): void {
  if (!sim.virt.expired) return;
  sim.virt.expired = false;
  deliver(sim, true);
}

/** Before blocking: take the deadline back from the VMCS and arm the hrtimer for it. */
export function apic_timer_virt_pre_block(sim: Simulation): void {
  const v = sim.virt;
  if (!sim.ops.apic_timer_virt || (v.deadline_host === -1 && !v.expired)) return;
  sim.spend(S.apic_timer_virt_switch); // VMREAD the guest deadline, clear the hardware timer
  if (v.expired) {
    v.expired = false;
    deliver(sim, false);
    return;
  }
  v.gen++;
  v.deadline_host = -1;
  start_sw_tscdeadline(sim); // the hrtimer for the same deadline (the hv timer would not count while blocked)
}

/** After waking: a deadline still ahead goes back to the hardware. */
export function apic_timer_virt_post_block(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (!apic_timer_virt_handles(sim) || ktimer.tscdeadline === 0 || ktimer.pending > 0) return;
  sim.spend(S.apic_timer_virt_switch);
  hrtimer_cancel(sim, sim.host);
  arm(sim, ktimer.tscdeadline);
}
