/**
 * What a vCPU thread's events say about its timer, counted in one walk over them: expiries by
 * kind, HLT exits, TSC_DEADLINE writes and their spacing, where kvm_hv_timer_state and
 * kvm_wait_lapic_expire fall, halt-polling outcomes, and which injection events appear. The
 * detection (detect.ts) and the kernel placement rules (mechanisms.ts) read these. Pure: must not
 * import node:*, electron or better-sqlite3.
 */
import { HOLE, type LabelTable, type ThreadEvents } from './event-store.js';
import { isExpiryLabel } from './episodes.js';

export interface ThreadFacts {
  expiries: number;
  preemptionTimerExits: number;
  hrtimerExpiries: number;
  hltExits: number;
  deadlineWrites: number;
  /** Median difference of consecutive non-zero TSC_DEADLINE values (guest TSC cycles), or null. */
  deadlineSpacing: number | null;
  /** Median difference between the deadlines that were armed when each expiry came (guest TSC cycles), or null. */
  armedSpacing: number | null;
  hvArmed: number;
  hvSoftware: number;
  /** kvm_hv_timer_state in an HLT episode before the vCPU's timer expired (the switch before blocking). */
  hvBeforeBlock: number;
  /** kvm_hv_timer_state in an HLT episode after the expiry (the switch back at unblock). */
  hvAtUnblock: number;
  /** kvm_wait_lapic_expire whose previous kvm event was kvm_entry (traced at entry) or kvm_exit (after the exit). */
  lapicAfterEntry: number;
  lapicAfterExit: number;
  lapicEarly: number;
  lapicLate: number;
  lapicMedian: number | null;
  wakeupPoll: number;
  wakeupWait: number;
  injVirq: number;
  apicAccept: number;
  apicvAccept: number;
  schedSwitchOut: number;
  /** Per HLT exit that blocked: whether the next expiry came while the thread had switched away. */
  sleptBlocks: number;
}

function median(a: number[]): number | null {
  if (a.length === 0) return null;
  const s = [...a].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const MAX_KEPT = 200_000;

export function threadFacts(events: ThreadEvents, labels: LabelTable): ThreadFacts {
  const f: ThreadFacts = {
    expiries: 0,
    preemptionTimerExits: 0,
    hrtimerExpiries: 0,
    hltExits: 0,
    deadlineWrites: 0,
    deadlineSpacing: null,
    armedSpacing: null,
    hvArmed: 0,
    hvSoftware: 0,
    hvBeforeBlock: 0,
    hvAtUnblock: 0,
    lapicAfterEntry: 0,
    lapicAfterExit: 0,
    lapicEarly: 0,
    lapicLate: 0,
    lapicMedian: null,
    wakeupPoll: 0,
    wakeupWait: 0,
    injVirq: 0,
    apicAccept: 0,
    apicvAccept: 0,
    schedSwitchOut: 0,
    sleptBlocks: 0,
  };
  const spacings: number[] = [];
  const deltas: number[] = [];
  const armed: number[] = [];
  let lastDeadline: number | null = null;
  let lastArmed: number | null = null;
  let lastKvm: 'entry' | 'exit' | null = null;
  /** Inside an HLT episode: before (1) or after (2) its expiry; 0 outside. */
  let hlt = 0;
  let switchedOut = false;
  for (let i = 0; i < events.length; i++) {
    const label = labels.name(events.labelAt(i));
    if (label === HOLE) {
      lastDeadline = null;
      lastArmed = null;
      hlt = 0;
      continue;
    }
    if (isExpiryLabel(label)) {
      f.expiries++;
      if (lastDeadline !== null) {
        if (lastArmed !== null && lastDeadline > lastArmed && armed.length < MAX_KEPT) armed.push(lastDeadline - lastArmed);
        lastArmed = lastDeadline;
      }
      if (label === 'hrtimer_expire_entry') f.hrtimerExpiries++;
      else f.preemptionTimerExits++;
      if (hlt === 1) {
        hlt = 2;
        if (switchedOut) f.sleptBlocks++;
      }
    }
    if (label.startsWith('kvm_exit')) {
      lastKvm = 'exit';
      if (label.endsWith(' HLT') || label === 'kvm_exit hlt') {
        f.hltExits++;
        hlt = 1;
        switchedOut = false;
      }
      continue;
    }
    switch (label) {
      case 'kvm_entry':
        lastKvm = 'entry';
        hlt = 0;
        break;
      case 'kvm_msr 6e0': {
        f.deadlineWrites++;
        const v = events.valueAt(i);
        if (Number.isFinite(v) && v > 0) {
          if (lastDeadline !== null && v > lastDeadline && spacings.length < MAX_KEPT) spacings.push(v - lastDeadline);
          lastDeadline = v;
        }
        break;
      }
      case 'kvm_hv_timer_state 1':
      case 'kvm_hv_timer_state 0':
        if (label.endsWith('1')) f.hvArmed++;
        else f.hvSoftware++;
        if (hlt === 1) f.hvBeforeBlock++;
        else if (hlt === 2) f.hvAtUnblock++;
        break;
      case 'kvm_wait_lapic_expire': {
        const d = events.valueAt(i);
        if (d < 0) f.lapicEarly++;
        else f.lapicLate++;
        if (deltas.length < MAX_KEPT) deltas.push(d);
        if (lastKvm === 'entry') f.lapicAfterEntry++;
        else if (lastKvm === 'exit') f.lapicAfterExit++;
        break;
      }
      case 'kvm_vcpu_wakeup poll':
        f.wakeupPoll++;
        break;
      case 'kvm_vcpu_wakeup wait':
        f.wakeupWait++;
        break;
      case 'kvm_inj_virq':
        f.injVirq++;
        break;
      case 'kvm_apic_accept_irq':
        f.apicAccept++;
        break;
      case 'kvm_apicv_accept_irq':
        f.apicvAccept++;
        break;
      case 'sched_switch out':
        f.schedSwitchOut++;
        switchedOut = true;
        break;
      default:
        break;
    }
  }
  f.deadlineSpacing = median(spacings);
  f.armedSpacing = median(armed);
  f.lapicMedian = median(deltas);
  return f;
}
