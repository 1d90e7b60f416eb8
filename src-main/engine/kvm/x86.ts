/**
 * The vCPU thread: VM exits and their handlers (EXTERNAL_INTERRUPT, PREEMPTION_TIMER, MSR_WRITE,
 * HLT), the fastpaths that re-enter the guest without the outer loop (5.8+), the outer vcpu_run
 * loop (pending-timer injection, vcpu_enter_guest, VM entry), and vcpu_block with halt-polling,
 * sleep and wake-up. Also the host's view of its timer interrupt in whichever context it lands.
 * Names follow arch/x86/kvm/x86.c and vmx.c; what a release does differently is read from
 * `sim.kernel` (src-shared/kernels.ts) where the code branches. Must not import node:*, electron
 * or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { WAIT_FOREIGN, WAIT_GUEST, WAIT_IDLE, EV_HALT_POLL_END, EV_HOST_TASK_DONE } from '../events.js';
import { EXIT_NAMES, S, X_EXT, X_HLT, X_MSR, X_PREEMPT } from '../steps.js';
import { host_ns_to_tsc, host_tsc_to_ns } from '../tsc.js';
import { apic_timer_virt_pre_block, apic_timer_virt_post_block } from './apic-timer-virt.js';
import { adjust_halt_poll_ns } from './halt-poll.js';
import { hrtimer_interrupt } from './hrtimer.js';
import {
  apic_timer_fn,
  kvm_can_use_hv_timer,
  kvm_inject_apic_timer_irqs,
  kvm_lapic_expired_hv_timer,
  kvm_lapic_switch_to_hv_timer,
  kvm_lapic_switch_to_sw_timer,
  kvm_lapic_write_lvtt,
  kvm_lapic_write_tdcr,
  kvm_lapic_write_tmict,
  kvm_set_lapic_tscdeadline_msr,
  trace_kvm_wait_lapic_expire,
  wait_lapic_expire,
} from './lapic.js';
import { vmx_arm_hv_timer, vmx_start_countdown } from './vmx.js';
import {
  KVM_MP_STATE_HALTED,
  KVM_MP_STATE_RUNNABLE,
  MODE_HOST_BUSY,
  MODE_IN_GUEST,
  MODE_IN_KVM,
  MODE_POLLING,
  MODE_SLEEPING,
} from './vcpu-mode.js';

export { KVM_MP_STATE_HALTED, KVM_MP_STATE_RUNNABLE, MODE_HOST_BUSY, MODE_IN_GUEST, MODE_IN_KVM, MODE_POLLING, MODE_SLEEPING };

export const MSR_IA32_TSCDEADLINE = 0x6e0;
export const MSR_X2APIC_EOI = 0x80b;
export const MSR_X2APIC_LVTT = 0x832;
export const MSR_X2APIC_TMICT = 0x838;
export const MSR_X2APIC_TDCR = 0x83e;

const RESUME_RUN = 0;
const RESUME_BLOCKED = 1;

/** Guest RIPs printed in kvm_exit / kvm_entry lines (a kvm-unit-tests-like layout). */
const EXIT_RIP = ['0x401a2e', '0x4019f3', '0x4019c7', '0x401a2e'];
const ENTRY_RIP = ['0x401a2e', '0x4019f4', '0x4019c9', '0x401a2e'];

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
  /** 5.17+: the hv timer was in use when vcpu_block switched to the sw timer. */
  hv_timer_before_block: boolean;
  /** When kvm_exit was traced, for the perf kvm stat view (kvm_exit → kvm_entry); -1 = none open. */
  traced_exit_at: number;
  /** 5.3–5.18: the kvm_wait_lapic_expire delta is traced after the next VM exit (null = none). */
  deferred_wait_delta: number | null;
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
    hv_timer_before_block: false,
    traced_exit_at: -1,
    deferred_wait_delta: null,
  };
}

