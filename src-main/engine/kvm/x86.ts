/**
 * The vCPU thread: VM exits and their handlers (EXTERNAL_INTERRUPT, PREEMPTION_TIMER, MSR_WRITE,
 * HLT), the outer vcpu_run loop (pending-timer injection, vcpu_enter_guest, VM entry), and
 * vcpu_block with halt-polling, sleep and wake-up. Also the host's view of its timer interrupt
 * (host_timer_interrupt) in whichever context it lands. Names follow arch/x86/kvm/x86.c and
 * vmx.c (Linux 4.9). Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { WAIT_FOREIGN, WAIT_GUEST, WAIT_IDLE, EV_HALT_POLL_END, EV_HOST_TASK_DONE } from '../events.js';
import { EXIT_NAMES, S, X_EXT, X_HLT, X_MSR, X_PREEMPT } from '../steps.js';
import { host_ns_to_tsc, host_tsc_to_ns } from '../tsc.js';
import { adjust_halt_poll_ns } from './halt-poll.js';
import { hrtimer_interrupt } from './hrtimer.js';
import {
  apic_timer_fn,
  kvm_inject_apic_timer_irqs,
  kvm_lapic_expired_hv_timer,
  kvm_lapic_write_lvtt,
  kvm_lapic_write_tdcr,
  kvm_lapic_write_tmict,
  kvm_set_lapic_tscdeadline_msr,
  wait_lapic_expire,
} from './lapic.js';
import { vmx_arm_hv_timer } from './vmx.js';

export const MSR_IA32_TSCDEADLINE = 0x6e0;
export const MSR_X2APIC_LVTT = 0x832;
export const MSR_X2APIC_TMICT = 0x838;
export const MSR_X2APIC_TDCR = 0x83e;

/** Where the vCPU thread is. */
export const MODE_IN_GUEST = 0;
export const MODE_IN_KVM = 1;
export const MODE_POLLING = 2;
export const MODE_SLEEPING = 3;
/** The pCPU runs another host task; the vCPU thread waits for it. */
export const MODE_HOST_BUSY = 4;

export const KVM_MP_STATE_RUNNABLE = 0;
export const KVM_MP_STATE_HALTED = 3;

const RESUME_RUN = 0;
const RESUME_BLOCKED = 1;

/** Guest RIPs printed in kvm_exit lines (a kvm-unit-tests-like layout). */
const EXIT_RIP = ['0x401a2e', '0x4019f3', '0x4019c7', '0x401a2e'];

export interface Vcpu {
  mode: number;
  mp_state: number;
  /** Current adaptive halt-poll window (ns). */
  halt_poll_ns: number;
  /** kvm.halt_poll_ns, the window's cap. */
  halt_poll_cap_ns: number;
  exit_start: number;
  exit_reason: number;
  block_start: number;
  poll_gen: number;
  busy_resume: number;
  busy_gen: number;
}

export function createVcpu(halt_poll_cap_ns: number): Vcpu {
  return {
    mode: MODE_IN_KVM,
    mp_state: KVM_MP_STATE_RUNNABLE,
    halt_poll_ns: 0,
    halt_poll_cap_ns,
    exit_start: 0,
    exit_reason: X_MSR,
    block_start: 0,
    poll_gen: 0,
    busy_resume: RESUME_RUN,
    busy_gen: 0,
  };
}

/** The hardware part of a VM exit: leave guest mode, stop the countdown, return to KVM. */
function vmexit(sim: Simulation, x: number): void {
  sim.guest.onExit();
  sim.vmx.countdown_gen++;
  const vcpu = sim.vcpu;
  vcpu.mode = MODE_IN_KVM;
  vcpu.exit_start = sim.now;
  vcpu.exit_reason = x;
  sim.exitCount[x]!++;
  sim.spend(S.vmexit_hw);
  sim.spend(S.exit_post);
}

function trace_kvm_exit(sim: Simulation, x: number): void {
  if (sim.trace) sim.traceEvent('kvm_exit', `reason ${EXIT_NAMES[x]} rip ${EXIT_RIP[x]} info 0 0`);
}

