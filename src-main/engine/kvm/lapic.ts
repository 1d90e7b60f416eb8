/**
 * The in-kernel local APIC timer: LVTT modes (one-shot, periodic, TSC-deadline), masking, TMICT /
 * TDCR, the IA32_TSC_DEADLINE MSR, and KVM's two ways of emulating the deadline — the software
 * hrtimer (start_sw_tscdeadline) and the VMX preemption timer (start_hv_tscdeadline) — with the
 * switches around vCPU blocking. Function and field names are the kernel's.
 * Mirrors arch/x86/kvm/lapic.c (Linux 4.9); where 4.9 arms a zero deadline on the hv path we
 * apply the later `!tscdeadline` guard so that writing 0 always disarms.
 * Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { S } from '../steps.js';
import { guest_cycles_to_ns, kvm_read_l1_tsc, nsec_to_cycles } from '../tsc.js';
import { hrtimer_cancel, hrtimer_start, ktime_get } from './hrtimer.js';

export const APIC_LVT_TIMER_ONESHOT = 0;
export const APIC_LVT_TIMER_PERIODIC = 1;
export const APIC_LVT_TIMER_TSCDEADLINE = 2;
/** APIC_BUS_CYCLE_NS in 4.9. */
export const APIC_BUS_CYCLE_NS = 1;
/** kvm.min_timer_period_us default. */
export const MIN_TIMER_PERIOD_US = 500;
/** Adaptive advance (5.x lapic.c): initial value, cap, step divisor and the deadband in cycles. */
export const LAPIC_TIMER_ADVANCE_NS_INIT = 1000;
export const LAPIC_TIMER_ADVANCE_NS_MAX = 5000;
export const LAPIC_TIMER_ADVANCE_ADJUST_STEP = 8;
export const LAPIC_TIMER_ADVANCE_ADJUST_MIN = 100;
export const LAPIC_TIMER_ADVANCE_ADJUST_MAX = 10000;

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
  /** kvm.lapic_timer_advance_ns (per vCPU when adaptive). */
  timer_advance_ns: number;
  /** lapic_timer_advance_dynamic: tune timer_advance_ns after every expiry (5.x). */
  timer_advance_adaptive: boolean;
}

export interface KvmLapic {
  lapic_timer: KvmTimer;
  /** Vector set in IRR (0 = none): with APICv the CPU delivers it when the guest has IF=1. */
  irr: number;
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
      timer_advance_ns: 0,
      timer_advance_adaptive: false,
    },
    irr: 0,
  };
}

export function apic_lvtt_tscdeadline(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.timer_mode === APIC_LVT_TIMER_TSCDEADLINE;
}
function apic_lvtt_period(sim: Simulation): boolean {
  return sim.lapic.lapic_timer.timer_mode === APIC_LVT_TIMER_PERIODIC;
}

/** apic_timer_expired: mark the timer pending and request injection (once). */
export function apic_timer_expired(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.pending > 0) return;
  ktimer.pending++;
  // kvm_set_pending_timer + swake_up: the vCPU loop sees the request where it next looks.
  if (apic_lvtt_tscdeadline(sim)) ktimer.expired_tscdeadline = ktimer.tscdeadline;
}

/**
 * apic_timer_fn, the hrtimer callback (host IRQ context). Returns the next expiry for a periodic
 * timer (HRTIMER_RESTART) or -1.
 */
export function apic_timer_fn(sim: Simulation, expired_at_ns: number): number {
  sim.spend(S.apic_timer_fn);
  apic_timer_expired(sim);
  const ktimer = sim.lapic.lapic_timer;
  if (apic_lvtt_period(sim) && ktimer.period > 0) return expired_at_ns + ktimer.period;
  return -1;
}

/** start_sw_tscdeadline: convert the guest deadline to an absolute host hrtimer expiry. */
export function start_sw_tscdeadline(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  const tscdeadline = ktimer.tscdeadline;
  if (tscdeadline === 0 || sim.tsc.virtual_tsc_khz === 0) return;
  const now = ktime_get(sim);
  const guest_tsc = kvm_read_l1_tsc(sim.tsc, sim.now);
  sim.spend(S.sw_deadline_math);
  if (tscdeadline > guest_tsc) {
    const ns = guest_cycles_to_ns(sim.tsc, tscdeadline - guest_tsc);
    const expire = now + ns - ktimer.timer_advance_ns;
    hrtimer_start(sim, expire);
  } else {
    apic_timer_expired(sim);
  }
}

