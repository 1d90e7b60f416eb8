/**
 * The in-kernel local APIC timer: LVTT modes (one-shot, periodic, TSC-deadline), masking, TMICT /
 * TDCR, the IA32_TSC_DEADLINE MSR, and KVM's two ways of emulating the deadline — the software
 * hrtimer (start_sw_tscdeadline) and the hypervisor timer (start_hv_timer) — with the switches
 * around vCPU blocking, each as the run's kernel release has them (`sim.kernel`, see
 * src-shared/kernels.ts). Function and field names are the kernel's; where a release renamed a
 * function (start_hv_tscdeadline → start_hv_timer in 4.10), the later name is used and the
 * comment says which release behaves how. Writing a 0 deadline always disarms (the 4.15 guard,
 * applied to every release: no workload writes 0). Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { S } from '../steps.js';
import { guest_cycles_to_ns, kvm_read_l1_tsc, ndelay_cycles, nsec_to_cycles } from '../tsc.js';
import { adjust_lapic_timer_advance } from './advance.js';
import { hrtimer_cancel, hrtimer_start, ktime_get } from './hrtimer.js';
import { EV_KICK, EV_POSTED_NOTIFY } from '../events.js';
import { MODE_IN_GUEST, MODE_SLEEPING } from './vcpu-mode.js';
import { HV_TIMER_EXPIRED } from './vmx.js';

export const APIC_LVT_TIMER_ONESHOT = 0;
export const APIC_LVT_TIMER_PERIODIC = 1;
export const APIC_LVT_TIMER_TSCDEADLINE = 2;
/** APIC_BUS_CYCLE_NS in 4.9. */
export const APIC_BUS_CYCLE_NS = 1;
/** kvm.min_timer_period_us default. */
export const MIN_TIMER_PERIOD_US = 500;

export interface KvmTimer {
  timer_mode: number;
  masked: boolean;
  vector: number;
  tmict: number;
  divide_count: number;
  /** One-shot/periodic period in ns. */
  period: number;
  tscdeadline: number;
  expired_tscdeadline: number;
  pending: number;
  hv_timer_in_use: boolean;
}

export interface KvmLapic {
  lapic_timer: KvmTimer;
  /** Vector set in IRR (0 = none): with APICv the CPU delivers it when the guest has IF=1. */
  irr: number;
  /** Without APICv: the vector was written to the VM-entry interruption field (not yet delivered). */
  injected: boolean;
}

export function createLapic(): KvmLapic {
  return {
    lapic_timer: {
      timer_mode: APIC_LVT_TIMER_ONESHOT,
      masked: true,
      vector: 0,
      tmict: 0,
      divide_count: 2,
      period: 0,
      tscdeadline: 0,
      expired_tscdeadline: 0,
      pending: 0,
      hv_timer_in_use: false,
    },
    irr: 0,
    injected: false,
  };
}

export function apic_lvtt_tscdeadline(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.timer_mode === APIC_LVT_TIMER_TSCDEADLINE;
}
function apic_lvtt_period(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.timer_mode === APIC_LVT_TIMER_PERIODIC;
}

function trace_kvm_hv_timer_state(sim: Simulation): void {
  if (!sim.trace) return;
  // 4.9–5.2: TP_printk ended in "\n", which left an empty line after the event in reports
  const nl = sim.kernel.hv_state_no_newline ? '' : '\n';
  sim.traceEvent('kvm_hv_timer_state', `vcpu_id 0 hv_timer ${sim.lapic.lapic_timer.hv_timer_in_use ? 1 : 0}${nl}`);
}

/** __apic_accept_irq for the timer vector: into IRR (PIR with APICv), traced as the release does. */
export function apic_accept_timer_irq(sim: Simulation): void {
  const vector = sim.lapic.lapic_timer.vector;
  sim.lapic.irr = vector;
  if (!sim.trace) return;
  sim.traceEvent('kvm_apic_accept_irq', `apicid 0 vec ${vector} (Fixed|edge)`);
  if (sim.apicv && sim.kernel.trace_apicv_accept_irq) sim.traceEvent('kvm_apicv_accept_irq', `apicid 0 vec ${vector} (Fixed|edge)`);
}

