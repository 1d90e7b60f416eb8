/**
 * cyclictest in the guest, one thread, clock_nanosleep(TIMER_ABSTIME) on CLOCK_MONOTONIC: sleep
 * to `next`, wake, sample `now − next`, `next += interval` (skipping missed periods). Under it
 * the guest kernel: clock_nanosleep arms its hrtimer and reprograms the TSC-deadline clock event
 * (a WRMSR exit), the CPU idles (HLT or idle=poll), the timer interrupt runs the guest's
 * hrtimer_interrupt, which wakes the thread and reprograms the next event (another WRMSR exit on
 * the critical path), then the context switch back to the thread and clock_gettime.
 * The guest clock is its TSC (ns = tsc · 10^6 / tsc_khz). Samples are guest TSC cycles.
 * Must not import node:*, electron or sqlite.
 */
import { S } from '../steps.js';
import { MSR_IA32_TSCDEADLINE, MSR_X2APIC_LVTT } from '../kvm/x86.js';
import { APIC_LVT_TIMER_TSCDEADLINE } from '../kvm/lapic.js';
import { mulDiv } from '../tsc.js';
import type { GuestCpu, GuestProgram } from './guest-cpu.js';

export const LOCAL_TIMER_VECTOR = 0xec;

const T_LVTT_SET = 1;
const T_NANOSLEEP = 2;
const T_SLEEP_ARMED = 3;
const T_TO_IDLE = 4;
const T_IDLE = 5;
const T_IRQ_ENTRY = 6;
const T_HRTIMER = 7;
const T_WOKEN = 8;
const T_CLOCKEVENT = 9;
const T_REPROGRAMMED = 10;
const T_IRQ_EXIT = 11;
const T_SWITCHED = 12;
const T_USER = 13;
const T_GETTIME = 14;

export class Cyclictest implements GuestProgram {
  private next_ns = 0;
  private nextDeadlineTsc = 0;

  constructor(
    private readonly interval_ns: number,
    private readonly idlePoll: boolean,
  ) {}

  start(g: GuestCpu): void {
    g.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | LOCAL_TIMER_VECTOR, T_LVTT_SET);
  }

  private ns(g: GuestCpu): number {
    return mulDiv(g.rdtsc(), 1_000_000, g.guestTscKhz);
  }

  private tscOf(g: GuestCpu, ns: number): number {
    return mulDiv(ns, g.guestTscKhz, 1_000_000);
  }

  step(g: GuestCpu, tag: number): void {
    switch (tag) {
      case T_LVTT_SET:
        this.next_ns = this.ns(g) + this.interval_ns;
        g.exec(S.guest_nanosleep, T_NANOSLEEP);
        return;
      case T_NANOSLEEP:
        // hrtimer_start in the guest: the new timer is the earliest → program the clock event
        this.nextDeadlineTsc = this.tscOf(g, this.next_ns);
        g.beginSampleAtGuestTsc(this.nextDeadlineTsc);
        g.wrmsr(MSR_IA32_TSCDEADLINE, this.nextDeadlineTsc, T_SLEEP_ARMED);
        return;
      case T_SLEEP_ARMED:
        g.exec(S.guest_context_switch, T_TO_IDLE);
        return;
      case T_TO_IDLE:
        g.exec(S.guest_idle_enter, T_IDLE);
        return;
      case T_IDLE:
        if (this.idlePoll) g.waitForInterrupt();
        else g.hlt();
        return;
      case T_IRQ_ENTRY:
        g.exec(S.guest_hrtimer_interrupt, T_HRTIMER);
        return;
      case T_HRTIMER:
        g.exec(S.guest_wakeup, T_WOKEN);
        return;
      case T_WOKEN:
        g.exec(S.guest_clockevent_program, T_CLOCKEVENT);
        return;
      case T_CLOCKEVENT:
        // the next queued guest timer (tick, housekeeping) is reprogrammed before irq exit
        g.wrmsr(MSR_IA32_TSCDEADLINE, g.rdtsc() + 4 * this.tscOf(g, this.interval_ns), T_REPROGRAMMED);
        return;
      case T_REPROGRAMMED:
        g.eoiIret(T_IRQ_EXIT);
        return;
      case T_IRQ_EXIT:
        g.exec(S.guest_context_switch, T_SWITCHED);
        return;
      case T_SWITCHED:
        g.exec(S.guest_return_to_user, T_USER);
        return;
      case T_USER:
        g.exec(S.guest_clock_gettime, T_GETTIME);
        return;
      case T_GETTIME: {
        const now_tsc = g.rdtsc();
        g.record(now_tsc - this.nextDeadlineTsc);
        if (g.sim.done) return;
        const now_ns = this.ns(g);
        this.next_ns += this.interval_ns;
        while (now_ns > this.next_ns) this.next_ns += this.interval_ns;
        g.exec(S.guest_nanosleep, T_NANOSLEEP);
        return;
      }
      default:
        throw new Error(`cyclictest: unknown step ${tag}`);
    }
  }

  interrupt(g: GuestCpu): void {
    g.exec(S.guest_irq_entry, T_IRQ_ENTRY);
  }
}