/** cancel_hv_tscdeadline (4.10+: cancel_hv_timer). */
export function cancel_hv_tscdeadline(sim: Simulation): void {
  sim.ops.cancel_hv_timer?.(sim);
  sim.lapic.lapic_timer.hv_timer_in_use = false;
}

/**
 * start_hv_tscdeadline (4.10+: start_hv_timer): try the preemption timer; false means the
 * caller falls back to the hrtimer. Always emits kvm_hv_timer_state.
 */
export function start_hv_tscdeadline(sim: Simulation): boolean {
  const ktimer = sim.lapic.lapic_timer;
  const set_hv_timer = sim.ops.set_hv_timer!;
  let expired = false;
  let failed = ktimer.pending > 0 || ktimer.tscdeadline === 0;
  if (!failed) {
    const r = set_hv_timer(sim, ktimer.tscdeadline);
    failed = r.err !== 0;
    expired = r.expired;
  }
  if (failed) {
    if (ktimer.hv_timer_in_use) cancel_hv_tscdeadline(sim);
  } else {
    ktimer.hv_timer_in_use = true;
    hrtimer_cancel(sim);
    // In case the sw timer triggered in the window
    if (ktimer.pending > 0) cancel_hv_tscdeadline(sim);
    else if (expired && sim.config.params.immediateShortcut) {
      // 2017+: an already-expired deadline is injected now instead of a zero-length countdown.
      apic_timer_expired(sim);
      cancel_hv_tscdeadline(sim);
    }
  }
  if (sim.trace) sim.traceEvent('kvm_hv_timer_state', `vcpu_id 0 hv_timer ${ktimer.hv_timer_in_use ? 1 : 0}`);
  return ktimer.hv_timer_in_use || (expired && sim.config.params.immediateShortcut && !failed);
}

/**
 * kvm_can_use_hv_timer: whether the hypervisor timer may track the deadline. Named after the
 * 5.8+ helper; in 4.9 the same check is `kvm_x86_ops->set_hv_timer` in start_apic_timer (the
 * strategy provides the hook or not).
 */
export function kvm_can_use_hv_timer(sim: Simulation): boolean {
  return sim.ops.set_hv_timer !== undefined;
}

/**
 * restart_apic_timer: the one place that chooses between the hypervisor and the software timer —
 * start the hv timer, else the hrtimer. Named after the ≈4.15+ helper; 4.9 inlines the same
 * choice in start_apic_timer's TSC-deadline branch.
 */
export function restart_apic_timer(sim: Simulation): void {
  if (!(kvm_can_use_hv_timer(sim) && start_hv_tscdeadline(sim))) start_sw_tscdeadline(sim);
}

/** start_apic_timer: re-arm according to the LVTT mode. */
export function start_apic_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  ktimer.pending = 0;
  if (ktimer.timer_mode === APIC_LVT_TIMER_TSCDEADLINE) {
    restart_apic_timer(sim);
    return;
  }
  // one-shot / periodic: hrtimer only in 4.9
  ktimer.period = ktimer.tmict * APIC_BUS_CYCLE_NS * ktimer.divide_count;
  if (ktimer.period === 0) return;
  if (apic_lvtt_period(sim) && ktimer.period < MIN_TIMER_PERIOD_US * 1000) {
    ktimer.period = MIN_TIMER_PERIOD_US * 1000;
  }
  sim.spend(S.sw_deadline_math);
  hrtimer_start(sim, ktime_get(sim) + ktimer.period);
}

/** kvm_set_lapic_tscdeadline_msr: the guest wrote IA32_TSC_DEADLINE. */
export function kvm_set_lapic_tscdeadline_msr(sim: Simulation, data: number): void {
  if (!apic_lvtt_tscdeadline(sim)) return; // ignored unless LVTT is in TSC-deadline mode
  hrtimer_cancel(sim);
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
    hrtimer_cancel(sim);
    if (ktimer.hv_timer_in_use) cancel_hv_tscdeadline(sim);
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
  hrtimer_cancel(sim);
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
 * kvm_inject_apic_timer_irqs: deliver LVTT (unless masked) into IRR; in TSC-deadline mode the
 * deadline reads 0 afterwards. Returns the injected vector or 0.
 */
export function kvm_inject_apic_timer_irqs(sim: Simulation): number {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.pending <= 0) return 0;
  sim.spend(S.pending_inject);
  let vector = 0;
  if (!ktimer.masked) {
    vector = ktimer.vector;
    sim.lapic.irr = vector;
    if (sim.trace) sim.traceEvent('kvm_inj_virq', `irq ${vector}`);
  }
  if (apic_lvtt_tscdeadline(sim)) ktimer.tscdeadline = 0;
  ktimer.pending = 0;
  return vector;
}