/**
 * apic_timer_expired: the timer fired (hrtimer callback, preemption-timer exit, or an already
 * passed deadline). From 5.8 (fastpath) with APICv, an expiry outside the hrtimer callback
 * injects at once; an expiry the vCPU can take posted is posted (5.3+); otherwise the interrupt
 * becomes pending and the vCPU loop injects it at the next entry (KVM_REQ_PENDING_TIMER).
 */
export function apic_timer_expired(sim: Simulation, from_timer_fn: boolean): void {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.pending > 0) return;
  // 5.2+ (ee66e453db13): a one-shot/periodic hv timer records it too, so wait_lapic_expire spins
  if (apic_lvtt_tscdeadline(sim) || (sim.kernel.expired_trace_zero && ktimer.hv_timer_in_use)) {
    ktimer.expired_tscdeadline = ktimer.tscdeadline;
  }
  if (!from_timer_fn && sim.kernel.fastpath && sim.apicv) {
    sim.spend(S.apic_timer_inject_direct); // kvm_apic_inject_pending_timer_irqs from the exit handler
    kvm_apic_deliver_timer(sim);
    return;
  }
  if (from_timer_fn && kvm_use_posted_timer_interrupt(sim)) {
    posted_timer_expired(sim);
    return;
  }
  ktimer.pending++;
  if (sim.onHk) kick_vcpu(sim); // from 5.3 kvm_set_pending_timer kicks the vCPU (it may be on another CPU)
  else if (sim.trace && sim.vcpu.mode === MODE_SLEEPING) {
    // swake_up / rcuwait_wake_up of the blocked vCPU thread, from the timer interrupt
    sim.traceEvent('sched_wakeup', 'qemu-system-x86:4242 [120] CPU:003');
  }
}

/**
 * kvm_apic_local_deliver(LVTT) and what follows it: the deadline of a TSC-deadline timer, and
 * from 4.10 the equivalent deadline of a one-shot timer, reads 0 afterwards (kvm_inject_apic_timer_irqs
 * 4.10–5.3, kvm_apic_inject_pending_timer_irqs 5.4+: `if (apic_lvtt_oneshot(apic)) tscdeadline = 0`),
 * so a later restart_apic_timer does not re-arm a one-shot timer that already fired.
 */
export function kvm_apic_deliver_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (!ktimer.masked) apic_accept_timer_irq(sim);
  if (apic_lvtt_tscdeadline(sim)) ktimer.tscdeadline = 0;
  else if (ktimer.timer_mode === APIC_LVT_TIMER_ONESHOT && sim.kernel.hv_oneshot_periodic) ktimer.tscdeadline = 0;
}

/**
 * apic_timer_fn, the hrtimer callback (host IRQ context). Returns the next expiry for a periodic
 * timer (HRTIMER_RESTART) or -1.
 */
export function apic_timer_fn(sim: Simulation, expired_at_ns: number): number {
  sim.spend(S.apic_timer_fn);
  apic_timer_expired(sim, true);
  const ktimer = sim.lapic.lapic_timer;
  if (apic_lvtt_period(sim) && ktimer.period > 0) return expired_at_ns + ktimer.period;
  return -1;
}

/** The CPU whose hrtimer holds the vCPU's LAPIC timer: a housekeeping CPU once it is unpinned. */
function lapic_hrtimer_cpu(sim: Simulation) {
  return sim.pi_inject_timer ? sim.hk : sim.host;
}