function trace_kvm_exit(sim: Simulation, x: number): void {
  sim.vcpu.traced_exit_at = sim.now;
  if (sim.trace) sim.traceEvent('kvm_exit', `reason ${EXIT_NAMES[x]} rip ${EXIT_RIP[x]} info 0 0`);
}

function trace_kvm_entry(sim: Simulation): void {
  const vcpu = sim.vcpu;
  if (vcpu.traced_exit_at >= 0) {
    sim.exitTracedCycles[vcpu.exit_reason]! += sim.now - vcpu.traced_exit_at;
    sim.exitTracedCount[vcpu.exit_reason]!++;
    vcpu.traced_exit_at = -1;
  }
  if (sim.trace) sim.traceEvent('kvm_entry', sim.kernel.trace_entry_rip ? `vcpu 0 rip ${ENTRY_RIP[vcpu.exit_reason]}` : 'vcpu 0');
}

/**
 * The hardware part of a VM exit and the tail of vmx_vcpu_run: leave guest mode, stop the
 * countdown, the exit-side mitigations; from 5.8 kvm_exit is traced here, right after the exit.
 */
function vmexit(sim: Simulation, x: number): void {
  sim.guest.onExit();
  sim.vmx.countdown_gen++;
  const vcpu = sim.vcpu;
  vcpu.mode = MODE_IN_KVM;
  vcpu.exit_start = sim.now;
  vcpu.exit_reason = x;
  vcpu.traced_exit_at = -1; // an exit whose entry was never traced (5.8–5.10 fastpath) is not paired
  sim.exitCount[x]!++;
  sim.spend(S.vmexit_hw);
  if (sim.mitigations) sim.spend(S.mitigation_exit);
  if (sim.kernel.fastpath) {
    trace_kvm_exit(sim, x);
    trace_deferred_wait(sim);
  } else if (vcpu.deferred_wait_delta !== null) {
    trace_deferred_wait(sim); // 5.3–5.7: after guest_exit, before vmx_handle_exit traces kvm_exit
  }
}

/** 5.3–5.18 traced the entry's kvm_wait_lapic_expire delta after the VM exit. */
function trace_deferred_wait(sim: Simulation): void {
  const d = sim.vcpu.deferred_wait_delta;
  if (d === null) return;
  sim.vcpu.deferred_wait_delta = null;
  trace_kvm_wait_lapic_expire(sim, d);
}

/** The slow path after an exit: vcpu_enter_guest's post-exit work; ≤5.7 traces kvm_exit in vmx_handle_exit. */
function exit_slowpath(sim: Simulation, x: number): void {
  sim.spend(S.exit_post);
  if (!sim.kernel.fastpath) trace_kvm_exit(sim, x);
}

/** kvm_vcpu_exit_request: a fastpath re-entry falls back to the slow path when work is pending. */
function kvm_vcpu_exit_request(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.pending > 0;
}

/**
 * EXIT_FASTPATH_REENTER_GUEST: straight back into the guest from vmx_vcpu_run (5.8–5.13) or
 * vcpu_enter_guest's loop (5.14+), without the exit handler, IRQ enable or the outer loop; or the
 * slow path when an exit request is pending (EXIT_FASTPATH_EXIT_HANDLED).
 */
function fastpath_reenter_guest(sim: Simulation): void {
  if (kvm_vcpu_exit_request(sim)) {
    sim.spend(S.exit_post);
    vcpu_run(sim);
    return;
  }
  sim.spend(S.fastpath_reenter); // exit-request check, PIR → IRR sync, back to the entry code
  vcpu_enter_guest(sim, true);
}

/**
 * The host LAPIC timer interrupt in any context: IDT dispatch, hrtimer_interrupt running
 * apic_timer_fn, reprogramming of the next event.
 */
function host_timer_interrupt(sim: Simulation): void {
  sim.spend(S.host_irq_dispatch);
  hrtimer_interrupt(sim, sim.host, apic_timer_fn);
}

