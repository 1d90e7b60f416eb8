/**
 * Host noise: Poisson-distributed unrelated interrupts on the vCPU's pCPU and preemptions of the
 * vCPU thread by other host tasks, with exponentially distributed handler and preemption times.
 * Off by default (an isolated pCPU). Must not import node:*, electron or sqlite.
 */
import { EV_NOISE_IRQ, EV_NOISE_PREEMPT } from './events.js';
import { on_noise_irq, on_noise_preempt } from './kvm/x86.js';
import type { Simulation } from './simulation.js';
import { roundNonNegative } from './rng.js';

export class HostNoise {
  private readonly irqMean: number = 0;
  private readonly preemptMean: number = 0;

  constructor(private readonly sim: Simulation) {
    const p = sim.config.params;
    const cyclesPerSec = sim.tsc_khz * 1000;
    this.irqMean = p.hostIrqRateHz > 0 ? cyclesPerSec / p.hostIrqRateHz : Infinity;
    this.preemptMean = p.preemptRateHz > 0 ? cyclesPerSec / p.preemptRateHz : Infinity;
  }

  start(): void {
    const s = this.sim;
    if (Number.isFinite(this.irqMean)) s.schedule(s.now + roundNonNegative(s.rng.exponential(this.irqMean)), EV_NOISE_IRQ);
    if (Number.isFinite(this.preemptMean)) s.schedule(s.now + roundNonNegative(s.rng.exponential(this.preemptMean)), EV_NOISE_PREEMPT);
  }

  irq(t: number): void {
    const s = this.sim;
    s.schedule(t + roundNonNegative(s.rng.exponential(this.irqMean)), EV_NOISE_IRQ);
    on_noise_irq(s, t, roundNonNegative(s.rng.exponential(s.config.params.hostIrqCycles)));
  }

  preempt(t: number): void {
    const s = this.sim;
    s.schedule(t + roundNonNegative(s.rng.exponential(this.preemptMean)), EV_NOISE_PREEMPT);
    on_noise_preempt(s, t, roundNonNegative(s.rng.exponential(s.config.params.preemptCycles)));
  }
}
