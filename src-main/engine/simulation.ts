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
import { TraceBuffer } from './trace.js';
import { KVM_DEFAULT_TSC_SCALING_RATIO, tscScalingRatio, type VcpuTsc } from './tsc.js';
import { createLapic, type KvmLapic } from './kvm/lapic.js';
import { createVmx, type VcpuVmx } from './kvm/vmx.js';
import { createHostTimer, type HostTimer } from './kvm/hrtimer.js';
import { createVcpu, type Vcpu } from './kvm/x86.js';
import { STRATEGY_OPS, type KvmX86Ops } from './strategies.js';
import { EVENT_HANDLERS } from './event-handlers.js';
import { EVENT_NAMES, WAIT_FOREIGN, WAIT_GUEST, WAIT_IDLE, type WaitKind } from './events.js';
import type { GuestCpu } from './guest/guest-cpu.js';
import type { HostNoise } from './host-noise.js';


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
}

export class Simulation {
  now = 0;
  readonly heap = new EventHeap();
  readonly rng: Rng;
  readonly config: RunConfig;
  readonly ops: KvmX86Ops;
  readonly X: number;
  /** 2^X: cycles per preemption-timer tick. */
  readonly hvTick: number;
  readonly tsc_khz: number;
  readonly tsc: VcpuTsc;
  readonly lapic: KvmLapic;
  readonly vmx: VcpuVmx;
  readonly host: HostTimer;
  readonly vcpu: Vcpu;
  guest!: GuestCpu;
  /** Unrelated host interrupts and preemptions, when the run has host noise. */
  noise: HostNoise | null = null;
  readonly trace: TraceBuffer | null;

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
  /** Host time at which the deadline of the sample being measured passes (+∞ = none). */
  critStart = Infinity;
  idleCycles = 0;
  foreignCycles = 0;
  timerEvents = 0;

  // samples
  readonly target: number;
  readonly samples: Int32Array;
  sampleCount = 0;
  done = false;
  stoppedBy: 'breakmax' | 'cancelled' | null = null;
  private readonly onProgress: SimulationOptions['onProgress'];
  private readonly progressEvery: number;

  constructor(config: RunConfig, seed: number, sampleTarget: number, opts: SimulationOptions = {}) {
    this.config = config;
    this.rng = new Rng(seed);
    this.ops = STRATEGY_OPS[config.strategy];
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
    this.lapic = createLapic();
    this.vmx = createVmx();
    this.host = createHostTimer();
    this.vcpu = createVcpu(p.haltPollNs);
    this.trace = opts.trace ? new TraceBuffer(3, opts.traceTimerEvents ?? 2000) : null;
    this.target = sampleTarget;
    this.samples = new Int32Array(sampleTarget);
    this.onProgress = opts.onProgress;
    this.progressEvery = opts.progressEvery ?? 16384;
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
    const d = this.cost(step);
    this.work(step, this.now, this.now + d);
    this.now += d;
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

  /** Accounts an interval of guest work that already happened (a guest step, maybe cut short). */
  guestWork(step: number, a: number, b: number): void {
    if (b > a) this.work(step, a, b);
  }

  /** The guest programmed the deadline whose latency the next sample measures. */
  beginSample(hostTime: number): void {
    this.critStart = hostTime;
    this.clearCrit(false);
  }

  /** Records one latency sample (guest TSC cycles) and folds its critical path into the totals. */
  recordSample(value: number): void {
    if (this.done) return;
    // Samples are stored as int32; a latency beyond ±2^31 cycles (minutes) is saturated, not wrapped.
    this.samples[this.sampleCount++] = value > 2147483647 ? 2147483647 : value < -2147483648 ? -2147483648 : value;
    this.clearCrit(true);
    this.critStart = Infinity;
    if (this.sampleCount >= this.target) this.done = true;
    else if (this.onProgress && this.sampleCount % this.progressEvery === 0) {
      if (this.onProgress(this.sampleCount) === false) {
        this.stoppedBy = 'cancelled';
        this.done = true;
      }
    }
  }

  /** Stops collecting (tscdeadline_latency breakmax). */
  stop(reason: 'breakmax'): void {
    this.stoppedBy = reason;
    this.done = true;
  }

  traceEvent(event: string, text: string): void {
    this.trace?.add(this.now, event, text);
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
      throw new SimulationStalledError(
        `simulated time stopped advancing at cycle ${this.now} after ${this.sampleCount} samples: ${MAX_EVENTS_WITHOUT_PROGRESS} ${EVENT_NAMES[heap.lastKind]} events took no time; the costs on this path are all zero`,
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