/** With HLT passthrough a halted vCPU sits in C1 in guest mode: waking it costs the C1 exit. */
function wake_from_guest_hlt(sim: Simulation): void {
  if (sim.guest.isHaltedInGuest) sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_GUEST, S.cstate_exit);
}

function trace_cpu_idle_exit(sim: Simulation): void {
  if (sim.trace) sim.traceEvent('cpu_idle', 'state=4294967295 cpu_id=3');
}

/** The host clock-event comparator of the vCPU's CPU fired at `t` (event from the heap). */
export function on_host_timer_fire(sim: Simulation, t: number): void {
  const vcpu = sim.vcpu;
  switch (vcpu.mode) {
    case MODE_IN_GUEST: {
      sim.waitUntil(t, WAIT_GUEST, S.clockevent_bias);
      wake_from_guest_hlt(sim);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_GUEST, S.host_lapic_irq_hw);
      vmexit(sim, X_EXT);
      sim.spend(S.exit_post);
      host_timer_interrupt(sim); // vmx_handle_external_intr, before handle_exit
      if (!sim.kernel.fastpath) trace_kvm_exit(sim, X_EXT);
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
        kvm_vcpu_block_end(sim, 'poll');
      }
      return;
    }
    case MODE_SLEEPING: {
      sim.waitUntil(t, WAIT_IDLE, S.clockevent_bias);
      trace_cpu_idle_exit(sim);
      sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_IDLE, S.cstate_exit);
      sim.waitUntil(sim.now + sim.cost(S.host_lapic_irq_hw), WAIT_IDLE, S.host_lapic_irq_hw);
      host_timer_interrupt(sim);
      if (kvm_vcpu_check_block(sim)) wake_sleeping_vcpu(sim);
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

/** swake_up → try_to_wake_up → the scheduler switches back to the vCPU thread. */
function wake_sleeping_vcpu(sim: Simulation): void {
  sim.spend(S.sched_wakeup);
  if (sim.trace) sim.traceEvent('sched_switch', 'swapper/3:0 [120] R ==> qemu-system-x86:4242 [120]');
  kvm_vcpu_block_end(sim, 'wait');
}

/**
 * A kick IPI from the CPU where the vCPU's unpinned hrtimer fired (5.3+): a vCPU in guest mode
 * exits, a polling vCPU sees the pending timer, a sleeping one is woken; a vCPU whose thread waits
 * for another host task finds the request when it runs.
 */
export function on_kick(sim: Simulation, t: number): void {
  const vcpu = sim.vcpu;
  if (vcpu.mode === MODE_IN_GUEST) {
    // kvm_vcpu_kick of a vCPU in guest mode: the IPI forces an exit; the pending timer is injected on the way back in
    sim.arriveAt(t);
    wake_from_guest_hlt(sim);
    vmexit(sim, X_EXT);
    sim.spend(S.exit_post);
    sim.spend(S.host_irq_dispatch);
    if (!sim.kernel.fastpath) trace_kvm_exit(sim, X_EXT);
    sim.spend(S.ext_intr_handler);
    vcpu_run(sim);
  } else if (vcpu.mode === MODE_POLLING) {
    sim.idleUntil(t);
    sim.spend(S.halt_poll_wake);
    kvm_vcpu_block_end(sim, 'poll');
  } else if (vcpu.mode === MODE_SLEEPING) {
    sim.idleUntil(t);
    trace_cpu_idle_exit(sim);
    sim.waitUntil(sim.now + sim.cost(S.cstate_exit), WAIT_IDLE, S.cstate_exit);
    sim.spend(S.host_irq_dispatch); // the reschedule IPI
    if (sim.trace) sim.traceEvent('sched_wakeup', 'qemu-system-x86:4242 [120] CPU:003');
    wake_sleeping_vcpu(sim);
  }
}

