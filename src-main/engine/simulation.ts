/**
 * The simulation object: one per shard, owning every piece of state (clock in host TSC cycles,
 * event heap, PRNG, vCPU/LAPIC/VMX/host-timer state, guest program, accounting). No module-level
 * mutable state exists anywhere in the engine, so shards can run side by side in one thread.
 * Host and KVM code paths run synchronously and advance `now` step by step (`spend`); only
 * asynchronous hardware events (host timer interrupt, preemption-timer zero, end of a guest
 * step, end of the halt-poll window, host noise) go through the heap.
 * Must not import node:*, electron, sqlite, clocks or Math.random.
 */
import type { RunConfig } from '../../src-shared/config.js';
import { COST_NAMES } from '../../src-shared/profile.js';
import { EventHeap } from './event-heap.js';
import { Rng } from './rng.js';
import { EXIT_NAMES, STEP_COUNT } from './steps.js';
import { TraceBuffer, type TraceRecord } from './trace.js';
import { KVM_DEFAULT_TSC_SCALING_RATIO, tscScalingRatio, type VcpuTsc } from './tsc.js';
import { createLapic, type KvmLapic } from './kvm/lapic.js';
import { createVmx, type VcpuVmx } from './kvm/vmx.js';
import { createHostTimer, createHousekeepingTimer, type HostTimer } from './kvm/hrtimer.js';
import { createTimerAdvance, type TimerAdvance } from './kvm/advance.js';
import { createApicTimerVirt, type ApicTimerVirt } from './kvm/apic-timer-virt.js';
import { HOUSEKEEPING_CPU } from './kvm/posted.js';
import { MODE_SLEEPING } from './kvm/vcpu-mode.js';
import { runFeatures } from '../../src-shared/run-checks.js';
import type { KernelFeatures } from '../../src-shared/kernels.js';
import { createVcpu, type Vcpu } from './kvm/x86.js';
import { hardware_setup, type KvmX86Ops } from './strategies.js';
import { EVENT_HANDLERS } from './event-handlers.js';
import { EVENT_NAMES, WAIT_FOREIGN, WAIT_GUEST, WAIT_IDLE, type WaitKind } from './events.js';
import type { GuestCpu } from './guest/guest-cpu.js';
import type { HostNoise } from './host-noise.js';


/** The pCPU the vCPU thread runs on, and its thread id, in traces. */
export const VCPU_CPU = 3;
export const VCPU_PID = 4242;
/** The idle task (swapper), as trace-cmd prints it: `<idle>-0`. */
export const IDLE_PID = 0;

/** Events in a row that may leave the clock where it was before the run is declared stuck. */
export const MAX_EVENTS_WITHOUT_PROGRESS = 100_000;

/** The run cannot make progress (a configuration whose loop takes no simulated time). */
export class SimulationStalledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationStalledError';
  }
}

export interface SimulationOptions {
  trace?: boolean;
  /** Timer events to trace (default 2000). */
  traceTimerEvents?: number;
  /** Called every `progressEvery` samples; return false to stop the run early. */
  onProgress?: (samplesDone: number) => boolean | void;
  progressEvery?: number;
  /** Samples to run and discard before recording (their accounting is dropped too). */
  warmup?: number;
  /** Record the trace of these samples only (indices in this shard): from arming to the sample. */
  windows?: readonly number[];
}

/** The events of one sample, from the arming of its deadline to its measurement. */
export interface SampleWindow {
  /** Index of the sample in its shard. */
  index: number;
  value: number;
  /** Host TSC time of the sample's start (the deadline; for the vmexit workloads, the WRMSR), the events' clock. */
  deadline: number;
  events: TraceRecord[];
}

/** At most this many events are kept per sample window (a window is one timer period). */
export const MAX_WINDOW_EVENTS = 5_000;

/** A latency that does not fit the int32 sample store: the run fails rather than keep a wrong value. */
export class SampleRangeError extends Error {
  constructor(value: number) {
    super(`a sample of ${value} cycles does not fit the 32-bit sample store (±2^31 cycles); the run is refused rather than saved with a clipped value — lower the parameter that delays it (preemptCycles, hostIrqCycles, vmexitDelta)`);
    this.name = 'SampleRangeError';
  }
}

