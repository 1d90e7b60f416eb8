/**
 * What an imported (measured) run knows beyond its statistics, as plain data stored with the run:
 * which part of the file it holds (one thread, vCPU or VM, or all of them merged), the context
 * the file gives (kernel, CPU, TSC rate and how it is known, timestamp resolution, interval), and
 * the tables a file carries that are not a distribution (exits per reason, dropped pairs, lost
 * events, hv_timer states, kvm_wait_lapic_expire deltas, system information, every vmexit line).
 * Must not import anything but other src-shared modules.
 */
import type { MeasureId } from './measures.js';

/** The part of a file a run holds. */
export interface RunSource {
  /** `merged`: every source of the file together; `file`: the file has a single source. */
  scope: 'merged' | 'file' | 'thread' | 'vcpu' | 'vm' | 'test';
  /** Human name, e.g. "thread 2 (tid 3527, CPU 2)", "vCPU 1 (thread 1002, CPU 5)", "all 4 threads". */
  label: string;
  /** cyclictest thread number. */
  thread?: number;
  /** Thread id: cyclictest's tid, or the host thread of a vCPU. */
  tid?: number;
  /** CPU the thread or vCPU ran on (the last one seen, when it moved). */
  cpu?: number;
  vcpu?: number;
  /** Host process (VM) of a vCPU thread, when the trace records it. */
  vm?: number;
  /** vmexit test name. */
  test?: string;
}

/** How the TSC rate of a run is known. */
export type TscRateBasis = 'known' | 'estimated' | 'assumed';

export interface TscRate {
  khz: number;
  basis: TscRateBasis;
  /** Where it comes from, e.g. "given at import", "guest TSC_DEADLINE writes against hrtimer expiries (412 timer events)". */
  method: string;
  /** Relative standard error of an estimate, in percent. */
  uncertaintyPct?: number;
}

/** The context an imported file gives; null where the file does not say. */
export interface MeasureContext {
  kernel: string | null;
  /** CPU architecture (`uname -m`, or judged from the exit reason names). */
  machine: string | null;
  /** CPUs of the traced host (`cpus=N`). */
  hostCpus: number | null;
  /** PREEMPT_RT kernel (cyclictest JSON sysinfo.realtime). */
  realtime: boolean | null;
  /** Virtualisation extension judged from the exit reasons. */
  virt: 'vmx' | 'svm' | 'arm64' | null;
  tsc: TscRate | null;
  /** Step of the values in ns: trace timestamps (1000 for µs traces), cyclictest µs or ns. */
  resolutionNs: number | null;
  /** What the resolution is, e.g. "timestamps with 6 decimals (1 µs)". */
  resolutionNote: string | null;
  /** cyclictest interval, µs (one value, or the first when threads differ). */
  intervalUs: number | null;
  vms: number | null;
  vcpus: number | null;
  threads: number | null;
}

/** One exit reason of an imported run (nanoseconds; cycles only with a known or estimated TSC rate). */
export interface MeasuredExit {
  reason: string;
  count: number;
  /** Exits whose duration is known (paired with the next VM entry); perf kvm stat: all. */
  timed: number;
  totalNs: number;
  minNs: number | null;
  maxNs: number | null;
}

/** Exit → entry and expiry → entry pairing of a host trace. */
export interface PairingReport {
  exitPairs: number;
  timerPairs: number;
  /** Pairs not made, by reason ("lost events", "another exit before the entry", …). */
  dropped: Record<string, number>;
}

/** kvm_wait_lapic_expire: guest TSC at VM entry minus the deadline (negative: early). */
export interface LapicExpireStats {
  count: number;
  early: number;
  late: number;
  onTime: number;
  minCycles: number;
  maxCycles: number;
  meanCycles: number;
}

/** One row of the file's per-thread or per-vCPU table. */
export interface SourceRow {
  source: RunSource;
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Samples beyond the histogram. */
  overflow: number;
  exits: number | null;
}