/**
 * The host LAPIC timer interrupt in any context: IDT dispatch, hrtimer_interrupt running
 * apic_timer_fn, reprogramming of the next event.
 */
function host_timer_interrupt(sim: Simulation): void {
  sim.spend(S.host_irq_dispatch);
  hrtimer_interrupt(sim, (expires_ns) => apic_timer_fn(sim, expires_ns));
}

/** With HLT passthrough a halted vCPU sits in C1 in guest mode: waking it costs the C1 exit. */
function wake_from_guest_hlt(sim: Simulation): void {
  if (sim.guest.isHaltedInGuest) sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_GUEST, S.cstate_exit);
}

/** The host clock-event comparator fired at `t` (event from the heap). */
export function on_host_timer_fire(sim: Simulation, t: number): void {
  const vcpu = sim.vcpu;
  switch (vcpu.mode) {
    case MODE_IN_GUEST: {
      sim.waitUntil(t, WAIT_GUEST, S.clockevent_bias);
      wake_from_guest_hlt(sim);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_GUEST, S.host_lapic_irq_hw);
      vmexit(sim, X_EXT);
      host_timer_interrupt(sim); // vmx_handle_external_intr, before handle_exit
      trace_kvm_exit(sim, X_EXT);
      sim.spend(S.ext_intr_handler);
      vcpu_run(sim);
      return;
    }
    case MODE_POLLING: {
      sim.waitUntil(t, WAIT_IDLE, S.clockevent_bias);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_IDLE, S.host_lapic_irq_hw);
      host_timer_interrupt(sim);
      if (kvm_vcpu_check_block(sim)) {
        sim.spend(S.halt_poll_wake);
        kvm_vcpu_block_end(sim);
      }
      return;
    }
    case MODE_SLEEPING: {
      sim.waitUntil(t, WAIT_IDLE, S.clockevent_bias);
      sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_IDLE, S.cstate_exit);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_IDLE, S.host_lapic_irq_hw);
      host_timer_interrupt(sim);
      if (kvm_vcpu_check_block(sim)) {
        sim.spend(S.sched_wakeup); // swake_up → try_to_wake_up → switch to the vCPU thread
        kvm_vcpu_block_end(sim);
      }
      return;
    }
    case MODE_HOST_BUSY: {
      sim.waitUntil(t, WAIT_FOREIGN, S.clockevent_bias);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_FOREIGN, S.host_lapic_irq_hw);
      host_timer_interrupt(sim); // interrupts the other task; the vCPU runs when it is done
      return;
    }
    default:
      throw new Error(`host timer fired in unexpected vCPU mode ${vcpu.mode}`);
  }
}

/** The preemption-timer countdown reached zero (only delivered while in guest mode). */
export function on_preemption_timer_zero(sim: Simulation, t: number): void {
  if (sim.vcpu.mode !== MODE_IN_GUEST) return;
  sim.waitUntil(t, WAIT_GUEST, S.hv_countdown);
  wake_from_guest_hlt(sim); // the preemption timer counts in C1 and wakes the core at zero
  vmexit(sim, X_PREEMPT);
  trace_kvm_exit(sim, X_PREEMPT);
  kvm_lapic_expired_hv_timer(sim); // handle_preemption_timer
  vcpu_run(sim);
}

/** The guest executed WRMSR: an MSR_WRITE exit (the MSR bitmap intercepts these). */
export function guest_wrmsr(sim: Simulation, msr: number, data: number): void {
  vmexit(sim, X_MSR);
  trace_kvm_exit(sim, X_MSR);
  sim.spend(S.wrmsr_dispatch); // handle_wrmsr → kvm_set_msr → kvm_set_msr_common
  if (sim.trace) sim.traceEvent('kvm_msr', `msr_write ${msr.toString(16)} = 0x${data.toString(16)}`);
  switch (msr) {
    case MSR_IA32_TSCDEADLINE:
      kvm_set_lapic_tscdeadline_msr(sim, data);
      break;
    case MSR_X2APIC_LVTT:
      kvm_lapic_write_lvtt(sim, data);
      break;
    case MSR_X2APIC_TMICT:
      kvm_lapic_write_tmict(sim, data);
      break;
    case MSR_X2APIC_TDCR:
      kvm_lapic_write_tdcr(sim, data);
      break;
    default:
      throw new Error(`guest wrote an unmodelled MSR 0x${msr.toString(16)}`);
  }
  vcpu_run(sim);
}

