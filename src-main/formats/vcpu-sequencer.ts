/**
 * Pure: must not import node:*, electron or better-sqlite3.
 * Layer 2 of reading a trace: per-vCPU sequencing. Follows each vCPU thread's exit/entry
 * sequence and pairs, only where that sequence is consistent,
 *   - a kvm_exit with that thread's next kvm_entry (the exit's handling time), and
 *   - a timer expiry with that vCPU's next kvm_entry (host expiry → VM entry): a PREEMPTION_TIMER
 *     exit, or an apic_timer_fn hrtimer expiry, linked to its vCPU by the hrtimer's address
 *     (from that thread's hrtimer_start; failing that, the next entry on the expiry's CPU).
 * A pair is dropped, with its reason, when a hole lies between its two ends (lost events, a CPU
 * buffer that starts late, timestamps going backwards, a second trace, an unreadable kvm line),
 * when another exit or expiry comes first, or when the vCPU id changes. Every kvm_exit is still
 * reported (timed or not). Push items one by one; segments go to the sink as they are decided, so
 * memory stays bounded by the number of threads.
 */
import { isPreemptionTimerExit } from './exit-reasons.js';
import { parseHrtimer, parseKvmEntry, parseKvmExit } from './trace-line.js';
import type { TraceEvent, TraceItem } from './trace-tokenizer.js';