/** start_sw_tscdeadline: convert the guest deadline to an absolute host hrtimer expiry. */
export function start_sw_tscdeadline(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  const tscdeadline = ktimer.tscdeadline;
  if (tscdeadline === 0 || sim.tsc.virtual_tsc_khz === 0) return;
  const now = ktime_get(sim);
  const guest_tsc = kvm_read_l1_tsc(sim.tsc, sim.now);
  sim.spend(S.sw_deadline_math);
  const advance = sim.advance.timer_advance_ns;
  const ns = tscdeadline > guest_tsc ? guest_cycles_to_ns(sim.tsc, tscdeadline - guest_tsc) : 0;
  // 5.1+: a deadline within the advance window expires at once
  const within_advance = sim.kernel.advance_per_vcpu && ns <= advance;
  if (tscdeadline > guest_tsc && !within_advance) {
    hrtimer_start(sim, lapic_hrtimer_cpu(sim), now + ns - advance);
  } else {
    apic_timer_expired(sim, false);
  }
}

/** One-shot / periodic on the hrtimer (start_sw_period; 4.9 start_apic_timer). */
function start_sw_period(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  sim.spend(S.sw_deadline_math);
  hrtimer_start(sim, lapic_hrtimer_cpu(sim), ktime_get(sim) + ktimer.period);
}

/** cancel_hv_timer (4.9: cancel_hv_tscdeadline). */
export function cancel_hv_timer(sim: Simulation): void {
  sim.ops.cancel_hv_timer?.(sim);
  sim.lapic.lapic_timer.hv_timer_in_use = false;
}

/**
 * kvm_can_use_hv_timer: the hypervisor timer may track the deadline — the vendor provides it
 * (VMX with kvm_intel.preemption_timer, never SVM) and KVM is not posting timer interrupts
 * (5.3+; from 5.8 this helper, before that the same refusal inside vmx_set_hv_timer).
 */
export function kvm_can_use_hv_timer(sim: Simulation): boolean {
  return sim.ops.set_hv_timer !== undefined && !sim.can_post_timer_interrupt;
}

/**
 * start_hv_timer (4.9: start_hv_tscdeadline): try the hypervisor timer; false means the caller
 * uses the hrtimer. The handling of a pending or already expired timer, and the tracepoint, are
 * the release's: 4.9–4.12 arm an expired deadline as a zero-length countdown and always trace;
 * 4.13–5.1 inject it at once, return false and trace only a live arm; 5.2+ inject it, keep the
 * hv timer "in use" false and always trace.
 */
export function start_hv_timer(sim: Simulation): boolean {
  const ktimer = sim.lapic.lapic_timer;
  const k = sim.kernel;
  if (!kvm_can_use_hv_timer(sim)) return false;
  if (ktimer.tscdeadline === 0) {
    // the 4.15 guard; before 4.13 the caller then goes straight to the hrtimer, so the hv timer
    // is dropped here, as a refused arm would drop it (4.13+: start_sw_timer does it)
    if (!k.expired_inject) {
      if (ktimer.hv_timer_in_use) cancel_hv_timer(sim);
      trace_kvm_hv_timer_state(sim);
    }
    return false;
  }
  const periodic = apic_lvtt_period(sim);
  if (!k.expired_trace_zero && k.expired_inject && !periodic && ktimer.pending > 0) return false;
  // 4.9–4.12: a pending timer blocks arming; 4.10–4.12 only outside periodic mode (start_hv_timer 4.10.0)
  const failed49 = !k.expired_inject && !periodic && ktimer.pending > 0;
  const r = failed49 ? -1 : sim.ops.set_hv_timer!(sim, ktimer.tscdeadline);
  if (r < 0) {
    if (ktimer.hv_timer_in_use) cancel_hv_timer(sim);
    // 4.9–4.12 trace at the end of start_hv_timer whatever happened; from 4.13 a refused arm returns
    // false untraced and start_sw_timer traces hv_timer 0 (lapic.c start_hv_timer 4.13.4, 5.2.1:
    // `if (kvm_x86_ops->set_hv_timer(...)) return false;`), so one kvm_hv_timer_state per arm
    if (!k.expired_inject) trace_kvm_hv_timer_state(sim);
    return false;
  }
  const expired = r === HV_TIMER_EXPIRED;
  ktimer.hv_timer_in_use = true;
  hrtimer_cancel(sim, lapic_hrtimer_cpu(sim));
  if (!k.expired_inject) {
    // 4.9–4.12: in case the sw timer triggered in the window (not for a periodic timer, 4.10+); an
    // expired deadline counts down from 0
    if (ktimer.pending > 0 && !periodic) cancel_hv_timer(sim);
    trace_kvm_hv_timer_state(sim);
    return ktimer.hv_timer_in_use;
  }
  if (!periodic) {
    if (ktimer.pending > 0) {
      cancel_hv_timer(sim);
    } else if (expired) {
      apic_timer_expired(sim, false);
      cancel_hv_timer(sim);
    }
  }
  if (!k.expired_trace_zero) {
    // 4.13–5.1: an expired or raced deadline returns false without a trace (start_sw_timer
    // then sees pending and does nothing)
    if (!ktimer.hv_timer_in_use) return false;
    trace_kvm_hv_timer_state(sim);
    return true;
  }
  trace_kvm_hv_timer_state(sim);
  return true;
}