/** What perf kvm stat printed for one reason, µs as the table gives them. */
export interface PerfRow {
  reason: string;
  samples: number;
  samplesPct: number | null;
  timePct: number | null;
  minUs: number | null;
  maxUs: number | null;
  meanUs: number | null;
  totalUs: number | null;
}

export interface MeasurementInfo {
  measure: MeasureId;
  source: RunSource;
  context: MeasureContext;
  /** Samples counted above a histogram's limit (stats unit): their percentiles read "> limit". */
  overflow: { count: number; limit: number } | null;
  /** The file's sources, one row each (on the merged run of a file with several). */
  sources: SourceRow[];
  exits: MeasuredExit[];
  pairing: PairingReport | null;
  /** Events the trace reports lost (CPU:N [LOST M EVENTS]). */
  lostEvents: number | null;
  /** kvm_hv_timer_state counts by state: hv_timer 0 (software hrtimer) and 1 (VMX preemption timer). */
  hvTimer: { software: number; preemption: number } | null;
  lapicExpire: LapicExpireStats | null;
  /** cyclictest JSON sysinfo as given (sysname, release, version, machine, realtime, …). */
  sysinfo: Record<string, string> | null;
  /** Every test of a vmexit file: its name, how many result lines, and their cycles per iteration (the first 1000, in file order). */
  vmexitTests: Array<{ test: string; count: number; cycles: number[] }> | null;
  perfRows: PerfRow[] | null;
  /** Lines the reader did not understand (skipped), with the first few. */
  unknownLines: { count: number; examples: Array<{ line: number; text: string }> } | null;
  warnings: string[];
  /**
   * The import options that shaped these figures (unit, TSC rate, format, timeline length), as
   * importOptionsKey writes them; absent on runs imported before it was kept (read as none).
   */
  importOptions?: string;
}

/** Context items a reader looks for, in display order, with the measures they apply to. */
export const CONTEXT_ITEMS: ReadonlyArray<{ key: keyof MeasureContext; label: string; measures?: readonly MeasureId[] }> = [
  { key: 'kernel', label: 'kernel' },
  { key: 'machine', label: 'CPU architecture' },
  { key: 'tsc', label: 'TSC rate', measures: ['host-expiry-to-entry', 'guest-deadline-to-isr', 'cycles-per-iteration', 'exit-handling-time'] },
  { key: 'resolutionNs', label: 'resolution' },
  { key: 'vcpus', label: 'VM / vCPU', measures: ['host-expiry-to-entry', 'exit-handling-time'] },
  { key: 'intervalUs', label: 'interval', measures: ['wakeup-latency'] },
];

/** The context items a run's file does not give (e.g. ["kernel", "TSC rate"]). */
export function contextGaps(ctx: MeasureContext, measure: MeasureId): string[] {
  const known = (key: keyof MeasureContext): boolean => ctx[key] !== null || (key === 'resolutionNs' && ctx.resolutionNote !== null);
  return CONTEXT_ITEMS.filter((i) => (!i.measures || i.measures.includes(measure)) && !known(i.key)).map((i) => i.label);
}

export function emptyContext(): MeasureContext {
  return {
    kernel: null,
    machine: null,
    hostCpus: null,
    realtime: null,
    virt: null,
    tsc: null,
    resolutionNs: null,
    resolutionNote: null,
    intervalUs: null,
    vms: null,
    vcpus: null,
    threads: null,
  };
}

/** How a cyclictest file's unit was settled when the import named it (its resolution note says so). */
export const UNIT_CHOSEN_AT_IMPORT = 'chosen at import';

/** A cyclictest file's resolution note: whole ns or µs, and how the unit was settled (`how`). */
export function cyclictestResolutionNote(ns: boolean, how: string): string {
  return `whole ${ns ? 'ns' : 'µs'} (${how})`;
}

/** The TSC-rate method of an import that was given the rate. */
export const TSC_GIVEN_AT_IMPORT = 'given at import';