/** Why a pair was not made (keys of PairingReport.dropped). */
export const DROP_REASONS = [
  'lost events',
  'gap in the trace',
  'unreadable kvm_exit or kvm_entry line',
  'another exit before the entry',
  'entry without an exit',
  'vCPU id changed',
  'another expiry before the entry',
  'exit without an entry at the end of the trace',
  'expiry without an entry at the end of the trace',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface VcpuThread {
  /** Host thread id. */
  pid: number;
  comm: string;
  /** Host process (VM), when the trace records it. */
  vm: number | null;
  /** vCPU id from kvm_entry / kvm_exit, once seen. */
  vcpu: number | null;
  /** CPU of the thread's last event. */
  cpu: number;
}

export type TimerVia = 'preemption-timer' | 'hrtimer';

export type VcpuSegment =
  /** Every kvm_exit, once decided: `entryTs` null when it could not be paired. */
  | { kind: 'exit'; thread: VcpuThread; reason: string; exitTs: number; entryTs: number | null; lineNo: number }
  | { kind: 'timer'; thread: VcpuThread; via: TimerVia; expiryTs: number; entryTs: number; lineNo: number }
  | { kind: 'dropped'; thread: VcpuThread | null; pair: 'exit' | 'timer'; reason: DropReason; lineNo: number }
  /** Every event, after the pairing it caused; `thread` for events of a vCPU thread. */
  | { kind: 'event'; thread: VcpuThread | null; event: TraceEvent }
  | { kind: 'hole'; reason: DropReason; cpu: number | null; lost: number | null; lineNo: number };

interface Pending {
  ts: number;
  lineNo: number;
  /** A hole crossed since: the pair will be dropped for it. */
  broken: DropReason | null;
}

interface PendingExit extends Pending {
  reason: string;
}

interface PendingTimer extends Pending {
  via: TimerVia;
  hrtimer: string | null;
}

interface ThreadState {
  thread: VcpuThread;
  exit: PendingExit | null;
  timer: PendingTimer | null;
}

/** Events only a vCPU thread emits (others, such as kvm_set_irq, come from I/O threads too). */
const VCPU_EVENTS = new Set([
  'kvm_exit', 'kvm_entry', 'kvm_msr', 'kvm_hv_timer_state', 'kvm_wait_lapic_expire', 'kvm_inj_virq',
  'kvm_cpuid', 'kvm_pio', 'kvm_apic', 'kvm_emulate_insn', 'kvm_userspace_exit', 'kvm_vcpu_wakeup', 'kvm_halt_poll_ns',
  'kvm_fpu', 'kvm_page_fault', 'kvm_mmio', 'kvm_pv_tlb_flush',
]);

export type SegmentSink = (s: VcpuSegment) => void;

export class VcpuSequencer {
  private readonly threads = new Map<number, ThreadState>();
  /** apic_timer_fn hrtimer address → the vCPU thread that armed it. */
  private readonly hrtimerOwner = new Map<string, number>();
  /** Expiries of hrtimers not yet linked to a thread, by CPU: closed by the next entry there. */
  private readonly unlinked = new Map<number, PendingTimer>();
  private readonly lastTsByCpu = new Map<number, number>();

  constructor(private readonly sink: SegmentSink) {}

  /** vCPU threads seen so far, in order of appearance. */
  vcpuThreads(): VcpuThread[] {
    return [...this.threads.values()].map((s) => s.thread);
  }

  push(item: TraceItem): void {
    switch (item.kind) {
      case 'event':
        this.event(item.event);
        break;
      case 'lost':
        this.hole('lost events', item.cpu, item.count, item.lineNo);
        break;
      case 'gap':
        this.hole('gap in the trace', item.cpu, null, item.lineNo);
        break;
      default:
        break;
    }
  }

  /** Ends every open pair (the trace ended before their entry). */
  finish(): void {
    for (const st of this.threads.values()) {
      if (st.exit) this.closeExit(st, null, st.exit.broken ?? 'exit without an entry at the end of the trace', st.exit.lineNo);
      if (st.timer) this.drop(st.thread, 'timer', st.timer.broken ?? 'expiry without an entry at the end of the trace', st.timer.lineNo);
      st.timer = null;
    }
    for (const [cpu, t] of this.unlinked) {
      this.drop(null, 'timer', t.broken ?? 'expiry without an entry at the end of the trace', t.lineNo);
      this.unlinked.delete(cpu);
    }
  }

  /** Every open pair crosses this hole. */
  private hole(reason: DropReason, cpu: number | null, lost: number | null, lineNo: number): void {
    const mark = (p: Pending | null): void => {
      if (p && p.broken === null) p.broken = reason;
    };
    for (const st of this.threads.values()) {
      mark(st.exit);
      mark(st.timer);
    }
    for (const t of this.unlinked.values()) mark(t);
    this.sink({ kind: 'hole', reason, cpu, lost, lineNo });
  }

  private state(e: TraceEvent): ThreadState {
    let st = this.threads.get(e.pid);
    if (!st) {
      st = { thread: { pid: e.pid, comm: e.comm, vm: e.tgid, vcpu: null, cpu: e.cpu }, exit: null, timer: null };
      this.threads.set(e.pid, st);
    }
    st.thread.cpu = e.cpu;
    st.thread.comm = e.comm;
    if (e.tgid !== null) st.thread.vm = e.tgid;
    return st;
  }

  private drop(thread: VcpuThread | null, pair: 'exit' | 'timer', reason: DropReason, lineNo: number): void {
    this.sink({ kind: 'dropped', thread, pair, reason, lineNo });
  }

  private closeExit(st: ThreadState, entryTs: number | null, dropReason: DropReason | null, lineNo: number): void {
    const p = st.exit;
    if (!p) return;
    st.exit = null;
    const ok = entryTs !== null && dropReason === null && p.broken === null;
    this.sink({ kind: 'exit', thread: st.thread, reason: p.reason, exitTs: p.ts, entryTs: ok ? entryTs : null, lineNo: p.lineNo });
    if (!ok) this.drop(st.thread, 'exit', p.broken ?? dropReason ?? 'entry without an exit', lineNo);
  }

  private closeTimer(st: ThreadState, t: PendingTimer, entryTs: number, lineNo: number): void {
    if (t.broken !== null) this.drop(st.thread, 'timer', t.broken, lineNo);
    else this.sink({ kind: 'timer', thread: st.thread, via: t.via, expiryTs: t.ts, entryTs, lineNo: t.lineNo });
  }

  /** The thread's pairs end here unread (a line of its own we cannot read). */
  private breakThread(st: ThreadState, reason: DropReason): void {
    if (st.exit && st.exit.broken === null) st.exit.broken = reason;
    if (st.timer && st.timer.broken === null) st.timer.broken = reason;
  }

  private checkVcpu(st: ThreadState, vcpu: number | null): void {
    if (vcpu === null) return;
    if (st.thread.vcpu !== null && st.thread.vcpu !== vcpu) this.breakThread(st, 'vCPU id changed');
    st.thread.vcpu = vcpu;
  }

  private event(e: TraceEvent): void {
    const last = this.lastTsByCpu.get(e.cpu);
    if (last !== undefined && e.ts < last) this.hole('gap in the trace', e.cpu, null, e.lineNo);
    this.lastTsByCpu.set(e.cpu, e.ts);
    const isVcpuEvent = VCPU_EVENTS.has(e.event) && e.pid !== 0;
    const st = isVcpuEvent ? this.state(e) : this.threads.get(e.pid);
    if (st && !isVcpuEvent) st.thread.cpu = e.cpu;
    if (st) {
      if (e.event === 'kvm_exit') this.onExit(st, e);
      else if (e.event === 'kvm_entry') this.onEntry(st, e);
    }
    if (e.event === 'hrtimer_start' || e.event === 'hrtimer_expire_entry') this.onHrtimer(e);
    this.sink({ kind: 'event', thread: st?.thread ?? null, event: e });
  }

  private onExit(st: ThreadState, e: TraceEvent): void {
    const f = parseKvmExit(e.fields);
    if (!f) {
      this.breakThread(st, 'unreadable kvm_exit or kvm_entry line');
      return;
    }
    this.checkVcpu(st, f.vcpu);
    if (st.exit) {
      // two exits in a row: the entry between them is missing, and the vCPU's timer pair with it
      this.closeExit(st, null, 'another exit before the entry', e.lineNo);
      if (st.timer && st.timer.broken === null) st.timer.broken = 'another exit before the entry';
    }
    st.exit = { ts: e.ts, lineNo: e.lineNo, broken: null, reason: f.reason };
    if (isPreemptionTimerExit(f.reason)) this.startTimer(st, { ts: e.ts, lineNo: e.lineNo, broken: null, via: 'preemption-timer', hrtimer: null });
  }

  private startTimer(st: ThreadState, t: PendingTimer): void {
    if (st.timer) this.drop(st.thread, 'timer', st.timer.broken ?? 'another expiry before the entry', t.lineNo);
    st.timer = t;
  }

  private onEntry(st: ThreadState, e: TraceEvent): void {
    const f = parseKvmEntry(e.fields);
    if (!f) {
      this.breakThread(st, 'unreadable kvm_exit or kvm_entry line');
      return;
    }
    this.checkVcpu(st, f.vcpu);
    if (st.exit) this.closeExit(st, e.ts, null, e.lineNo);
    else this.drop(st.thread, 'exit', 'entry without an exit', e.lineNo);
    if (st.timer) {
      this.closeTimer(st, st.timer, e.ts, e.lineNo);
      st.timer = null;
    }
    const byCpu = this.unlinked.get(e.cpu);
    if (byCpu) {
      this.unlinked.delete(e.cpu);
      if (byCpu.hrtimer !== null) this.hrtimerOwner.set(byCpu.hrtimer, st.thread.pid);
      this.closeTimer(st, byCpu, e.ts, e.lineNo);
    }
  }

  private onHrtimer(e: TraceEvent): void {
    const h = parseHrtimer(e.fields);
    if (!h?.apicTimer) return;
    if (e.event === 'hrtimer_start') {
      // armed by the vCPU thread itself (start_sw_tscdeadline, or the switch to the software timer)
      if (e.pid !== 0) {
        this.state(e);
        this.hrtimerOwner.set(h.hrtimer, e.pid);
      }
      return;
    }
    const t: PendingTimer = { ts: e.ts, lineNo: e.lineNo, broken: null, via: 'hrtimer', hrtimer: h.hrtimer };
    const owner = this.hrtimerOwner.get(h.hrtimer);
    const st = owner === undefined ? undefined : this.threads.get(owner);
    if (st) {
      this.startTimer(st, t);
      return;
    }
    const prev = this.unlinked.get(e.cpu);
    if (prev) this.drop(null, 'timer', prev.broken ?? 'another expiry before the entry', e.lineNo);
    this.unlinked.set(e.cpu, t);
  }
}