/** start_sw_timer (4.13+): cancel the hv timer, arm the hrtimer, trace hv_timer 0. */
export function start_sw_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.hv_timer_in_use) cancel_hv_timer(sim);
  if (!apic_lvtt_period(sim) && ktimer.pending > 0) return;
  if (apic_lvtt_tscdeadline(sim)) start_sw_tscdeadline(sim);
  else start_sw_period(sim);
  trace_kvm_hv_timer_state(sim);
}

/**
 * restart_apic_timer: the one place that chooses between the hypervisor and the software timer —
 * start the hv timer, else the hrtimer. 4.13+ code; 4.9–4.12 make the same choice inline in
 * start_apic_timer, without start_sw_timer's trace. 5.2+ does nothing while a timer is pending.
 */
export function restart_apic_timer(sim: Simulation): void {
  const k = sim.kernel;
  if (k.expired_trace_zero && !apic_lvtt_period(sim) && sim.lapic.lapic_timer.pending > 0) return;
  if (start_hv_timer(sim)) return;
  if (k.expired_inject) start_sw_timer(sim);
  else if (apic_lvtt_tscdeadline(sim)) start_sw_tscdeadline(sim);
  else start_sw_period(sim);
}

/** start_apic_timer: re-arm according to the LVTT mode. */
export function start_apic_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  ktimer.pending = 0;
  if (ktimer.timer_mode !== APIC_LVT_TIMER_TSCDEADLINE) {
    ktimer.period = ktimer.tmict * APIC_BUS_CYCLE_NS * ktimer.divide_count;
    if (ktimer.period === 0) return;
    if (apic_lvtt_period(sim) && ktimer.period < MIN_TIMER_PERIOD_US * 1000) ktimer.period = MIN_TIMER_PERIOD_US * 1000;
    if (!sim.kernel.hv_oneshot_periodic) {
      start_sw_period(sim); // 4.9: one-shot and periodic timers are hrtimers only
      return;
    }
    // set_target_expiration: the equivalent guest deadline of the period
    ktimer.tscdeadline = kvm_read_l1_tsc(sim.tsc, sim.now) + nsec_to_cycles(sim.tsc, ktimer.period);
  }
  restart_apic_timer(sim);
}

/** kvm_set_lapic_tscdeadline_msr: the guest wrote IA32_TSC_DEADLINE. */
export function kvm_set_lapic_tscdeadline_msr(sim: Simulation, data: number): void {
  if (!apic_lvtt_tscdeadline(sim)) return; // ignored unless LVTT is in TSC-deadline mode
  hrtimer_cancel(sim, lapic_hrtimer_cpu(sim));
  sim.lapic.lapic_timer.tscdeadline = data;
  start_apic_timer(sim);
}