/** The guest executed HLT: exit, kvm_emulate_halt, then vcpu_block in the run loop. */
export function guest_hlt(sim: Simulation): void {
  vmexit(sim, X_HLT);
  trace_kvm_exit(sim, X_HLT);
  sim.spend(S.halt_emulate);
  sim.vcpu.mp_state = KVM_MP_STATE_HALTED;
  vcpu_run(sim);
}

/** kvm_vcpu_check_block / kvm_arch_vcpu_runnable: is there a reason to stop blocking? */
function kvm_vcpu_check_block(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.pending > 0 || sim.lapic.irr !== 0;
}

/**
 * The outer vcpu_run loop from a handled exit to the next VM entry: block if halted, inject a
 * pending timer (KVM_REQ_PENDING_TIMER), enter the guest.
 */
export function vcpu_run(sim: Simulation): void {
  const vcpu = sim.vcpu;
  if (vcpu.mp_state === KVM_MP_STATE_HALTED) {
    if (!vcpu_block(sim)) return; // blocked: resumes from a heap event
  }
  kvm_inject_apic_timer_irqs(sim);
  vcpu_enter_guest(sim);
}

/** Pre-entry work, wait_lapic_expire, vmx_arm_hv_timer, VMRESUME. */
function vcpu_enter_guest(sim: Simulation): void {
  const vcpu = sim.vcpu;
  sim.spend(S.entry_prep);
  if (sim.trace) sim.traceEvent('kvm_entry', 'vcpu 0');
  wait_lapic_expire(sim);
  vmx_arm_hv_timer(sim);
  sim.spend(S.vmentry_hw);
  vcpu.mode = MODE_IN_GUEST;
  sim.exitCycles[vcpu.exit_reason]! += sim.now - vcpu.exit_start;
  sim.guest.onEntry();
}

/** vcpu_block: returns true when the vCPU is runnable again at once (no need to block). */
function vcpu_block(sim: Simulation): boolean {
  if (kvm_vcpu_check_block(sim)) {
    sim.vcpu.mp_state = KVM_MP_STATE_RUNNABLE;
    return true;
  }
  sim.ops.pre_block?.(sim);
  kvm_vcpu_block_start(sim);
  return sim.vcpu.mode === MODE_IN_KVM;
}

/** kvm_vcpu_block: halt-poll for the adaptive window, then sleep on the vCPU's wait queue. */
function kvm_vcpu_block_start(sim: Simulation): void {
  const vcpu = sim.vcpu;
  vcpu.block_start = sim.now;
  if (kvm_vcpu_check_block(sim)) {
    kvm_vcpu_block_end(sim);
    return;
  }
  if (vcpu.halt_poll_ns > 0) {
    vcpu.mode = MODE_POLLING;
    vcpu.poll_gen++;
    sim.schedule(sim.now + host_ns_to_tsc(vcpu.halt_poll_ns, sim.tsc_khz), EV_HALT_POLL_END, vcpu.poll_gen);
  } else {
    vcpu.mode = MODE_SLEEPING;
  }
}

/** The halt-poll window ran out: schedule() away and sleep. */
export function on_halt_poll_end(sim: Simulation, t: number, gen: number): void {
  const vcpu = sim.vcpu;
  if (vcpu.mode !== MODE_POLLING || gen !== vcpu.poll_gen) return;
  sim.waitUntil(t, WAIT_IDLE, S.idle_poll);
  vcpu.mode = MODE_SLEEPING;
}

