/**
 * Helpers of the per-release scenario tests: traced zero-jitter runs on any built-in profile,
 * exact step sequences (each trace line with the host cycles since the line before, checked
 * against sums of profile costs), timer cycles cut out of a trace, and a scripted guest for the
 * LVTT modes no workload uses (one-shot, periodic, masked).
 */
import { expect } from 'vitest';
import { buildRunConfig, builtinProfile, DEFAULT_PROFILE, simulate, type TraceRecord } from '../../../src-main/engine/index.js';
import { Simulation } from '../../../src-main/engine/simulation.js';
import { shardSeed } from '../../../src-main/engine/rng.js';
import { GuestCpu, type GuestProgram } from '../../../src-main/engine/guest/guest-cpu.js';
import { createGuestProgram } from '../../../src-main/engine/guest/index.js';
import { MODE_IN_GUEST } from '../../../src-main/engine/kvm/vcpu-mode.js';
import type { Profile } from '../../../src-shared/profile.js';
import type { RunConfig } from '../../../src-shared/config.js';
import type { Strategy } from '../../../src-shared/strategies.js';
import type { Workload } from '../../../src-shared/workloads.js';
import { noJitter } from './helpers.js';

export type { Strategy, Workload };

export function profileNamed(name: string): Profile {
  const p = builtinProfile(name);
  if (!p) throw new Error(`no built-in profile ${name}`);
  return p;
}

/** Sum of the nominal cycles of the named costs of a profile. */
export function costs(profile: Profile = DEFAULT_PROFILE): (...names: string[]) => number {
  return (...names) =>
    names.reduce((sum, n) => {
      const c = profile.costs[n];
      if (!c) throw new Error(`profile ${profile.name} has no cost ${n}`);
      return sum + c.cycles;
    }, 0);
}

export interface ScenarioRequest {
  workload: Workload;
  strategy: Strategy;
  samples: number;
  set?: Record<string, unknown>;
  profile?: Profile;
  seed?: number;
}

/** The run's configuration with every cost's jitter off (on top of `set`). */
export function scenarioConfig(r: ScenarioRequest): RunConfig {
  return buildRunConfig({
    workload: r.workload,
    strategy: r.strategy,
    profile: r.profile ?? DEFAULT_PROFILE,
    samples: r.samples,
    seed: r.seed ?? 1,
    set: { ...noJitter(), ...(r.set ?? {}) },
  });
}

/** A traced zero-jitter run. */
export function scenario(r: ScenarioRequest) {
  const run = simulate(scenarioConfig(r), { trace: true });
  if (!run.trace) throw new Error('no trace');
  return { run, trace: run.trace, samples: run.samples, summary: run.summary };
}

/** `event text` with a trailing "\n" of the old kvm_hv_timer_state format dropped. */
export function line(r: TraceRecord): string {
  return `${r.event} ${r.text.trimEnd()}`;
}

/** A pattern line: `*` stands for one run of non-blank characters. */
export function lineMatches(actual: string, pattern: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '\\S+' : '\\' + c)) + '$');
  return re.test(actual);
}

/**
 * One expected step: the trace line (pattern) and the host cycles since the previous line, or
 * null where the gap is not a sum of costs (a countdown, a wait for the deadline).
 */
export type Step = readonly [pattern: string, gap: number | null];

/** `[line, gap]` of each record (the first gap is 0). */
export function steps(records: readonly TraceRecord[]): Array<[string, number]> {
  return records.map((r, i) => [line(r), i === 0 ? 0 : r.t - records[i - 1]!.t]);
}

function show(records: readonly TraceRecord[]): string {
  return steps(records)
    .map(([l, g]) => `${String(g).padStart(9)}  ${l}`)
    .join('\n');
}

/** Asserts the exact sequence of lines and the gaps that are given. */
export function expectSteps(records: readonly TraceRecord[], expected: readonly Step[]): void {
  const got = steps(records);
  const ok =
    got.length === expected.length &&
    got.every(([l, g], i) => lineMatches(l, expected[i]![0]) && (i === 0 || expected[i]![1] === null || expected[i]![1] === g));
  if (!ok) {
    const want = expected.map(([p, g]) => `${g === null ? '        ?' : String(g).padStart(9)}  ${p}`).join('\n');
    expect.fail(`trace steps differ\n--- actual\n${show(records)}\n--- expected\n${want}`);
  }
}

/** The records from each record that starts a cycle up to the next one (the last, open cycle is dropped). */
export function cycles(trace: readonly TraceRecord[], starts: (r: TraceRecord, i: number) => boolean): TraceRecord[][] {
  const at: number[] = [];
  trace.forEach((r, i) => {
    if (starts(r, i)) at.push(i);
  });
  const out: TraceRecord[][] = [];
  for (let k = 0; k + 1 < at.length; k++) out.push(trace.slice(at[k], at[k + 1]));
  return out;
}