/** Write of LVTT (x2APIC MSR 0x832): mode bits 18:17, mask bit 16, vector 7:0. */
export function kvm_lapic_write_lvtt(sim: Simulation, value: number): void {
  sim.spend(S.apic_reg_write);
  const ktimer = sim.lapic.lapic_timer;
  const mode = (value >>> 17) & 3;
  if (mode !== ktimer.timer_mode) {
    // apic_update_lvtt: a mode change cancels the running timer and clears the deadline
    hrtimer_cancel(sim, lapic_hrtimer_cpu(sim));
    if (ktimer.hv_timer_in_use) cancel_hv_timer(sim);
    ktimer.tscdeadline = 0;
    ktimer.tmict = 0;
  }
  ktimer.timer_mode = mode;
  ktimer.masked = ((value >>> 16) & 1) === 1;
  ktimer.vector = value & 0xff;
}

/** Write of TMICT (x2APIC MSR 0x838): starts a one-shot/periodic count (0 stops it). */
export function kvm_lapic_write_tmict(sim: Simulation, value: number): void {
  sim.spend(S.apic_reg_write);
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.timer_mode === APIC_LVT_TIMER_TSCDEADLINE) return; // TMICT is ignored in deadline mode
  hrtimer_cancel(sim, lapic_hrtimer_cpu(sim));
  if (ktimer.hv_timer_in_use) cancel_hv_timer(sim);
  ktimer.tmict = value >>> 0;
  start_apic_timer(sim);
}

/** Write of TDCR (x2APIC MSR 0x83e): divide value from bits 0,1,3 (update_divide_count). */
export function kvm_lapic_write_tdcr(sim: Simulation, value: number): void {
  sim.spend(S.apic_reg_write);
  const tmp1 = value & 0xf;
  const tmp2 = ((tmp1 & 0x3) | ((tmp1 & 0x8) >> 1)) + 1;
  sim.lapic.lapic_timer.divide_count = 0x1 << (tmp2 & 0x7);
}

/**
 * kvm_inject_apic_timer_irqs (outer vcpu_run loop, KVM_REQ_PENDING_TIMER): deliver LVTT (unless
 * masked) into IRR; in TSC-deadline mode the deadline reads 0 afterwards. Returns the vector or 0.
 */
export function kvm_inject_apic_timer_irqs(sim: Simulation): number {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.pending <= 0) return 0;
  sim.spend(S.pending_inject);
  const vector = ktimer.masked ? 0 : ktimer.vector;
  kvm_apic_deliver_timer(sim);
  ktimer.pending = 0;
  return vector;
}

/**
 * kvm_lapic_expired_hv_timer: the preemption-timer exit handler's LAPIC half (handle_preemption_timer
 * or, from 5.8, its fastpath). A periodic timer (4.10+) is re-armed at once.
 */
export function kvm_lapic_expired_hv_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  sim.spend(S.hv_handler); // handle_preemption_timer: cancel + apic_timer_expired
  if (sim.kernel.expired_inject && !ktimer.hv_timer_in_use) return; // 4.13+: already expired by the preempt notifier
  sim.vmx.hv_deadline_tsc = -1;
  if (!sim.kernel.hv_soft_disable) sim.vmx.pin_preemption_timer = false;
  // Until 5.12 cancel_hv_timer came first, so apic_timer_expired saw hv_timer_in_use false and a
  // one-shot/periodic timer recorded no expired_tscdeadline (no spin); 5.13 (d981dd15498b) expires
  // first (kvm_lapic_expired_hv_timer 5.14-rc5 vs 5.11.0)
  if (!sim.kernel.hv_busy_wait_order) ktimer.hv_timer_in_use = false;
  apic_timer_expired(sim, false);
  ktimer.hv_timer_in_use = false;
  if (apic_lvtt_period(sim) && sim.kernel.hv_oneshot_periodic) {
    // advance_periodic_target_expiration, then back onto the hv timer (or the hrtimer)
    ktimer.tscdeadline += nsec_to_cycles(sim.tsc, ktimer.period);
    restart_apic_timer(sim);
  }
}