/** End of kvm_vcpu_block: adapt the poll window, vmx_post_block, back to the run loop. */
function kvm_vcpu_block_end(sim: Simulation): void {
  const vcpu = sim.vcpu;
  const block_ns = host_tsc_to_ns(sim.now, sim.tsc_khz) - host_tsc_to_ns(vcpu.block_start, sim.tsc_khz);
  vcpu.halt_poll_ns = adjust_halt_poll_ns(vcpu.halt_poll_ns, block_ns, vcpu.halt_poll_cap_ns);
  vcpu.poll_gen++;
  vcpu.mode = MODE_IN_KVM;
  sim.ops.post_block?.(sim);
  vcpu.mp_state = KVM_MP_STATE_RUNNABLE;
  vcpu_run(sim);
}

/** An unrelated host interrupt (host noise) taking `work` cycles of handler time. */
export function on_noise_irq(sim: Simulation, t: number, work: number): void {
  const vcpu = sim.vcpu;
  switch (vcpu.mode) {
    case MODE_IN_GUEST:
      sim.waitUntil(t, WAIT_GUEST, S.guest_wait);
      wake_from_guest_hlt(sim);
      vmexit(sim, X_EXT);
      sim.spend(S.host_irq_dispatch);
      sim.waitUntil(sim.now + work, WAIT_FOREIGN, S.host_noise);
      trace_kvm_exit(sim, X_EXT);
      sim.spend(S.ext_intr_handler);
      vcpu_run(sim);
      return;
    case MODE_POLLING:
    case MODE_SLEEPING:
      sim.waitUntil(t, WAIT_IDLE, S.idle_poll);
      if (vcpu.mode === MODE_SLEEPING) sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_IDLE, S.cstate_exit);
      sim.spend(S.host_irq_dispatch);
      sim.waitUntil(sim.now + work, WAIT_FOREIGN, S.host_noise);
      return;
    default:
      return; // during another host task: it only delays that task
  }
}

/** Another host task preempts the vCPU thread for `duration` cycles (host noise). */
export function on_noise_preempt(sim: Simulation, t: number, duration: number): void {
  const vcpu = sim.vcpu;
  switch (vcpu.mode) {
    case MODE_IN_GUEST:
      sim.waitUntil(t, WAIT_GUEST, S.guest_wait);
      wake_from_guest_hlt(sim);
      vmexit(sim, X_EXT); // the reschedule interrupt forces the exit
      sim.spend(S.host_irq_dispatch);
      trace_kvm_exit(sim, X_EXT);
      sim.spend(S.ext_intr_handler);
      vcpu.busy_resume = RESUME_RUN;
      break;
    case MODE_POLLING:
    case MODE_SLEEPING:
      sim.waitUntil(t, WAIT_IDLE, S.idle_poll);
      vcpu.poll_gen++; // polling stops: single_task_running() is false
      vcpu.busy_resume = RESUME_BLOCKED;
      break;
    default:
      return;
  }
  vcpu.mode = MODE_HOST_BUSY;
  vcpu.busy_gen++;
  sim.schedule(sim.now + duration, EV_HOST_TASK_DONE, vcpu.busy_gen);
}

/** The other host task finished; the vCPU thread runs again. */
export function on_host_task_done(sim: Simulation, t: number, gen: number): void {
  const vcpu = sim.vcpu;
  if (vcpu.mode !== MODE_HOST_BUSY || gen !== vcpu.busy_gen) return;
  sim.waitUntil(t, WAIT_FOREIGN, S.host_noise);
  if (vcpu.busy_resume === RESUME_RUN) {
    sim.spend(S.sched_wakeup);
    vcpu.mode = MODE_IN_KVM;
    vcpu_run(sim);
  } else if (kvm_vcpu_check_block(sim)) {
    sim.spend(S.sched_wakeup);
    kvm_vcpu_block_end(sim);
  } else {
    vcpu.mode = MODE_SLEEPING;
  }
}
