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
  return label === 'hrtimer_expire_entry' || /^kvm_exit (?:\S+ )?PREEMPTION_TIMER$/.test(label);
}

const VALUE_LABELS = new Set(['kvm_wait_lapic_expire']);

/** What an episode with a given sequence of labels emits: the same for every episode of its kind. */
interface EpisodePlan {
  signature: string;
  /** Segments as (info, index of the first event, index of the last). */
  emits: Array<{ info: SegmentInfo; from: number; to: number }>;
}

export function segmentThread(events: ThreadEvents, labels: LabelTable, opts: SegmentOptions): SegmentSet {
  const set = new SegmentSet();
  const names = labels.names;
  const allowed = names.map((l) => l !== HOLE && opts.vocabulary.has(eventOfLabel(l)));
  const expiry = names.map(isExpiryLabel);
  const value = names.map((l) => VALUE_LABELS.has(l));
  const hole = labels.id(HOLE);
  const entry = names.indexOf('kvm_entry');
  const toCycles = opts.tscKhz / 1e6;
  const infos = new Map<string, SegmentInfo>();
  const plans = new Map<string, EpisodePlan>();
  const lapicInfo = new Map<string, SegmentInfo>();
  const info = (id: string, kind: SegmentInfo['kind'], label: string, unit: SegmentInfo['unit'] = 'host cycles'): SegmentInfo => {
    let i = infos.get(id);
    if (!i) infos.set(id, (i = { id, kind, label, unit, timestamped: unit === 'host cycles' }));
    return i;
  };
  let cycle = 0;
  // the open episode: label ids and timestamps since the last entry (null: not started, or broken by a hole)
  const ids: number[] = [];
  const ts: number[] = [];
  let open = false;
  let lastSignature: string | null = null;

  for (let k = 0; k < events.length; k++) {
    const id = events.labelAt(k);
    if (id === hole) {
      open = false;
      lastSignature = null;
      continue;
    }
    if (!allowed[id]) continue;
    if (value[id]) {
      if (lastSignature !== null && cycle >= opts.warmupCycles) {
        let li = lapicInfo.get(lastSignature);
        if (!li) lapicInfo.set(lastSignature, (li = info(`lapic | after ${lastSignature}`, 'lapic', `kvm_wait_lapic_expire delta after ${lastSignature}`, 'guest cycles')));
        set.add(li, events.valueAt(k), cycle);
      }
      continue;
    }
    if (expiry[id]) cycle++;
    if (id === entry) {
      if (open && ids.length > 0) {
        ids.push(id);
        ts.push(events.tsAt(k));
        const key = ids.join(',');
        let plan = plans.get(key);
        if (!plan) plans.set(key, (plan = planEpisode(ids.map((x) => names[x]!), info)));
        if (cycle >= opts.warmupCycles) for (const e of plan.emits) set.add(e.info, (ts[e.to]! - ts[e.from]!) * toCycles, cycle);
        lastSignature = plan.signature;
      } else lastSignature = null;
      ids.length = 0;
      ts.length = 0;
      open = true;
      continue;
    }
    if (open) {
      ids.push(id);
      ts.push(events.tsAt(k));
    }
  }
  set.cycles = cycle;
  set.skippedCycles = Math.min(cycle, opts.warmupCycles);
  return set;
}

/** The segments of an episode with these labels (the last is kvm_entry), and its signature. */
function planEpisode(ep: readonly string[], info: (id: string, kind: SegmentInfo['kind'], label: string) => SegmentInfo): EpisodePlan {
  const emits: EpisodePlan['emits'] = [];
  const last = ep.length - 1;
  // a gap is a wait: before a timer expiry that is not the episode's first event, after a switch away
  const wait = (j: number): boolean => isExpiryLabel(ep[j + 1]!) || ep[j] === 'sched_switch out';
  let signature = ep[0]!;
  for (let j = 0; j < last; j++) signature += `${wait(j) ? ' ⋯ ' : ' → '}${ep[j + 1]!}`;
  let firstWait = -1;
  let lastWait = -1;
  for (let j = 0; j < last; j++) {
    if (wait(j)) {
      if (firstWait < 0) firstWait = j;
      lastWait = j;
      continue;
    }
    emits.push({ info: info(`${signature} | #${j} ${ep[j]!} → ${ep[j + 1]!}`, 'pair', `${ep[j]!} → ${ep[j + 1]!} (in ${signature})`), from: j, to: j + 1 });
  }
  const inner = (from: number, to: number): string => ep.slice(from, to).sort().join(', ');
  if (firstWait < 0) {
    if (last > 1) emits.push({ info: info(`whole | ${ep[0]!} … ${ep[last]!} | ${inner(1, last)}`, 'whole', `${ep[0]!} → ${ep[last]!} (through ${inner(1, last) || 'nothing else'})`), from: 0, to: last });
    return { signature, emits };
  }
  if (firstWait > 1) {
    emits.push({ info: info(`span | ${signature} | 0..${firstWait}`, 'span', `${ep[0]!} → ${ep[firstWait]!} (before the wait in ${signature})`), from: 0, to: firstWait });
  }
  const wake = lastWait + 1;
  if (wake < last && isExpiryLabel(ep[wake]!) && last - wake > 1) {
    emits.push({ info: info(`wake | ${ep[wake]!} … ${ep[last]!} | ${inner(wake + 1, last)}`, 'wake', `${ep[wake]!} → ${ep[last]!} (through ${inner(wake + 1, last)})`), from: wake, to: last });
  }
  return { signature, emits };
}