/** The preemption-timer countdown reached zero (only delivered while in guest mode). */
export function on_preemption_timer_zero(sim: Simulation, t: number): void {
  if (sim.vcpu.mode !== MODE_IN_GUEST) return;
  sim.waitUntil(t, WAIT_GUEST, S.hv_countdown);
  wake_from_guest_hlt(sim); // the preemption timer counts in C1 and wakes the core at zero
  vmexit(sim, X_PREEMPT);
  if (sim.kernel.fastpath) {
    kvm_lapic_expired_hv_timer(sim); // handle_fastpath_preemption_timer, IRQs off
    fastpath_reenter_guest(sim);
    return;
  }
  exit_slowpath(sim, X_PREEMPT);
  kvm_lapic_expired_hv_timer(sim); // handle_preemption_timer
  vcpu_run(sim);
}

/** Whether a WRMSR is handled in the IRQs-off fastpath (5.8+; TSC_DEADLINE on the hrtimer too from 6.18). */
function wrmsr_fastpath(sim: Simulation, msr: number): boolean {
  if (msr !== MSR_IA32_TSCDEADLINE || !sim.kernel.fastpath) return false;
  return sim.kernel.tscdeadline_fastpath_always || kvm_can_use_hv_timer(sim);
}

/** The guest executed WRMSR: an MSR_WRITE exit (the MSR bitmap intercepts these). */
export function guest_wrmsr(sim: Simulation, msr: number, data: number): void {
  vmexit(sim, X_MSR);
  const fast = wrmsr_fastpath(sim, msr);
  if (!fast) exit_slowpath(sim, X_MSR);
  sim.spend(S.wrmsr_dispatch); // handle_wrmsr → kvm_set_msr → kvm_set_msr_common (or the fastpath's switch)
  kvm_set_msr(sim, msr, data);
  // handle_wrmsr traces the write after kvm_set_msr returns: after the kvm_hv_timer_state it caused
  if (sim.trace) sim.traceEvent('kvm_msr', `msr_write ${msr.toString(16)} = 0x${data.toString(16)}`);
  if (fast) fastpath_reenter_guest(sim);
  else vcpu_run(sim);
}

function kvm_set_msr(sim: Simulation, msr: number, data: number): void {
  switch (msr) {
    case MSR_IA32_TSCDEADLINE:
      kvm_set_lapic_tscdeadline_msr(sim, data);
      return;
    case MSR_X2APIC_EOI:
      sim.spend(S.apic_eoi_emulate); // kvm_lapic_reg_write(APIC_EOI) without APICv
      return;
    case MSR_X2APIC_LVTT:
      kvm_lapic_write_lvtt(sim, data);
      return;
    case MSR_X2APIC_TMICT:
      kvm_lapic_write_tmict(sim, data);
      return;
    case MSR_X2APIC_TDCR:
      kvm_lapic_write_tdcr(sim, data);
      return;
    default:
      throw new Error(`guest wrote an unmodelled MSR 0x${msr.toString(16)}`);
  }
}

/**
 * The guest executed HLT: an exit, kvm_emulate_halt, then vcpu_block in the run loop. From 6.12
 * the HLT fastpath re-enters at once when a wake event is already pending.
 */
export function guest_hlt(sim: Simulation): void {
  vmexit(sim, X_HLT);
  if (sim.kernel.hlt_fastpath) {
    sim.spend(S.halt_emulate);
    if (kvm_vcpu_check_block(sim)) {
      fastpath_reenter_guest(sim); // the vCPU stays RUNNABLE: no block, no poll, no switch
      return;
    }
    sim.vcpu.mp_state = KVM_MP_STATE_HALTED;
    exit_slowpath(sim, X_HLT);
    vcpu_run(sim);
    return;
  }
  exit_slowpath(sim, X_HLT);
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
  vcpu_enter_guest(sim, false);
}

