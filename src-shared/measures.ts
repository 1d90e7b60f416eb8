/**
 * What a run measures: the one registry of measure kinds (host expiry → VM entry, guest deadline
 * → ISR, wake-up latency, cycles per iteration, exit handling time), each with its title, unit
 * and a one-line description, and the rule deciding whether two runs can be compared with a
 * verdict. Simulated runs measure what their workload measures; imported runs what their file
 * measures. Must not import anything but other src-shared modules.
 */

export const MEASURE_IDS = [
  'host-expiry-to-entry',
  'guest-deadline-to-isr',
  'wakeup-latency',
  'cycles-per-iteration',
  'exit-handling-time',
] as const;
export type MeasureId = (typeof MEASURE_IDS)[number];

export interface MeasureInfo {
  title: string;
  /** Unit the quantity is naturally read in (stored values may be converted, e.g. µs → ns). */
  unit: string;
  description: string;
}

export const MEASURES: Record<MeasureId, MeasureInfo> = {
  'host-expiry-to-entry': {
    title: 'host expiry → VM entry',
    unit: 'ns (host trace timestamps)',
    description:
      'from the host seeing the guest timer expire (PREEMPTION_TIMER exit or apic_timer_fn hrtimer) to the next VM entry of that vCPU, from a host trace',
  },
  'guest-deadline-to-isr': {
    title: 'guest deadline → ISR',
    unit: 'guest TSC cycles',
    description: 'guest TSC at timer ISR entry minus the programmed TSC deadline (kvm-unit-tests tscdeadline_latency)',
  },
  'wakeup-latency': {
    title: 'wake-up latency',
    unit: 'µs or ns',
    description: 'actual minus planned wake-up time of a thread sleeping until an absolute time (cyclictest)',
  },
  'cycles-per-iteration': {
    title: 'cycles per iteration',
    unit: 'guest TSC cycles',
    description: 'guest TSC cycles per loop iteration of a timer test (kvm-unit-tests vmexit tscdeadline, tscdeadline_immed)',
  },
  'exit-handling-time': {
    title: 'VM exit handling time',
    unit: 'µs (perf kvm stat)',
    description: 'time from a VM exit to the next VM entry, aggregated per exit reason (perf kvm stat report)',
  },
};

export function isMeasureId(v: unknown): v is MeasureId {
  return typeof v === 'string' && (MEASURE_IDS as readonly string[]).includes(v);
}

export interface Comparability {
  /** True when a verdict (p-value, significance) means something for these two runs. */
  comparable: boolean;
  /** Why not, in words a reader understands; null when comparable. */
  reason: string | null;
}

/** One line naming a measure, e.g. "wake-up latency (cyclictest)". */
export function measureTitle(id: MeasureId | null): string {
  return id === null ? 'an unknown quantity' : MEASURES[id].title;
}

/**
 * Whether two runs measure the same quantity, so that a verdict comparing them means something.
 * Runs that measure different things (or something unknown) are shown side by side only.
 */
export function comparability(a: MeasureId | null, b: MeasureId | null): Comparability {
  if (a === null || b === null) {
    return { comparable: false, reason: `what ${a === null ? 'the first' : 'the second'} run measures is not known` };
  }
  if (a !== b) {
    return { comparable: false, reason: `they measure different things (${MEASURES[a].title} vs ${MEASURES[b].title})` };
  }
  return { comparable: true, reason: null };
}