export class Simulation {
  now = 0;
  readonly heap = new EventHeap();
  readonly rng: Rng;
  readonly config: RunConfig;
  readonly ops: KvmX86Ops;
  readonly X: number = 0;
  /** 2^X: cycles per preemption-timer tick. */
  readonly hvTick: number = 0;
  readonly tsc_khz: number = 0;
  readonly tsc: VcpuTsc;
  readonly lapic: KvmLapic;
  readonly vmx: VcpuVmx;
  /** The vCPU's CPU's hrtimer base and comparator. */
  readonly host: HostTimer;
  /** A housekeeping CPU's hrtimer base: where the unpinned LAPIC hrtimer fires (posted timer interrupts). */
  readonly hk: HostTimer;
  readonly vcpu: Vcpu;
  /** The mechanisms the run's kernel release has (src-shared/kernels.ts). */
  readonly kernel: KernelFeatures;
  /** APICv (Intel) / AVIC (AMD): virtual-interrupt delivery, posted interrupts. */
  readonly apicv: boolean;
  /** Speculative-execution mitigations run on exit and entry (kernel 4.15+ and mitigations=on). */
  readonly mitigations: boolean;
  /** kvm.pi_inject_timer=1 (5.3+): the LAPIC hrtimer is unpinned and may post its interrupt. */
  readonly pi_inject_timer: boolean;
  /** kvm_can_post_timer_interrupt: pi_inject_timer with APICv (and, 5.18+, HLT/MWAIT passthrough). */
  readonly can_post_timer_interrupt: boolean;
  /** The LAPIC timer advance (kvm.lapic_timer_advance_ns) and its tuning state. */
  readonly advance: TimerAdvance;
  /** The CPU's APIC-timer virtualization state (strategy apic-timer-virt). */
  readonly virt: ApicTimerVirt;
  /** Housekeeping-CPU cycles spent on the vCPU's timer (posted timer interrupts). */
  hkCycles = 0;
  /** The code running now runs on the housekeeping CPU (its clock is `now` meanwhile). */
  onHk = false;
  guest!: GuestCpu;
  /** Unrelated host interrupts and preemptions, when the run has host noise. */
  noise: HostNoise | null = null;
  /** The trace being recorded: the run's first timer events, or the window of a chosen sample. */
  trace: TraceBuffer | null;
  /** Samples whose windows are recorded, and the windows recorded so far. */
  private readonly windowTargets: ReadonlySet<number> | null;
  readonly windows: SampleWindow[] = [];
  /** Host time the sample being recorded as a window started at. */
  private windowDeadline = 0;

  // cost table by step id
  private readonly costCycles = new Float64Array(STEP_COUNT);
  private readonly costJitter = new Float64Array(STEP_COUNT);

  // accounting
  readonly stepCycles = new Float64Array(STEP_COUNT);
  readonly critCycles = new Float64Array(STEP_COUNT);
  private readonly critCurrent = new Float64Array(STEP_COUNT);
  /** Steps with a non-zero critCurrent entry (so a sample touches only those). */
  private readonly critDirty = new Int32Array(STEP_COUNT);
  private critDirtyCount = 0;
  readonly exitCount = new Float64Array(EXIT_NAMES.length);
  readonly exitCycles = new Float64Array(EXIT_NAMES.length);
  /** What `perf kvm stat` sees per exit reason: kvm_exit → kvm_entry time and count. */
  readonly exitTracedCycles = new Float64Array(EXIT_NAMES.length);
  readonly exitTracedCount = new Float64Array(EXIT_NAMES.length);
  /** Host time at which the deadline of the sample being measured passes (+∞ = none). */
  critStart = Infinity;
  idleCycles = 0;
  foreignCycles = 0;
  timerEvents = 0;

  // samples
  readonly target: number = 0;
  readonly samples: Int32Array;
  sampleCount = 0;
  /** Samples still to discard before recording. */
  private warmupLeft = 0;
  done = false;
  stoppedBy: 'breakmax' | 'cancelled' | null = null;
  private readonly onProgress: SimulationOptions['onProgress'];
  private readonly progressEvery: number = 0;