/** kvm_lapic_expired_hv_timer: the preemption-timer exit handler's LAPIC half. */
export function kvm_lapic_expired_hv_timer(sim: Simulation): void {
  sim.spend(S.hv_handler); // handle_preemption_timer: cancel (VMCS RMW) + apic_timer_expired
  sim.vmx.hv_deadline_tsc = -1;
  sim.vmx.pin_preemption_timer = false;
  sim.lapic.lapic_timer.hv_timer_in_use = false;
  apic_timer_expired(sim);
}

/** kvm_lapic_switch_to_sw_timer: before blocking, the hv timer stops counting outside guest mode. */
export function kvm_lapic_switch_to_sw_timer(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (!ktimer.hv_timer_in_use) return;
  cancel_hv_tscdeadline(sim);
  if (ktimer.pending > 0) return;
  start_sw_tscdeadline(sim);
}

/** kvm_lapic_switch_to_hv_timer: after unblocking, try to move the deadline back. */
export function kvm_lapic_switch_to_hv_timer(sim: Simulation): void {
  if (!apic_lvtt_tscdeadline(sim)) return;
  // When the timer fired while blocked, start_hv_tscdeadline only checks `pending` and traces
  // hv_timer 0: that short path's cost is post_block_switch_back_pending.
  if (sim.lapic.lapic_timer.pending > 0) sim.spend(S.post_block_switch_back_pending);
  start_hv_tscdeadline(sim);
}

/**
 * wait_lapic_expire, on every entry: if a TSC-deadline interrupt is being delivered, trace how
 * early/late it is and busy-wait until the guest TSC reaches it — at most timer_advance_ns in
 * 4.9; all the way, then retune the advance, in adaptive mode (5.x __kvm_wait_lapic_expire).
 */
export function wait_lapic_expire(sim: Simulation): void {
  const ktimer = sim.lapic.lapic_timer;
  if (ktimer.expired_tscdeadline === 0 || sim.lapic.irr === 0) return;
  const tsc_deadline = ktimer.expired_tscdeadline;
  ktimer.expired_tscdeadline = 0;
  const guest_tsc = kvm_read_l1_tsc(sim.tsc, sim.now);
  const delta = guest_tsc - tsc_deadline;
  if (sim.trace) sim.traceEvent('kvm_wait_lapic_expire', `vcpu 0: delta ${delta} (${delta < 0 ? 'early' : 'late'})`);
  if (guest_tsc < tsc_deadline) {
    const left = tsc_deadline - guest_tsc;
    const spin = ktimer.timer_advance_adaptive ? left : Math.min(left, nsec_to_cycles(sim.tsc, ktimer.timer_advance_ns));
    sim.spendCycles(S.wait_lapic_expire_spin, spin);
  }
  if (ktimer.timer_advance_adaptive) adjust_lapic_timer_advance(sim, delta);
}

/** adjust_lapic_timer_advance (5.x): move the advance by 1/8 of the error, ignoring noise. */
export function adjust_lapic_timer_advance(sim: Simulation, advance_expire_delta: number): void {
  const ktimer = sim.lapic.lapic_timer;
  const abs = Math.abs(advance_expire_delta);
  if (abs > LAPIC_TIMER_ADVANCE_ADJUST_MAX || abs < LAPIC_TIMER_ADVANCE_ADJUST_MIN) return;
  const ns = guest_cycles_to_ns(sim.tsc, abs);
  let timer_advance_ns = ktimer.timer_advance_ns;
  if (advance_expire_delta < 0) timer_advance_ns -= Math.floor(ns / LAPIC_TIMER_ADVANCE_ADJUST_STEP);
  else timer_advance_ns += Math.floor(ns / LAPIC_TIMER_ADVANCE_ADJUST_STEP);
  if (timer_advance_ns > LAPIC_TIMER_ADVANCE_NS_MAX || timer_advance_ns < 0) timer_advance_ns = LAPIC_TIMER_ADVANCE_NS_INIT;
  ktimer.timer_advance_ns = timer_advance_ns;
}