/** kvm_lapic_switch_to_sw_timer: before blocking, the hv timer stops counting outside guest mode. */
export function kvm_lapic_switch_to_sw_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (!ktimer.hv_timer_in_use) return;
  if (sim.kernel.expired_inject) {
    start_sw_timer(sim); // 4.13+: traces hv_timer 0 unless the timer is already pending
    return;
  }
  cancel_hv_timer(sim);
  if (ktimer.pending > 0) return;
  if (apic_lvtt_tscdeadline(sim)) start_sw_tscdeadline(sim);
  else start_sw_period(sim);
}

/**
 * kvm_lapic_switch_to_hv_timer: after waking, try to move the deadline back. 4.9 only in
 * TSC-deadline mode; 4.10–4.12 always (start_hv_timer, traced); 4.13+ through restart_apic_timer.
 */
export function kvm_lapic_switch_to_hv_timer(sim: Simulation): void {
  const k = sim.kernel;
  if (!k.hv_oneshot_periodic && !apic_lvtt_tscdeadline(sim)) return;
  // When the timer fired while blocked, start_hv_timer / restart_apic_timer only look at
  // `pending` (and 4.9–5.1 trace): that short path's cost is post_block_switch_back_pending.
  if (sim.lapic.lapic_timer.pending > 0) sim.spend(S.post_block_switch_back_pending);
  if (k.expired_inject) restart_apic_timer(sim);
  else start_hv_timer(sim);
}

/**
 * wait_lapic_expire / kvm_wait_lapic_expire on entry: if the timer interrupt being delivered
 * fired early (the advance), spin until the guest TSC reaches the deadline — at most the advance —
 * and tune the advance. Where it sits in the entry path, and when its tracepoint fires, depend
 * on the release (x86.ts vcpu_enter_guest; `traceNow` false defers the trace to the next exit).
 * Returns the delta it saw, or null when it did nothing.
 */
export function wait_lapic_expire(sim: Simulation, traceNow: boolean): number | null {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.expired_tscdeadline === 0 || sim.lapic.irr === 0) return null;
  // 4.9–4.15 call it on every entry; from 4.16 vcpu_enter_guest calls it only while an advance is
  // set (`if (lapic_timer_advance_ns) wait_lapic_expire(vcpu)`, x86.c 4.16.13; per vCPU from 5.1)
  if (sim.kernel.wait_only_with_advance && sim.advance.timer_advance_ns === 0) return null;
  return __kvm_wait_lapic_expire(sim, traceNow);
}

/**
 * __kvm_wait_lapic_expire: read the guest TSC, trace (or defer) the delta, spin to the deadline and
 * tune. Until 5.12 the tuning follows the spin; from 5.13 (9805cf03fdb6) it comes first and the TSC
 * is read again, so the spin covers it (lapic.c __kvm_wait_lapic_expire 5.14-rc5 vs 5.12.9).
 */
function __kvm_wait_lapic_expire(sim: Simulation, traceNow: boolean): number {
  const ktimer = sim.lapic.lapic_timer;
  const a = sim.advance;
  const tsc_deadline = ktimer.expired_tscdeadline;
  ktimer.expired_tscdeadline = 0;
  let guest_tsc = kvm_read_l1_tsc(sim.tsc, sim.now);
  const delta = guest_tsc - tsc_deadline;
  if (traceNow) trace_kvm_wait_lapic_expire(sim, delta);
  if (sim.kernel.tune_before_spin) {
    if (a.tuning) {
      tune(sim, delta);
      if (guest_tsc < tsc_deadline) guest_tsc = kvm_read_l1_tsc(sim.tsc, sim.now);
    }
    if (guest_tsc < tsc_deadline) __wait_lapic_expire(sim, tsc_deadline - guest_tsc);
  } else {
    if (guest_tsc < tsc_deadline) __wait_lapic_expire(sim, tsc_deadline - guest_tsc);
    if (a.tuning) tune(sim, delta);
  }
  return delta;
}

