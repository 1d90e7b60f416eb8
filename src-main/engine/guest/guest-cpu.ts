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
import { guest_hlt, guest_wrmsr, MSR_IA32_TSCDEADLINE, MSR_X2APIC_EOI } from '../kvm/x86.js';
import { apic_timer_virt_handles, apic_timer_virt_on_entry, apic_timer_virt_wrmsr } from '../kvm/apic-timer-virt.js';

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
/** The x2APIC EOI write of an ISR without APICv returned; iret follows. */
const TAG_EOI_WRITTEN = -3;
/** Nesting limit of steps finished inline; deeper chains continue from the heap. */
const MAX_INLINE_STEPS = 64;

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
  /** Tag of the ISR's iret step, while its EOI write is out in KVM (no APICv). */
  private afterEoi = 0;
  /** Guest steps being finished inline, one inside the other (see runStep). */
  private inlineDepth = 0;

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
    const sim = this.sim;
    this.stepId = step;
    this.stepTag = tag;
    this.stepStart = sim.now;
    this.stepEnd = sim.now + cycles;
    this.stepRemaining = -1;
    // Nothing else can happen before this step ends (no event is due until later): finish it at
    // once instead of through the heap. Same order of work, same result, no heap traffic. A
    // zero-length step, the end of the run, and deep chains of steps go through the heap.
    if (cycles > 0 && sim.heap.peekTime() > this.stepEnd && !sim.done && this.inlineDepth < MAX_INLINE_STEPS) {
      this.inlineDepth++;
      this.finishStep(this.stepEnd);
      this.inlineDepth--;
      return;
    }
    sim.schedule(this.stepEnd, EV_GUEST_STEP_DONE, ++this.stepGen);
  }

  /** Heap event: the current guest step finished (if still current). */
  onStepDone(t: number, gen: number): void {
    if (gen !== this.stepGen || this.stepRemaining >= 0 || this.stepId < 0) return;
    this.finishStep(t);
  }

  private finishStep(t: number): void {
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
    apic_timer_virt_on_entry(this.sim);
    if (this.afterExit !== null) {
      const tag = this.afterExit;
      this.afterExit = null;
      if (tag === TAG_EOI_WRITTEN) this.exec(S.guest_eoi_iret, this.afterEoi);
      else this.program.step(this, tag);
      return;
    }
    if (this.stepId >= 0 && this.stepRemaining >= 0) {
      this.runStep(this.stepId, this.stepRemaining, this.stepTag);
      return;
    }
    if (this.waiting !== WAIT_NONE && this.sim.lapic.irr !== 0) this.deliver();
  }

  /**
   * WRMSR: exits to KVM and program.step(tag) runs after the next VM entry — unless the CPU
   * virtualizes the APIC timer and takes a TSC_DEADLINE write itself.
   */
  wrmsr(msr: number, value: number, tag: number): void {
    if (msr === MSR_IA32_TSCDEADLINE && apic_timer_virt_handles(this.sim)) {
      apic_timer_virt_wrmsr(this.sim, value);
      this.exec(S.guest_wrmsr_virt, tag);
      return;
    }
    this.afterExit = tag;
    guest_wrmsr(this.sim, msr, value);
  }

  /**
   * The ISR's EOI and iret: with APICv the EOI is virtualized (no exit); without, the x2APIC EOI
   * write exits to KVM first. program.step(tag) runs after the iret.
   */
  eoiIret(tag: number): void {
    if (this.sim.apicv) {
      this.exec(S.guest_eoi_iret, tag);
      return;
    }
    this.afterEoi = tag;
    this.afterExit = TAG_EOI_WRITTEN;
    guest_wrmsr(this.sim, MSR_X2APIC_EOI, 0);
  }

  /** The guest has IF=1 and waits for an interrupt (spin or HLT): an injected vector is taken at entry. */
  get acceptsInterrupt(): boolean {
    return this.waiting !== WAIT_NONE;
  }

  /**
   * A vector reached the virtual IRR while the vCPU is in guest mode (posted interrupt, the
   * CPU's own timer): a waiting guest takes it now, a guest running with IF=0 at its next wait.
   */
  interruptArrived(): void {
    if (this.waiting !== WAIT_NONE && this.sim.lapic.irr !== 0) this.deliver();
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
    this.sim.lapic.injected = false;
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

  /** Records a sample; false when the run does not keep it (warm-up, or past the end). */
  record(value: number): boolean {
    return this.sim.recordSample(value);
  }

  get guestTscKhz(): number {
    return this.sim.tsc.virtual_tsc_khz;
  }
}