/** A guest's re-arm of IA32_TSC_DEADLINE starts a cycle: its MSR_WRITE exit (the next record is about 6e0). */
export function isDeadlineWriteExit(trace: readonly TraceRecord[]): (r: TraceRecord, i: number) => boolean {
  return (r, i) => {
    if (r.event !== 'kvm_exit' || !r.text.includes('MSR_WRITE')) return false;
    for (let j = i + 1; j < trace.length; j++) {
      const n = trace[j]!;
      if (n.event === 'kvm_msr') return n.text.startsWith('msr_write 6e0');
      if (n.event === 'kvm_exit') return false;
    }
    return false;
  };
}

/** The deadline-write cycles of a trace. */
export function deadlineCycles(trace: readonly TraceRecord[]): TraceRecord[][] {
  return cycles(trace, isDeadlineWriteExit(trace));
}

/** Guest TSC − deadline printed by kvm_wait_lapic_expire. */
export function delta(r: TraceRecord): number {
  const m = /delta (-?\d+) \((early|late)\)/.exec(r.text);
  if (!m) throw new Error(`not a kvm_wait_lapic_expire record: ${r.text}`);
  return Number(m[1]);
}

/**
 * A scripted guest (tests only): runs `script` step by step; each entry is an action on the
 * GuestCpu, and the next runs when the previous instruction completes (after its VM exit, if it
 * had one). `onInterrupt` is the ISR (default: EOI + iret, then nothing).
 */
export class ScriptedGuest implements GuestProgram {
  readonly interrupts: number[] = [];
  private next = 0;
  constructor(
    private readonly script: ReadonlyArray<(g: GuestCpu, tag: number) => void>,
    private readonly onInterrupt: (g: GuestCpu, vector: number) => void = (g) => g.eoiIret(1_000_000),
  ) {}
  start(g: GuestCpu): void {
    this.step(g, 0);
  }
  step(g: GuestCpu, tag: number): void {
    if (tag === 1_000_000) {
      g.waitForInterrupt(); // the ISR's iret: back to the guest's wait loop
      return;
    }
    const action = this.script[this.next++];
    if (action) action(g, this.next);
  }
  interrupt(g: GuestCpu, vector: number): void {
    this.interrupts.push(g.sim.now);
    this.onInterrupt(g, vector);
  }
}

/** A shard's Simulation running `program` from guest mode, traced; `run(untilCycles)` steps the heap. */
export function scriptedSim(r: Omit<ScenarioRequest, 'workload' | 'samples'>, program: GuestProgram) {
  const c = scenarioConfig({ ...r, workload: 'tscdeadline-busy', samples: 1 });
  const sim = new Simulation(c, shardSeed(c.seed, 0), 1, { trace: true, traceTimerEvents: 1000 });
  sim.guest = new GuestCpu(sim, program);
  sim.vcpu.mode = MODE_IN_GUEST;
  const t0 = sim.now;
  sim.guest.start();
  return {
    sim,
    t0,
    /** Runs events until the clock passes t0 + cycles or nothing is pending. */
    runFor(cycles: number): void {
      const end = t0 + cycles;
      while (sim.heap.peekTime() <= end && sim.step()) {
        /* next event */
      }
    },
    trace: (): TraceRecord[] => sim.trace!.records,
  };
}

/**
 * Runs a zero-jitter shard built as createShardSimulation builds it and calls `probe` at each of
 * the first `n` timer interrupts the guest takes, when its ISR starts (the advance tuning of that
 * delivery has run by then).
 */
export function perDelivery<T>(r: Omit<ScenarioRequest, 'samples'>, n: number, probe: (sim: Simulation) => T): T[] {
  const c = scenarioConfig({ ...r, samples: n + 2 });
  const sim = new Simulation(c, shardSeed(c.seed, 0), n + 2, { trace: true, traceTimerEvents: n + 2 });
  const program = createGuestProgram(c);
  const out: T[] = [];
  sim.guest = new GuestCpu(sim, {
    start: (g) => program.start(g),
    step: (g, tag) => program.step(g, tag),
    interrupt: (g, vector) => {
      if (out.length < n) out.push(probe(sim));
      program.interrupt(g, vector);
    },
  });
  sim.vcpu.mode = MODE_IN_GUEST;
  sim.guest.start();
  while (out.length < n && !sim.done && sim.step()) {
    /* next event */
  }
  return out;
}
