/**
 * The host side of the software path: a CPU's hrtimer base holding the vCPU's `apic_timer_fn`
 * timer (CLOCK_MONOTONIC, ns; pinned to the vCPU's CPU until 5.2, unpinned from 5.3 so that with
 * pi_inject_timer it lives on a housekeeping CPU) and that CPU's LAPIC in TSC-deadline mode as its
 * clock-event device. Models hrtimer_start / hrtimer_cancel / hrtimer_interrupt and
 * lapic_next_deadline's conversion, whose ktime_get→rdtsc gap makes the host interrupt late.
 * Mirrors kernel/time/hrtimer.c and arch/x86/kernel/apic/apic.c, reduced to the one timer that
 * matters on an isolated pCPU. Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { EV_HK_TIMER_FIRE, EV_HOST_TIMER_FIRE } from '../events.js';
import { S } from '../steps.js';
import { host_tsc_to_ns, mulDiv } from '../tsc.js';

/** lapic_next_deadline programs the TSC deadline in units of TSC_DIVISOR cycles. */
export const TSC_DIVISOR = 8;

/** One CPU's hrtimer base (the vCPU's timer only) and its clock-event comparator. */
export interface HostTimer {
  /** Expiry of the queued apic timer (ns), or -1 when it is not queued. */
  expires_ns: number;
  /** Generation of the comparator; a reprogram or cancel invalidates older fires. */
  clockevent_gen: number;
  /** The heap event its comparator raises. */
  fire_event: number;
}

export function createHostTimer(fire_event: number = EV_HOST_TIMER_FIRE): HostTimer {
  return { expires_ns: -1, clockevent_gen: 0, fire_event };
}

/** The housekeeping CPU's hrtimer base (posted timer interrupts). */
export function createHousekeepingTimer(): HostTimer {
  return createHostTimer(EV_HK_TIMER_FIRE);
}

/** ktime_get(): host CLOCK_MONOTONIC in ns. */
export function ktime_get(sim: Simulation): number {
  return host_tsc_to_ns(sim.now, sim.tsc_khz);
}

/** Address printed for the vCPU's apic timer in hrtimer trace events. */
const APIC_HRTIMER = '0xffff8f8481867310';

/** hrtimer_start(timer, expire, HRTIMER_MODE_ABS[_PINNED]); the timer is the earliest on its CPU. */
export function hrtimer_start(sim: Simulation, cpu: HostTimer, expires_ns: number): void {
  sim.spend(S.hrtimer_start);
  if (sim.trace) {
    sim.traceEvent('hrtimer_start', `hrtimer=${APIC_HRTIMER} function=apic_timer_fn/0x0 expires=${expires_ns} softexpires=${expires_ns}`);
  }
  cpu.expires_ns = expires_ns;
  clockevents_program_event(sim, cpu, expires_ns);
}

/** hrtimer_cancel(): dequeues the timer if queued (and drops the comparator programming). */
export function hrtimer_cancel(sim: Simulation, cpu: HostTimer): void {
  if (cpu.expires_ns >= 0) {
    sim.spend(S.hrtimer_cancel_queued);
    cpu.expires_ns = -1;
    cpu.clockevent_gen++;
  } else {
    sim.spend(S.hrtimer_cancel);
  }
}

/**
 * clockevents_program_event → lapic_next_deadline: delta = expires − ktime_get(), converted to
 * clock-event ticks (TSC / TSC_DIVISOR, truncating), written as rdtsc() + ticks · TSC_DIVISOR.
 * The rdtsc happens `clockevent_bias` cycles after the ktime_get, so the interrupt lands late.
 */
export function clockevents_program_event(sim: Simulation, cpu: HostTimer, expires_ns: number): void {
  const t_ktime = sim.now;
  const delta_ns = expires_ns - host_tsc_to_ns(t_ktime, sim.tsc_khz);
  const rdtsc = t_ktime + sim.cost(S.clockevent_bias);
  const ticks = delta_ns > 0 ? mulDiv(delta_ns, sim.tsc_khz, 1_000_000 * TSC_DIVISOR) : 1;
  const fire = rdtsc + ticks * TSC_DIVISOR;
  sim.spend(S.clockevent_program);
  cpu.clockevent_gen++;
  sim.schedule(fire, cpu.fire_event, cpu.clockevent_gen);
}

/**
 * hrtimer_interrupt: run the expired timers (`apic_timer_fn` for ours), then reprogram the
 * device for the next event. `run` is the callback to invoke for the expired apic timer; it
 * returns the restart expiry for a periodic timer or -1.
 */
export function hrtimer_interrupt(sim: Simulation, cpu: HostTimer, run: (sim: Simulation, expires_ns: number) => number): void {
  sim.spend(S.hrtimer_interrupt);
  if (cpu.expires_ns >= 0 && cpu.expires_ns <= ktime_get(sim)) {
    const expires_ns = cpu.expires_ns;
    cpu.expires_ns = -1;
    if (sim.trace) sim.traceEvent('hrtimer_expire_entry', `hrtimer=${APIC_HRTIMER} now=${ktime_get(sim)} function=apic_timer_fn/0x0`);
    const restart = run(sim, expires_ns);
    if (sim.trace) sim.traceEvent('hrtimer_expire_exit', `hrtimer=${APIC_HRTIMER}`);
    if (restart >= 0) cpu.expires_ns = restart;
  }
  if (cpu.expires_ns >= 0) clockevents_program_event(sim, cpu, cpu.expires_ns);
  else sim.spend(S.clockevent_program); // next host event (tick, other timers) is reprogrammed too
}
