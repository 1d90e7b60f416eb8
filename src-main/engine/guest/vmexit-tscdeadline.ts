/**
 * kvm-unit-tests x86/vmexit.c `tscdeadline` and `tscdeadline_immed` (2017 form): each iteration
 * writes IA32_TSC_DEADLINE = rdtsc() + 3000 (or rdtsc()) and spins until the ISR sets a flag.
 * A sample is the cycles of one iteration, as the test's total / iterations averages them.
 * Must not import node:*, electron or sqlite.
 */
import { S } from '../steps.js';
import { MSR_IA32_TSCDEADLINE, MSR_X2APIC_LVTT } from '../kvm/x86.js';
import { APIC_LVT_TIMER_TSCDEADLINE } from '../kvm/lapic.js';
import type { GuestCpu, GuestProgram } from './guest-cpu.js';

export const VMEXIT_TIMER_VECTOR = 0xee;

const T_LVTT_SET = 1;
const T_ITERATION = 2;
const T_ARMED = 3;
const T_ISR_DONE = 4;

export class VmexitTscdeadline implements GuestProgram {
  private iterationStart = -1;

  constructor(private readonly deadlineDelta: number) {}

  start(g: GuestCpu): void {
    g.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | VMEXIT_TIMER_VECTOR, T_LVTT_SET);
  }

  step(g: GuestCpu, tag: number): void {
    switch (tag) {
      case T_LVTT_SET:
      case T_ISR_DONE:
        g.exec(S.guest_loop, T_ITERATION);
        return;
      case T_ITERATION: {
        const now = g.rdtsc();
        if (this.iterationStart >= 0) g.record(now - this.iterationStart);
        if (g.sim.done) return;
        this.iterationStart = now;
        g.beginSampleNow();
        g.wrmsr(MSR_IA32_TSCDEADLINE, now + this.deadlineDelta, T_ARMED);
        return;
      }
      case T_ARMED:
        g.waitForInterrupt(); // while (x == 0) barrier();
        return;
      default:
        throw new Error(`vmexit tscdeadline: unknown step ${tag}`);
    }
  }

  interrupt(g: GuestCpu): void {
    g.eoiIret(T_ISR_DONE); // x++, eoi(), iret
  }
}