  constructor(config: RunConfig, seed: number, sampleTarget: number, opts: SimulationOptions = {}) {
    this.config = config;
    this.rng = new Rng(seed);
    this.ops = hardware_setup(config.strategy, config.profile.vendor ?? 'intel');
    this.X = config.profile.X;
    this.hvTick = 2 ** this.X;
    this.tsc_khz = config.profile.tsc_khz;
    for (let i = 0; i < COST_NAMES.length; i++) {
      const c = config.profile.costs[COST_NAMES[i]!]!;
      this.costCycles[i] = c.cycles;
      this.costJitter[i] = c.jitter;
    }
    const p = config.params;
    const scaled = p.tscScaling && p.guestTscKhz !== this.tsc_khz;
    // The host has been up a while and the guest TSC started later: random phases per shard.
    this.now = 1_000_000_000 + Math.floor(this.rng.next() * 1_000_000_000);
    this.tsc = {
      tsc_offset: -Math.floor(this.rng.next() * 500_000_000),
      tsc_scaling_ratio: scaled ? tscScalingRatio(p.guestTscKhz, this.tsc_khz) : KVM_DEFAULT_TSC_SCALING_RATIO,
      virtual_tsc_khz: scaled ? p.guestTscKhz : this.tsc_khz,
      scaled,
    };
    this.kernel = runFeatures(config);
    this.apicv = p.apicv;
    this.mitigations = p.mitigations && this.kernel.spec_mitigations;
    this.pi_inject_timer = this.ops.pi_inject_timer === true && this.kernel.posted_timer;
    this.can_post_timer_interrupt =
      this.pi_inject_timer && this.apicv && (!this.kernel.posted_needs_hlt_mwait || p.hltInGuest);
    this.advance = createTimerAdvance(p.timerAdvanceNs, this.kernel);
    this.virt = createApicTimerVirt();
    this.lapic = createLapic();
    this.vmx = createVmx();
    this.host = createHostTimer();
    this.hk = createHousekeepingTimer();
    this.vcpu = createVcpu(p.haltPollNs);
    this.trace = opts.trace ? new TraceBuffer(opts.traceTimerEvents ?? 2000) : null;
    this.target = sampleTarget;
    this.samples = new Int32Array(sampleTarget);
    this.onProgress = opts.onProgress;
    this.progressEvery = opts.progressEvery ?? 16384;
    this.warmupLeft = opts.warmup ?? 0;
    this.windowTargets = opts.windows && opts.windows.length > 0 ? new Set(opts.windows) : null;
    if (this.windowTargets) this.trace = null;
  }

  /** Still discarding warm-up samples (a benchmark's own early stop does not apply yet). */
  get warmingUp(): boolean {
    return this.warmupLeft > 0;
  }

  /** The end of the warm-up: what it cost is not part of the run's accounting. */
  private resetAccounting(): void {
    for (const a of [this.stepCycles, this.critCycles, this.exitCount, this.exitCycles, this.exitTracedCycles, this.exitTracedCount]) a.fill(0);
    this.idleCycles = 0;
    this.foreignCycles = 0;
    this.timerEvents = 0;
    this.hkCycles = 0;
  }

  /** Jittered cost of a step, in cycles. */
  cost(step: number): number {
    return this.rng.jittered(this.costCycles[step]!, this.costJitter[step]!);
  }

  /** Nominal (un-jittered) cost of a step. */
  nominal(step: number): number {
    return this.costCycles[step]!;
  }

  /** Runs one step of host or guest work: advances the clock by its jittered cost. */
  spend(step: number): number {
    const d = this.rng.jittered(this.costCycles[step]!, this.costJitter[step]!);
    const a = this.now;
    const b = a + d;
    this.stepCycles[step]! += d;
    if (b > this.critStart) this.addCrit(step, b - (a > this.critStart ? a : this.critStart));
    this.now = b;
    return d;
  }

