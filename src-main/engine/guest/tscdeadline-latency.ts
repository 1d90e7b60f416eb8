/**
 * kvm-unit-tests x86/tscdeadline_latency.c: LVTT in TSC-deadline mode (vector 0xef); the ISR
 * reads the TSC first, stores `now − exptime` (the first interrupt is not recorded), re-arms at
 * `now + delta` and EOIs; the main loop halts (upstream) or spins (the busy-wait variant).
 * With `breakmax` the ISR stops re-arming at the first sample above it.
 * Must not import node:*, electron or sqlite.
 */
import { S } from '../steps.js';
import { MSR_IA32_TSCDEADLINE, MSR_X2APIC_LVTT } from '../kvm/x86.js';
import { APIC_LVT_TIMER_TSCDEADLINE } from '../kvm/lapic.js';
import type { GuestCpu, GuestProgram } from './guest-cpu.js';

export const TSCDEADLINE_VECTOR = 0xef;

const T_LVTT_SET = 1;
const T_FIRST_ARMED = 2;
const T_REARM = 3;
const T_REARMED = 4;
const T_IRET = 5;

export class TscdeadlineLatency implements GuestProgram {
  private exptime = 0;
  private interrupts = 0;

  constructor(
    private readonly busy: boolean,
    private readonly delta: number,
    private readonly breakmax: number,
  ) {}

  start(g: GuestCpu): void {
    g.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | TSCDEADLINE_VECTOR, T_LVTT_SET);
  }

  step(g: GuestCpu, tag: number): void {
    switch (tag) {
      case T_LVTT_SET:
        this.arm(g, g.rdtsc(), T_FIRST_ARMED);
        return;
      case T_REARM:
        g.wrmsr(MSR_IA32_TSCDEADLINE, this.exptime, T_REARMED);
        return;
      case T_REARMED:
        g.eoiIret(T_IRET);
        return;
      case T_FIRST_ARMED:
      case T_IRET:
        this.idle(g);
        return;
      default:
        throw new Error(`tscdeadline_latency: unknown step ${tag}`);
    }
  }

  interrupt(g: GuestCpu): void {
    const now = g.rdtsc();
    if (this.interrupts++ > 0) {
      const latency = now - this.exptime;
      // breakmax looks at recorded samples only: a warm-up sample over it does not end the run
      if (g.record(latency) && this.breakmax > 0 && latency > this.breakmax) {
        g.sim.stop('breakmax'); // hitmax: EOI and return without re-arming
        return;
      }
    }
    if (g.sim.done) return;
    this.exptime = now + this.delta;
    g.beginSampleAtGuestTsc(this.exptime);
    g.exec(S.guest_isr_rearm, T_REARM);
  }

  private arm(g: GuestCpu, now: number, tag: number): void {
    this.exptime = now + this.delta;
    g.beginSampleAtGuestTsc(this.exptime);
    g.wrmsr(MSR_IA32_TSCDEADLINE, this.exptime, tag);
  }

  private idle(g: GuestCpu): void {
    if (this.busy) g.waitForInterrupt();
    else g.hlt();
  }
}
