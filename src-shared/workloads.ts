/**
 * The workloads, strategies and their user-settable parameters, as data: names, units, defaults
 * and limits. Used by the engine, the CLI's `--set`, the API's validation and the renderer's
 * forms. Must not import anything but other src-shared modules.
 */
import type { MeasureId } from './measures.js';
import { MAX_TSC_KHZ, MIN_TSC_KHZ } from './profile.js';

export const WORKLOADS = [
  'tscdeadline-busy',
  'tscdeadline-halt',
  'vmexit-tscdeadline',
  'vmexit-tscdeadline-immed',
  'cyclictest',
] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * The workload of an imported tscdeadline_latency log: the log does not say whether the guest
 * halted or busy-waited between timers, so it is neither tscdeadline-halt nor tscdeadline-busy.
 */
export const TSCDEADLINE_GUEST_UNKNOWN = 'tscdeadline';

/** The simulated tscdeadline workloads (those of the registry measuring guest deadline → ISR), whose guest halts or busy-waits. */
export function isTscdeadlineWorkload(workload: string): boolean {
  return isWorkload(workload) && WORKLOAD_INFO[workload].measure === 'guest-deadline-to-isr';
}

/** What a workload's samples are. */
export type WorkloadMetric = 'latency' | 'cycles per iteration';

export interface WorkloadInfo {
  title: string;
  /** What one sample is, in a sentence. */
  measures: string;
  /** The kind of number a sample is: charts, tables and reports label the axis with it. */
  metric: WorkloadMetric;
  /** What its samples measure, in the measures registry: a measured run of the same kind compares with it. */
  measure: MeasureId;
  unit: string;
  /**
   * The parameter that sets how far apart the workload's timer events are (one sample's span of
   * simulated time) and its unit; null when the deadline is always "now".
   */
  spanParam: { name: string; unit: 'guest cycles' | 'µs' } | null;
}

export const WORKLOAD_INFO: Readonly<Record<Workload, WorkloadInfo>> = {
  'tscdeadline-busy': {
    title: 'tscdeadline_latency, busy-waiting guest',
    measures: 'guest TSC at ISR entry minus the programmed deadline; the guest spins between timers',
    metric: 'latency',
    measure: 'guest-deadline-to-isr',
    unit: 'guest TSC cycles',
    spanParam: { name: 'delta', unit: 'guest cycles' },
  },
  'tscdeadline-halt': {
    title: 'tscdeadline_latency (kvm-unit-tests)',
    measures: 'guest TSC at ISR entry minus the programmed deadline; the guest halts after re-arming',
    metric: 'latency',
    measure: 'guest-deadline-to-isr',
    unit: 'guest TSC cycles',
    spanParam: { name: 'delta', unit: 'guest cycles' },
  },
  'vmexit-tscdeadline': {
    title: 'vmexit.c tscdeadline',
    measures: 'cycles per iteration: WRMSR deadline = rdtsc()+3000, spin until the ISR runs',
    metric: 'cycles per iteration',
    measure: 'cycles-per-iteration',
    unit: 'guest TSC cycles per iteration',
    spanParam: { name: 'vmexitDelta', unit: 'guest cycles' },
  },
  'vmexit-tscdeadline-immed': {
    title: 'vmexit.c tscdeadline_immed',
    measures: 'cycles per iteration: WRMSR deadline = rdtsc(), the interrupt must arrive at once',
    metric: 'cycles per iteration',
    measure: 'cycles-per-iteration',
    unit: 'guest TSC cycles per iteration',
    spanParam: null,
  },
  cyclictest: {
    title: 'cyclictest in the guest (clock_nanosleep, TIMER_ABSTIME)',
    measures: 'wake-up time minus the planned absolute wake-up, through the guest kernel',
    metric: 'latency',
    measure: 'wakeup-latency',
    unit: 'guest TSC cycles',
    spanParam: { name: 'interval', unit: 'µs' },
  },
};

export function isWorkload(v: unknown): v is Workload {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(WORKLOAD_INFO, v);
}

/** What a stored run's workload measures (null for a name outside the registry). */
export function measureOfWorkload(workload: string): MeasureId | null {
  if (workload === TSCDEADLINE_GUEST_UNKNOWN) return 'guest-deadline-to-isr'; // an imported log whose guest idle is not known
  return isWorkload(workload) ? WORKLOAD_INFO[workload].measure : null;
}

/** The metric of a stored run's workload name (measured runs may carry other names). */
export function workloadMetric(workload: string): WorkloadMetric {
  return isWorkload(workload) ? WORKLOAD_INFO[workload].metric : 'latency';
}

/** A parameter the user can set with `--set name=value` or in the new-experiment form. */
export interface ParamSpec {
  name: string;
  /** `release`: a Linux version X.Y[.Z]. */
  kind: 'int' | 'enum' | 'bool' | 'release';
  /** The 4.9 / HSW-2016 default; `defaultFrom` says where a run's default really comes from. */
  default: number | string | boolean;
  /** The run's profile (its kernel, APICv) or the run's kernel release decides the default. */
  defaultFrom?: 'profile' | 'kernel';
  unit?: string;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Which workloads read it; absent = every workload. */
  workloads?: readonly Workload[];
  help: string;
}