  /** Runs `cycles` of work attributed to `step` (a cost computed elsewhere). */
  spendCycles(step: number, cycles: number): void {
    this.work(step, this.now, this.now + cycles);
    this.now += cycles;
  }

  /**
   * Lets time pass until `t` without CPU work of ours. Before the measured deadline the wait is
   * charged to `step`'s time class (`kind`); after it, to `critStep` on the critical path.
   */
  waitUntil(t: number, kind: WaitKind, critStep: number): void {
    const a = this.now;
    if (t <= a) return;
    if (kind === WAIT_GUEST && this.guest.isRunningStep) {
      // The guest is executing a step, not waiting: that step is charged the time when it is
      // paused by the coming VM exit (GuestCpu.onExit), so the wait is not charged again.
      this.now = t;
      return;
    }
    if (kind === WAIT_IDLE) this.idleCycles += t - a;
    else if (kind === WAIT_FOREIGN) this.foreignCycles += t - a;
    if (t > this.critStart) this.addCrit(critStep, t - (a > this.critStart ? a : this.critStart));
    this.now = t;
  }

  private work(step: number, a: number, b: number): void {
    this.stepCycles[step]! += b - a;
    if (b > this.critStart) this.addCrit(step, b - (a > this.critStart ? a : this.critStart));
  }

  private addCrit(step: number, cycles: number): void {
    if (this.critCurrent[step] === 0) this.critDirty[this.critDirtyCount++] = step;
    this.critCurrent[step]! += cycles;
  }

  private clearCrit(fold: boolean): void {
    for (let i = 0; i < this.critDirtyCount; i++) {
      const step = this.critDirty[i]!;
      if (fold) this.critCycles[step]! += this.critCurrent[step]!;
      this.critCurrent[step] = 0;
    }
    this.critDirtyCount = 0;
  }

  /**
   * Runs `fn` as work of the housekeeping CPU starting at `t`: meanwhile `now` is that CPU's
   * clock, so its steps are timed and charged (to the critical path too) like the vCPU's, and
   * its busy time counts as housekeeping cycles; the vCPU's clock is restored afterwards.
   */
  onHousekeeping(t: number, fn: () => void): void {
    const vcpuNow = this.now;
    const critStart = this.critStart;
    this.now = t;
    this.onHk = true;
    try {
      fn();
    } finally {
      this.hkCycles += this.now - t;
      this.onHk = false;
      this.now = vcpuNow;
      this.critStart = critStart;
    }
  }

  /**
   * A CPU that had nothing of this sample to do sees its event at `t`: the time from the measured
   * deadline to `t` is on the critical path as `step` (the lateness of its comparator).
   */
  accountLateness(step: number, t: number): void {
    if (t > this.critStart) this.addCrit(step, t - this.critStart);
  }

  /** Hardware time of `step`'s jittered cost (no CPU work): on the critical path, not host overhead. */
  spendWait(step: number): void {
    const d = this.cost(step);
    const a = this.now;
    const b = a + d;
    if (b > this.critStart) this.addCrit(step, b - (a > this.critStart ? a : this.critStart));
    this.now = b;
  }

  /** A message in flight for `step`'s jittered cost (an IPI), on the critical path, then event `kind` where it lands. */
  scheduleAfterFlight(step: number, kind: number): void {
    const a = this.now;
    const b = a + this.cost(step);
    if (b > this.critStart) this.addCrit(step, b - (a > this.critStart ? a : this.critStart));
    this.schedule(b, kind);
    // what the housekeeping CPU does after sending is off the sample's path (onHousekeeping restores it)
    if (this.onHk) this.critStart = Infinity;
  }

  /**
   * The vCPU's CPU takes an event that arrives at `t` from elsewhere (an IPI): its clock moves on
   * without charging the wait, which the sender's path already put on the critical path.
   */
  arriveAt(t: number): void {
    if (t > this.now) this.now = t;
  }

  /** As arriveAt, for a pCPU that polled or idled until then: the wait is idle time. */
  idleUntil(t: number): void {
    if (t <= this.now) return;
    this.idleCycles += t - this.now;
    this.now = t;
  }

