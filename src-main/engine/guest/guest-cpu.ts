/**
 * The guest vCPU as the workloads see it: run guest code for a step's cost, execute WRMSR and
 * HLT (which exit to KVM), busy-wait with interrupts enabled, read the TSC, and receive the timer
 * interrupt through its IDT. Guest steps run with IF=0; interrupts are taken only at the waits
 * (spin or HLT), which is where the benchmarks sit when their timer fires. A VM exit in the middle
 * of a guest step pauses it; the next entry resumes it. Must not import node:*, electron or sqlite.
 */
import type { Simulation } from '../simulation.js';
import { EV_GUEST_STEP_DONE } from '../events.js';
import { S } from '../steps.js';
import { hostTscForGuest, kvm_read_l1_tsc } from '../tsc.js';
import { guest_hlt, guest_wrmsr } from '../kvm/x86.js';

/** A guest workload: a little state machine driven by tags. */
export interface GuestProgram {
  /** First code the guest runs. */
  start(g: GuestCpu): void;
  /** A guest step, or an instruction that exited, finished; `tag` says which. */
  step(g: GuestCpu, tag: number): void;
  /** The ISR's first instruction after IDT vectoring (`guest_deliver`). */
  interrupt(g: GuestCpu, vector: number): void;
}

const WAIT_NONE = 0;
const WAIT_SPIN = 1;
const WAIT_HLT = 2;
const TAG_DELIVER = -2;

export class GuestCpu {
  private stepId = -1;
  private stepTag = 0;
  private stepStart = 0;
  private stepEnd = 0;
  private stepRemaining = -1;
  private stepGen = 0;
  private waiting = WAIT_NONE;
  private afterExit: number | null = null;
  private deliveredVector = 0;

  constructor(
    readonly sim: Simulation,
    private readonly program: GuestProgram,
  ) {}

  start(): void {
    this.program.start(this);
  }

  /** True while guest code is running (not spinning for an interrupt or halted). */
  get isRunningStep(): boolean {
    return this.stepId >= 0 && this.stepRemaining < 0;
  }

  /** Runs `step`'s jittered cost of guest code, then calls program.step(tag). */
  exec(step: number, tag: number): void {
    this.runStep(step, this.sim.cost(step), tag);
  }

  private runStep(step: number, cycles: number, tag: number): void {
    this.stepId = step;
    this.stepTag = tag;
    this.stepStart = this.sim.now;
    this.stepEnd = this.sim.now + cycles;
    this.stepRemaining = -1;
    this.sim.schedule(this.stepEnd, EV_GUEST_STEP_DONE, ++this.stepGen);
  }

  /** Heap event: the current guest step finished (if still current). */
  onStepDone(t: number, gen: number): void {
    if (gen !== this.stepGen || this.stepRemaining >= 0 || this.stepId < 0) return;
    this.sim.now = t > this.sim.now ? t : this.sim.now;
    this.sim.guestWork(this.stepId, this.stepStart, t);
    this.stepId = -1;
    if (this.stepTag === TAG_DELIVER) {
      this.program.interrupt(this, this.deliveredVector);
    } else {
      this.program.step(this, this.stepTag);
    }
  }

  /** VM exit: pause the running step. */
  onExit(): void {
    if (this.stepId >= 0 && this.stepRemaining < 0) {
      this.sim.guestWork(this.stepId, this.stepStart, this.sim.now);
      this.stepRemaining = Math.max(0, this.stepEnd - this.sim.now);
      this.stepGen++;
    }
  }

  /** VM entry: finish the exiting instruction, resume a paused step, or take an interrupt. */
  onEntry(): void {
    if (this.afterExit !== null) {
      const tag = this.afterExit;
      this.afterExit = null;
      this.program.step(this, tag);
      return;
    }
    if (this.stepId >= 0 && this.stepRemaining >= 0) {
      this.runStep(this.stepId, this.stepRemaining, this.stepTag);
      return;
    }
    if (this.waiting !== WAIT_NONE && this.sim.lapic.irr !== 0) this.deliver();
  }

  /** WRMSR: exits to KVM; program.step(tag) runs after the next VM entry. */
  wrmsr(msr: number, value: number, tag: number): void {
    this.afterExit = tag;
    guest_wrmsr(this.sim, msr, value);
  }

  /**
   * sti; hlt — exits to KVM (HLT exiting); with HLT passthrough the vCPU halts in VMX non-root
   * operation (C1) instead. The next interrupt resumes the guest in its ISR.
   */
  hlt(): void {
    this.waiting = WAIT_HLT;
    if (this.sim.lapic.irr !== 0) {
      this.deliver();
      return;
    }
    if (!this.sim.config.params.hltInGuest) guest_hlt(this.sim);
  }

  /** Halted in guest mode (HLT passthrough): a wake-up first leaves the C1 state. */
  get isHaltedInGuest(): boolean {
    return this.waiting === WAIT_HLT && this.sim.config.params.hltInGuest;
  }

  /** Busy-wait with IF=1 until an interrupt arrives. */
  waitForInterrupt(): void {
    this.waiting = WAIT_SPIN;
    if (this.sim.lapic.irr !== 0) this.deliver();
  }

  /** Virtual-interrupt delivery: the vector leaves IRR and the guest vectors through its IDT. */
  private deliver(): void {
    this.deliveredVector = this.sim.lapic.irr;
    this.sim.lapic.irr = 0;
    this.waiting = WAIT_NONE;
    this.sim.timerEvents++;
    this.sim.trace?.countTimerEvent();
    this.runStep(S.guest_deliver, this.sim.cost(S.guest_deliver), TAG_DELIVER);
  }

  /** RDTSC in the guest (no exit). */
  rdtsc(): number {
    return kvm_read_l1_tsc(this.sim.tsc, this.sim.now);
  }

  /** The deadline (guest TSC) the next sample is measured against. */
  beginSampleAtGuestTsc(guest_tsc: number): void {
    this.sim.beginSample(hostTscForGuest(this.sim.tsc, guest_tsc));
  }

  /** The next sample is measured from now (per-iteration benchmarks). */
  beginSampleNow(): void {
    this.sim.beginSample(this.sim.now);
  }

  record(value: number): void {
    this.sim.recordSample(value);
  }

  get guestTscKhz(): number {
    return this.sim.tsc.virtual_tsc_khz;
  }
}