/**
 * vcpu_enter_guest → vmx_vcpu_run → VMRESUME. The advance spin (wait_lapic_expire) sits after
 * trace_kvm_entry in vcpu_enter_guest until 5.2, so the rest of the entry path follows it; from
 * 5.3 it sits in vmx_vcpu_run after the hv-timer update, so only the entry mitigations and the
 * world switch follow. A fastpath re-entry (`reentry`) skips vcpu_enter_guest's own work.
 */
function vcpu_enter_guest(sim: Simulation, reentry: boolean): void {
  const vcpu = sim.vcpu;
  const k = sim.kernel;
  if (!reentry) {
    sim.spend(S.entry_prep);
    inject_pending_event(sim);
  }
  // kvm_entry: in vcpu_enter_guest until 5.10 (not seen on a 5.8–5.10 fastpath re-entry), in
  // vmx_vcpu_run after the reenter_guest label from 5.11 (vmx.c vmx_vcpu_run 5.11.0 vs 5.10.7)
  if (!reentry || k.trace_entry_per_reentry) trace_kvm_entry(sim);
  if (!k.wait_before_vmentry) wait_lapic_expire(sim, true);
  sim.spend(S.vcpu_run_prologue);
  vmx_arm_hv_timer(sim);
  if (k.wait_before_vmentry) {
    const delta = wait_lapic_expire(sim, k.wait_trace_before_spin);
    if (delta !== null && !k.wait_trace_before_spin) vcpu.deferred_wait_delta = delta;
  }
  if (sim.mitigations) sim.spend(S.mitigation_entry);
  vmx_start_countdown(sim);
  sim.spend(S.vmentry_hw);
  vcpu.mode = MODE_IN_GUEST;
  sim.exitCycles[vcpu.exit_reason]! += sim.now - vcpu.exit_start;
  sim.guest.onEntry();
}

/**
 * inject_pending_event without APICv: the vector goes into the VM-entry interruption field
 * (kvm_inj_virq); with APICv the CPU delivers it from the virtual IRR, with no KVM work here.
 */
function inject_pending_event(sim: Simulation): void {
  const lapic = sim.lapic;
  if (sim.apicv || lapic.irr === 0 || lapic.injected || !sim.guest.acceptsInterrupt) return;
  sim.spend(S.inject_irq_vmcs);
  lapic.injected = true;
  if (sim.trace) {
    const v = lapic.irr;
    sim.traceEvent('kvm_inj_virq', sim.kernel.trace_inj_virq_vector ? `IRQ 0x${v.toString(16)}` : `irq ${v}`);
  }
}

/** vcpu_block: returns true when the vCPU is runnable again at once (no need to block). */
function vcpu_block(sim: Simulation): boolean {
  if (kvm_vcpu_check_block(sim)) {
    sim.vcpu.mp_state = KVM_MP_STATE_RUNNABLE;
    return true;
  }
  if (sim.kernel.block_switch_common) {
    // 5.17+ (98c25ead5eda): switch only if the hv timer is in use, before halt-polling
    const hv = sim.lapic.lapic_timer.hv_timer_in_use;
    sim.vcpu.hv_timer_before_block = hv;
    if (hv) kvm_lapic_switch_to_sw_timer(sim);
  } else {
    sim.ops.pre_block?.(sim);
  }
  apic_timer_virt_pre_block(sim);
  kvm_vcpu_block_start(sim);
  return sim.vcpu.mode === MODE_IN_KVM;
}

/** kvm_vcpu_block (5.17+: kvm_vcpu_halt): halt-poll for the adaptive window, then sleep. */
function kvm_vcpu_block_start(sim: Simulation): void {
  const vcpu = sim.vcpu;
  vcpu.block_start = sim.now;
  if (kvm_vcpu_check_block(sim)) {
    kvm_vcpu_block_end(sim, 'poll');
    return;
  }
  if (vcpu.halt_poll_ns > 0) {
    vcpu.mode = MODE_POLLING;
    vcpu.poll_gen++;
    sim.schedule(sim.now + host_ns_to_tsc(vcpu.halt_poll_ns, sim.tsc_khz), EV_HALT_POLL_END, vcpu.poll_gen);
  } else {
    go_to_sleep(sim);
  }
}

