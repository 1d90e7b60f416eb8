/**
 * The host side of the software path: the pCPU's hrtimer holding the vCPU's `apic_timer_fn`
 * timer (CLOCK_MONOTONIC, ns, HRTIMER_MODE_ABS_PINNED) and the host LAPIC in TSC-deadline mode
 * as its clock-event device. Models hrtimer_start / hrtimer_cancel / hrtimer_interrupt and
 * lapic_next_deadline's conversion, whose ktime_get→rdtsc gap makes the host interrupt late.
 * Mirrors kernel/time/hrtimer.c and arch/x86/kernel/apic/apic.c (Linux 4.9), reduced to the one
 * timer that matters on an isolated pCPU. Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { EV_HOST_TIMER_FIRE } from '../events.js';
import { S } from '../steps.js';
import { host_tsc_to_ns, mulDiv } from '../tsc.js';

/** lapic_next_deadline programs the TSC deadline in units of TSC_DIVISOR cycles. */
export const TSC_DIVISOR = 8;

export interface HostTimer {
  /** Expiry of the queued apic timer (ns), or -1 when it is not queued. */
  expires_ns: number;
  /** Generation of the host LAPIC comparator; a reprogram or cancel invalidates older fires. */
  clockevent_gen: number;
}

export function createHostTimer(): HostTimer {
  return { expires_ns: -1, clockevent_gen: 0 };
}

/** ktime_get(): host CLOCK_MONOTONIC in ns. */
export function ktime_get(sim: Simulation): number {
  return host_tsc_to_ns(sim.now, sim.tsc_khz);
}

/** hrtimer_start(timer, expire, HRTIMER_MODE_ABS_PINNED); the timer is the earliest on this CPU. */
/** Address printed for the vCPU's apic timer in hrtimer trace events. */
const APIC_HRTIMER = '0xffff8f8481867310';

export function hrtimer_start(sim: Simulation, expires_ns: number): void {
  sim.spend(S.hrtimer_start);
  if (sim.trace) {
    sim.traceEvent('hrtimer_start', `hrtimer=${APIC_HRTIMER} function=apic_timer_fn/0x0 expires=${expires_ns} softexpires=${expires_ns}`);
  }
  sim.host.expires_ns = expires_ns;
  clockevents_program_event(sim, expires_ns);
}

/** hrtimer_cancel(): dequeues the timer if queued (and drops the comparator programming). */
export function hrtimer_cancel(sim: Simulation): void {
  if (sim.host.expires_ns >= 0) {
    sim.spend(S.hrtimer_cancel_queued);
    sim.host.expires_ns = -1;
    sim.host.clockevent_gen++;
  } else {
    sim.spend(S.hrtimer_cancel);
  }
}

/**
 * clockevents_program_event → lapic_next_deadline: delta = expires − ktime_get(), converted to
 * clock-event ticks (TSC / TSC_DIVISOR, truncating), written as rdtsc() + ticks · TSC_DIVISOR.
 * The rdtsc happens `clockevent_bias` cycles after the ktime_get, so the interrupt lands late.
 */
export function clockevents_program_event(sim: Simulation, expires_ns: number): void {
  const t_ktime = sim.now;
  const delta_ns = expires_ns - host_tsc_to_ns(t_ktime, sim.tsc_khz);
  const rdtsc = t_ktime + sim.cost(S.clockevent_bias);
  const ticks = delta_ns > 0 ? mulDiv(delta_ns, sim.tsc_khz, 1_000_000 * TSC_DIVISOR) : 1;
  const fire = rdtsc + ticks * TSC_DIVISOR;
  sim.spend(S.clockevent_program);
  sim.host.clockevent_gen++;
  sim.schedule(fire, EV_HOST_TIMER_FIRE, sim.host.clockevent_gen);
}

/**
 * hrtimer_interrupt: run the expired timers (`apic_timer_fn` for ours), then reprogram the
 * device for the next event. `run` is the callback to invoke for the expired apic timer; it
 * returns the restart expiry for a periodic timer or -1.
 */
export function hrtimer_interrupt(sim: Simulation, run: (expires_ns: number) => number): void {
  sim.spend(S.hrtimer_interrupt);
  const host = sim.host;
  if (host.expires_ns >= 0 && host.expires_ns <= ktime_get(sim)) {
    const expires_ns = host.expires_ns;
    host.expires_ns = -1;
    if (sim.trace) sim.traceEvent('hrtimer_expire_entry', `hrtimer=${APIC_HRTIMER} now=${ktime_get(sim)} function=apic_timer_fn/0x0`);
    const restart = run(expires_ns);
    if (restart >= 0) host.expires_ns = restart;
  }
  if (host.expires_ns >= 0) clockevents_program_event(sim, host.expires_ns);
  else sim.spend(S.clockevent_program); // next host event (tick, other timers) is reprogrammed too
}
