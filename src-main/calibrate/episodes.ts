/**
 * Cutting a vCPU thread's events into segments. An episode is what the host does between two VM
 * entries: from the first event after an entry (a kvm_exit, or the expiry of the vCPU's timer)
 * to the next kvm_entry. Inside an episode every two consecutive events make a `pair` segment;
 * the whole episode (`whole`, keyed by its first and last event and the set of events between,
 * so that kernels that order them differently still match) and the part from a timer expiry to
 * the entry (`wake`) are segments too. Time in which the vCPU waits rather than works is never
 * part of a segment: the gap before a timer expiry inside an episode (the vCPU was blocked in HLT
 * or polling) and the gap after the thread switched away (sleeping). kvm_wait_lapic_expire
 * deltas are `lapic` segments, keyed by the episode that ended just before. Events whose name is
 * not in the vocabulary (the events both traces can show) are ignored, so a segment means the
 * same thing in the measured trace and in the simulated one. Values before `warmupCycles` timer
 * cycles are left out. Pure: must not import node:*, electron or better-sqlite3.
 */
import { eventOfLabel, HOLE, type LabelTable, type ThreadEvents } from './event-store.js';
import { SegmentSet, type SegmentInfo } from './segment-set.js';

export interface SegmentOptions {
  /** Event names segments may use. */
  vocabulary: ReadonlySet<string>;
  /** Host TSC rate used to turn ns into cycles. */
  tscKhz: number;
  warmupCycles: number;
}

/** Labels that mark the expiry of the vCPU's timer. */
export function isExpiryLabel(label: string): boolean {
  return label === 'hrtimer_expire_entry' || label === 'kvm_exit PREEMPTION_TIMER' || /^kvm_exit (?:\S+ )?PREEMPTION_TIMER$/.test(label);
}

const VALUE_LABELS = new Set(['kvm_wait_lapic_expire']);

interface Step {
  label: string;
  ts: number;
}

export function segmentThread(events: ThreadEvents, labels: LabelTable, opts: SegmentOptions): SegmentSet {
  const set = new SegmentSet();
  const allowed = labels.names.map((l) => l !== HOLE && opts.vocabulary.has(eventOfLabel(l)));
  const toCycles = opts.tscKhz / 1e6;
  let cycle = 0;
  let episode: Step[] | null = null;
  let lastSignature: string | null = null;
  const infos = new Map<string, SegmentInfo>();
  const info = (id: string, kind: SegmentInfo['kind'], label: string, unit: SegmentInfo['unit'] = 'host cycles'): SegmentInfo => {
    let i = infos.get(id);
    if (!i) infos.set(id, (i = { id, kind, label, unit, timestamped: unit === 'host cycles' }));
    return i;
  };
  const emit = (i: SegmentInfo, value: number): void => {
    if (cycle >= opts.warmupCycles) set.add(i, value, cycle);
  };

  for (let k = 0; k < events.length; k++) {
    const id = events.labelAt(k);
    const label = labels.name(id);
    if (label === HOLE) {
      episode = null;
      lastSignature = null;
      continue;
    }
    if (!allowed[id]) continue;
    if (VALUE_LABELS.has(label)) {
      if (lastSignature !== null) emit(info(`lapic | after ${lastSignature}`, 'lapic', `kvm_wait_lapic_expire delta after ${lastSignature}`, 'guest cycles'), events.valueAt(k));
      continue;
    }
    if (isExpiryLabel(label)) cycle++;
    const step = { label, ts: events.tsAt(k) };
    if (label === 'kvm_entry') {
      if (episode && episode.length > 0) {
        episode.push(step);
        lastSignature = closeEpisode(episode, info, emit, toCycles);
      } else lastSignature = null;
      episode = [];
      continue;
    }
    episode?.push(step);
  }
  set.cycles = cycle;
  set.skippedCycles = Math.min(cycle, opts.warmupCycles);
  return set;
}

/** Emits an episode's segments; returns its signature. */
function closeEpisode(
  ep: Step[],
  info: (id: string, kind: SegmentInfo['kind'], label: string) => SegmentInfo,
  emit: (i: SegmentInfo, v: number) => void,
  toCycles: number,
): string {
  const last = ep.length - 1;
  // a gap is a wait: before a timer expiry that is not the episode's first event, after a switch away
  const wait = (j: number): boolean => (j + 1 > 0 && isExpiryLabel(ep[j + 1]!.label)) || ep[j]!.label === 'sched_switch out';
  let signature = ep[0]!.label;
  for (let j = 0; j < last; j++) signature += `${wait(j) ? ' ⋯ ' : ' → '}${ep[j + 1]!.label}`;
  const dur = (a: number, b: number): number => (ep[b]!.ts - ep[a]!.ts) * toCycles;
  let firstWait = -1;
  let lastWait = -1;
  for (let j = 0; j < last; j++) {
    if (wait(j)) {
      if (firstWait < 0) firstWait = j;
      lastWait = j;
      continue;
    }
    emit(info(`${signature} | #${j} ${ep[j]!.label} → ${ep[j + 1]!.label}`, 'pair', `${ep[j]!.label} → ${ep[j + 1]!.label} (in ${signature})`), dur(j, j + 1));
  }
  const inner = (from: number, to: number): string => ep.slice(from, to).map((s) => s.label).sort().join(', ');
  if (firstWait < 0) {
    if (last > 1) emit(info(`whole | ${ep[0]!.label} … ${ep[last]!.label} | ${inner(1, last)}`, 'whole', `${ep[0]!.label} → ${ep[last]!.label} (through ${inner(1, last) || 'nothing else'})`), dur(0, last));
    return signature;
  }
  if (firstWait > 1) {
    emit(info(`span | ${signature} | 0..${firstWait}`, 'span', `${ep[0]!.label} → ${ep[firstWait]!.label} (before the wait in ${signature})`), dur(0, firstWait));
  }
  const wake = lastWait + 1;
  if (wake < last && isExpiryLabel(ep[wake]!.label) && last - wake > 1) {
    emit(info(`wake | ${ep[wake]!.label} … ${ep[last]!.label} | ${inner(wake + 1, last)}`, 'wake', `${ep[wake]!.label} → ${ep[last]!.label} (through ${inner(wake + 1, last)})`), dur(wake, last));
  }
  return signature;
}
