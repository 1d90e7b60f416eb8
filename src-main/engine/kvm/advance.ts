/**
 * The LAPIC timer advance (kvm.lapic_timer_advance_ns) as each release tunes it: fired early by
 * `timer_advance_ns`, then wait_lapic_expire spins up to the deadline and adjusts the advance by
 * the error it saw. Constants and arithmetic per release (lapic.c):
 *   4.9–4.19  fixed, never tuned;
 *   4.20–5.0  one global tuning: ±min(ns, advance/8) until |error| < 100 guest cycles, then done;
 *   5.1–5.2   the same per vCPU (module value -1); above 5000 ns the advance is disabled (0, done);
 *   5.3       adjust_lapic_timer_advance: above 5000 ns reset to 1000 and keep tuning;
 *   5.4+      tuned after every spin, errors outside [100, 10000] guest cycles ignored, ±ns/8,
 *             above 5000 ns reset to 1000.
 * Must not import node:*, electron or sqlite.
 */
import type { KernelFeatures } from '../../../src-shared/kernels.js';

export const LAPIC_TIMER_ADVANCE_NS_INIT = 1000;
export const LAPIC_TIMER_ADVANCE_NS_MAX = 5000;
export const LAPIC_TIMER_ADVANCE_ADJUST_STEP = 8;
/** 4.20–5.3: tuning stops once the error is below this many guest cycles. */
export const LAPIC_TIMER_ADVANCE_ADJUST_DONE = 100;
/** 5.4+: errors below MIN or above MAX guest cycles are ignored. */
export const LAPIC_TIMER_ADVANCE_ADJUST_MIN = 100;
export const LAPIC_TIMER_ADVANCE_ADJUST_MAX = 10000;

/** The per-vCPU (per-VM before 5.1) advance state. */
export interface TimerAdvance {
  timer_advance_ns: number;
  /** Tuning still runs (false once done, or for a fixed value). */
  tuning: boolean;
}

/**
 * The advance a run starts with, from kvm.lapic_timer_advance_ns as its release reads it: 0 is off,
 * -1 adaptive from 1000 ns (5.1+), N fixed (≤4.19, 5.1–6.9) or the start of the one-time tuning
 * (4.20–5.0).
 */
export function createTimerAdvance(module_value: number, k: KernelFeatures): TimerAdvance {
  if (module_value === -1) return { timer_advance_ns: LAPIC_TIMER_ADVANCE_NS_INIT, tuning: true };
  const autotuned = k.advance_autotune && !k.advance_per_vcpu;
  return { timer_advance_ns: module_value, tuning: autotuned && module_value > 0 };
}

/**
 * adjust_lapic_timer_advance (and its 4.20–5.2 forms inline in wait_lapic_expire): move the
 * advance by the error `advance_expire_delta` = guest TSC − deadline seen before the spin.
 * `nsOf(cycles)` converts guest cycles to ns with virtual_tsc_khz (truncating).
 */
export function adjust_lapic_timer_advance(a: TimerAdvance, advance_expire_delta: number, k: KernelFeatures, nsOf: (cycles: number) => number): void {
  if (!a.tuning) return;
  const abs = Math.abs(advance_expire_delta);
  let advance = a.timer_advance_ns;
  if (k.advance_continuous) {
    if (abs > LAPIC_TIMER_ADVANCE_ADJUST_MAX || abs < LAPIC_TIMER_ADVANCE_ADJUST_MIN) return;
    const ns = nsOf(abs);
    advance += advance_expire_delta < 0 ? -Math.floor(ns / LAPIC_TIMER_ADVANCE_ADJUST_STEP) : Math.floor(ns / LAPIC_TIMER_ADVANCE_ADJUST_STEP);
    if (advance > LAPIC_TIMER_ADVANCE_NS_MAX || advance < 0) advance = LAPIC_TIMER_ADVANCE_NS_INIT;
    a.timer_advance_ns = advance;
    return;
  }
  // 4.20–5.3: a step of at most advance/8, done once the error is small
  const ns = nsOf(abs);
  const step = Math.min(ns, Math.floor(advance / LAPIC_TIMER_ADVANCE_ADJUST_STEP));
  advance += advance_expire_delta < 0 ? -step : step;
  if (abs < LAPIC_TIMER_ADVANCE_ADJUST_DONE) a.tuning = false;
  if (advance > LAPIC_TIMER_ADVANCE_NS_MAX) {
    if (k.advance_reset) {
      advance = LAPIC_TIMER_ADVANCE_NS_INIT;
      a.tuning = true;
    } else if (k.advance_per_vcpu) {
      advance = 0; // 5.1–5.2: "goes haywire" → disabled for this vCPU
      a.tuning = false;
    }
  }
  a.timer_advance_ns = Math.max(0, advance);
}