  /** Accounts an interval of guest work that already happened (a guest step, maybe cut short). */
  guestWork(step: number, a: number, b: number): void {
    if (b > a) this.work(step, a, b);
  }

  /** The guest programmed the deadline whose latency the next sample measures. */
  beginSample(hostTime: number): void {
    this.critStart = hostTime;
    this.clearCrit(false);
    if (this.windowTargets && !this.warmingUp) {
      this.trace = this.windowTargets.has(this.sampleCount) ? new TraceBuffer(Infinity, MAX_WINDOW_EVENTS) : null;
      this.windowDeadline = hostTime;
    }
  }

  /**
   * Records one latency sample (guest TSC cycles) and folds its critical path into the totals.
   * Returns false for a sample not kept: one of the warm-up, or one after the run's end.
   */
  recordSample(value: number): boolean {
    if (this.done) return false;
    if (this.warmupLeft > 0) {
      this.clearCrit(false);
      this.critStart = Infinity;
      if (--this.warmupLeft === 0) this.resetAccounting();
      return false;
    }
    if (value > 2147483647 || value < -2147483648) throw new SampleRangeError(value);
    if (this.windowTargets && this.trace) {
      this.windows.push({ index: this.sampleCount, value, deadline: this.windowDeadline, events: this.trace.records });
      this.trace = null;
    }
    this.samples[this.sampleCount++] = value;
    this.clearCrit(true);
    this.critStart = Infinity;
    if (this.sampleCount >= this.target) this.done = true;
    else if (this.onProgress && this.sampleCount % this.progressEvery === 0) {
      if (this.onProgress(this.sampleCount) === false) {
        this.stoppedBy = 'cancelled';
        this.done = true;
      }
    }
    return true;
  }

  /** Stops collecting (tscdeadline_latency breakmax). */
  stop(reason: 'breakmax'): void {
    this.stoppedBy = reason;
    this.done = true;
  }

  /** Records a trace event now, on the CPU running this code, in the task that runs it. */
  traceEvent(event: string, text: string): void {
    if (!this.trace) return;
    if (this.onHk) this.trace.add(this.now, HOUSEKEEPING_CPU, IDLE_PID, event, text);
    else this.trace.add(this.now, VCPU_CPU, this.vcpu.mode === MODE_SLEEPING ? IDLE_PID : VCPU_PID, event, text);
  }

  /**
   * Runs the next event from the heap (its handler runs the host, KVM and guest code it sets off,
   * synchronously). Returns false when no event is pending. Throws when simulated time has stopped
   * advancing: a configuration whose loop costs zero cycles would otherwise never end.
   */
  step(): boolean {
    const heap = this.heap;
    if (!heap.pop()) return false;
    EVENT_HANDLERS[heap.lastKind]!(this, heap.lastTime, heap.lastGeneration);
    if (this.now !== this.stallNow) {
      this.stallNow = this.now;
      this.stallEvents = 0;
    } else if (++this.stallEvents > MAX_EVENTS_WITHOUT_PROGRESS) {
      const zero = COST_NAMES.filter((_, i) => this.costCycles[i] === 0);
      throw new SimulationStalledError(
        `simulated time stopped advancing at cycle ${this.now} after ${this.sampleCount} samples: ${MAX_EVENTS_WITHOUT_PROGRESS} ${EVENT_NAMES[heap.lastKind]} events in a row took no time, so the run could never end; give the steps of this path a cost above 0 (set to 0: ${zero.join(', ') || 'none'})`,
      );
    }
    return true;
  }

  /** Runs events until the sample target, a breakmax stop or a cancel. */
  runToEnd(): void {
    while (!this.done) {
      if (!this.step()) throw new SimulationStalledError(`simulation stalled after ${this.sampleCount} samples: no pending event`);
    }
  }

  private stallNow = -1;
  private stallEvents = 0;

  schedule(time: number, kind: number, generation = 0): void {
    if (!Number.isSafeInteger(time)) throw new Error(`simulation time must be an integer below 2^53 cycles, got ${time}`);
    this.heap.push(time, kind, kind, generation);
  }
}