function tune(sim: Simulation, delta: number): void {
  sim.spend(S.lapic_expire_adjust);
  adjust_lapic_timer_advance(sim.advance, delta, sim.kernel, (c) => guest_cycles_to_ns(sim.tsc, c));
}

/**
 * __wait_lapic_expire: spin min(guest cycles to the deadline, the advance). Until 5.0 the guest
 * cycles go to __delay as host cycles; from 5.1 ("KVM: lapic: Convert guest TSC to host time
 * domain if necessary", lapic.c 5.1.15) a scaled guest TSC is converted to ns for ndelay().
 */
function __wait_lapic_expire(sim: Simulation, guest_cycles: number): void {
  const advance_ns = sim.advance.timer_advance_ns;
  if (!sim.tsc.scaled || !sim.kernel.advance_per_vcpu) {
    sim.spendCycles(S.wait_lapic_expire_spin, Math.min(guest_cycles, nsec_to_cycles(sim.tsc, advance_ns)));
    return;
  }
  const delay_ns = guest_cycles_to_ns(sim.tsc, guest_cycles);
  sim.spendCycles(S.wait_lapic_expire_spin, ndelay_cycles(Math.min(delay_ns, advance_ns), sim.tsc_khz));
}

export function trace_kvm_wait_lapic_expire(sim: Simulation, delta: number): void {
  if (sim.trace) sim.traceEvent('kvm_wait_lapic_expire', `vcpu 0: delta ${delta} (${delta < 0 ? 'early' : 'late'})`);
}

/** kvm_use_posted_timer_interrupt (5.3+): posting is possible and the vCPU is in guest mode now. */
export function kvm_use_posted_timer_interrupt(sim: Simulation): boolean {
  return sim.can_post_timer_interrupt && sim.vcpu.mode === MODE_IN_GUEST;
}

/**
 * apic_timer_expired's posted branch, on the housekeeping CPU: wait out the advance there, accept
 * the vector into the PIR and send the posted-interrupt notification. 5.3–5.9 spin in
 * __kvm_wait_lapic_expire; 5.10–5.11 call kvm_wait_lapic_expire instead, whose
 * lapic_timer_int_injected check is false before the injection, so the advanced interrupt is
 * posted early, untraced and untuned (010fd37fddf6); 5.12 open-codes the checks and spins again
 * (beda430177f5; 5.10.24, 5.11.7). Until 5.18 the delta is traced after the vCPU's next VM exit
 * (advance_expire_delta, vcpu_enter_guest); from 5.19 here, before the spin.
 */
export function posted_timer_expired(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  const k = sim.kernel;
  const waits = !k.posted_wait_skipped || k.posted_wait;
  if (waits && ktimer.expired_tscdeadline !== 0 && sim.advance.timer_advance_ns !== 0) {
    const delta = __kvm_wait_lapic_expire(sim, k.wait_trace_before_spin);
    if (!k.wait_trace_before_spin) sim.vcpu.deferred_wait_delta = delta;
  }
  sim.spend(S.posted_deliver); // kvm_apic_inject_pending_timer_irqs → __apic_accept_irq → PIR, notification IPI
  kvm_apic_deliver_timer(sim);
  sim.scheduleAfterFlight(S.ipi_latency, EV_POSTED_NOTIFY);
}

/**
 * The rest of apic_timer_expired when the hrtimer fired on another CPU than the vCPU's (unpinned,
 * 5.3+) and posting was not possible: the timer is pending and kvm_vcpu_kick sends an IPI.
 */
function kick_vcpu(sim: Simulation): void {
  sim.scheduleAfterFlight(S.ipi_latency, EV_KICK);
}