/** schedule() away from the vCPU thread; the pCPU idles. */
function go_to_sleep(sim: Simulation): void {
  if (sim.trace) sim.traceEvent('sched_switch', 'qemu-system-x86:4242 [120] S ==> swapper/3:0 [120]');
  sim.vcpu.mode = MODE_SLEEPING;
  if (sim.trace) sim.traceEvent('cpu_idle', 'state=1 cpu_id=3');
}

/** The halt-poll window ran out: schedule() away and sleep. */
export function on_halt_poll_end(sim: Simulation, t: number, gen: number): void {
  const vcpu = sim.vcpu;
  if (vcpu.mode !== MODE_POLLING || gen !== vcpu.poll_gen) return;
  sim.waitUntil(t, WAIT_IDLE, S.idle_poll);
  go_to_sleep(sim);
}

/** End of kvm_vcpu_block: adapt the poll window, switch the timer back, back to the run loop. */
function kvm_vcpu_block_end(sim: Simulation, how: 'poll' | 'wait'): void {
  const vcpu = sim.vcpu;
  const block_ns = host_tsc_to_ns(sim.now, sim.tsc_khz) - host_tsc_to_ns(vcpu.block_start, sim.tsc_khz);
  const old = vcpu.halt_poll_ns;
  vcpu.halt_poll_ns = adjust_halt_poll_ns(old, block_ns, vcpu.halt_poll_cap_ns, sim.kernel.halt_poll_shrink_halve);
  vcpu.poll_gen++;
  vcpu.mode = MODE_IN_KVM;
  if (sim.trace) {
    if (vcpu.halt_poll_ns !== old) {
      sim.traceEvent('kvm_halt_poll_ns', `vcpu 0: halt_poll_ns ${vcpu.halt_poll_ns} (${vcpu.halt_poll_ns > old ? 'grow' : 'shrink'} ${old})`);
    }
    sim.traceEvent('kvm_vcpu_wakeup', `${how} time ${block_ns} ns, polling valid`);
  }
  if (sim.kernel.block_switch_common) {
    if (vcpu.hv_timer_before_block) kvm_lapic_switch_to_hv_timer(sim);
  } else {
    sim.ops.post_block?.(sim);
  }
  apic_timer_virt_post_block(sim);
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
      sim.spend(S.exit_post);
      sim.spend(S.host_irq_dispatch);
      sim.waitUntil(sim.now + work, WAIT_FOREIGN, S.host_noise);
      if (!sim.kernel.fastpath) trace_kvm_exit(sim, X_EXT);
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

/**
 * Another host task preempts the vCPU thread for `duration` cycles (host noise). No release
 * switches the timer on a sched-out (kvm_arch_vcpu_put leaves it): an armed hv timer stops
 * counting with the exit and its expiry waits for the next entry, where vmx_arm_hv_timer loads a
 * zero countdown; an hrtimer still fires and leaves the timer pending for when the thread runs.
 */
export function on_noise_preempt(sim: Simulation, t: number, duration: number): void {
  const vcpu = sim.vcpu;
  switch (vcpu.mode) {
    case MODE_IN_GUEST:
      sim.waitUntil(t, WAIT_GUEST, S.guest_wait);
      wake_from_guest_hlt(sim);
      vmexit(sim, X_EXT); // the reschedule interrupt forces the exit
      sim.spend(S.exit_post);
      sim.spend(S.host_irq_dispatch);
      if (!sim.kernel.fastpath) trace_kvm_exit(sim, X_EXT);
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
    kvm_vcpu_block_end(sim, 'wait');
  } else {
    vcpu.mode = MODE_SLEEPING;
  }
}