/** Workload and strategy options (profile costs are listed by the profile itself). */
export const RUN_PARAMS: readonly ParamSpec[] = [
  {
    name: 'delta',
    kind: 'int',
    default: 200_000,
    unit: 'guest cycles',
    min: 1_000,
    max: 1e11,
    workloads: ['tscdeadline-busy', 'tscdeadline-halt'],
    help: 'TSC cycles between the ISR rdtsc and the next deadline (tscdeadline_latency argv[1])',
  },
  {
    name: 'breakmax',
    kind: 'int',
    default: 0,
    unit: 'guest cycles',
    min: 0,
    max: 2_000_000_000,
    workloads: ['tscdeadline-busy', 'tscdeadline-halt'],
    help: 'stop at the first sample above this many cycles (0 = off; tscdeadline_latency argv[3])',
  },
  {
    name: 'vmexitDelta',
    kind: 'int',
    default: 3_000,
    unit: 'guest cycles',
    min: 0,
    max: 1e9,
    workloads: ['vmexit-tscdeadline'],
    help: 'deadline distance of vmexit.c tscdeadline (rdtsc()+3000)',
  },
  {
    name: 'interval',
    kind: 'int',
    default: 1000,
    unit: 'µs',
    min: 10,
    max: 10_000_000,
    workloads: ['cyclictest'],
    help: 'cyclictest -i: base interval of the measuring thread',
  },
  {
    name: 'guestIdle',
    kind: 'enum',
    default: 'hlt',
    values: ['hlt', 'poll'],
    workloads: ['cyclictest'],
    help: 'how the guest idles between wake-ups: HLT (default kernel idle) or idle=poll (RT guests)',
  },
  {
    name: 'hostNoise',
    kind: 'bool',
    default: false,
    help: 'random host interrupts and preemption of the vCPU thread (off = isolated pCPU)',
  },
  {
    name: 'hostIrqRateHz',
    kind: 'int',
    default: 2000,
    unit: 'Hz',
    min: 0,
    max: 1_000_000,
    help: 'rate of unrelated host interrupts on the vCPU pCPU when hostNoise is on',
  },
  {
    name: 'hostIrqCycles',
    kind: 'int',
    default: 3000,
    unit: 'cycles',
    min: 0,
    max: 100_000_000,
    help: 'mean host time of one unrelated interrupt (handler + softirq); at most 10^8 so that a delayed sample still fits its 32-bit store',
  },
  {
    name: 'preemptRateHz',
    kind: 'int',
    default: 100,
    unit: 'Hz',
    min: 0,
    max: 100_000,
    help: 'rate at which another host task preempts the vCPU thread when hostNoise is on',
  },
  {
    name: 'preemptCycles',
    kind: 'int',
    default: 60_000,
    unit: 'cycles',
    min: 0,
    max: 100_000_000,
    help: 'mean time the vCPU thread stays preempted; at most 10^8 so that a delayed sample still fits its 32-bit store',
  },
  {
    name: 'warmup',
    kind: 'int',
    default: 0,
    unit: 'samples',
    min: 0,
    max: 1_000_000,
    help: 'samples run and discarded before recording starts (the benchmark\'s cold start: halt-polling window, advance tuning); later shards always warm up',
  },
  {
    name: 'kernel',
    kind: 'release',
    default: '4.9',
    defaultFrom: 'profile',
    help: 'host Linux release (X.Y or X.Y.Z, 4.9 or later): the run gets the KVM timer mechanisms that release has (`timer-lab kernels` lists them); default: the profile\'s kernel',
  },
  {
    name: 'apicv',
    kind: 'bool',
    default: true,
    defaultFrom: 'profile',
    help: 'APIC virtualization (Intel APICv / AMD AVIC): without it every timer interrupt is injected through the VM-entry fields and the guest EOI exits; default: the profile\'s',
  },
  {
    name: 'mitigations',
    kind: 'bool',
    default: true,
    help: 'speculative-execution mitigations on VM exit and entry (the profile\'s mitigation costs; kernels from 4.15 on)',
  },
  {
    name: 'timerAdvanceNs',
    kind: 'int',
    default: 0,
    defaultFrom: 'kernel',
    unit: 'ns',
    min: -1,
    max: 1_000_000,
    help: 'kvm.lapic_timer_advance_ns: 0 = off; N = fixed (4.9: hrtimer path only; 4.18+: hv timer too; 4.20–5.0: the start of one global auto-tuning); -1 = adaptive per vCPU (5.1+); from 6.10 only on (-1) or off (0); default: the kernel\'s (0 until 4.19, 1000 in 4.20–5.0, -1 from 5.1)',
  },
  {
    name: 'hltInGuest',
    kind: 'bool',
    default: false,
    help: 'HLT passthrough (KVM_CAP_X86_DISABLE_EXITS): the guest halts in C1 without a VM exit; the preemption timer keeps counting',
  },
  {
    name: 'haltPollNs',
    kind: 'int',
    default: 400_000,
    defaultFrom: 'kernel',
    unit: 'ns',
    min: 0,
    max: 100_000_000,
    help: 'kvm.halt_poll_ns: cap of the adaptive halt-polling window (0 = never poll); default: the kernel\'s (400000 until 4.11, 200000 from 4.12)',
  },
  {
    name: 'tscScaling',
    kind: 'bool',
    default: false,
    help: 'run the guest TSC at guestTscKhz with VMX TSC scaling (48-bit fraction)',
  },
  {
    name: 'guestTscKhz',
    kind: 'int',
    default: 2_000_000,
    unit: 'kHz',
    min: MIN_TSC_KHZ,
    max: MAX_TSC_KHZ,
    help: 'guest TSC frequency when tscScaling is on',
  },
];

export const DEFAULT_SAMPLES = 10_000;
/** Samples per run: 20M int32 samples are 80 MB in memory and ≈28 MB stored. */
export const MAX_SAMPLES = 20_000_000;
