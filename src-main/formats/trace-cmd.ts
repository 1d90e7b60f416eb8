/**
 * Parses `trace-cmd report` text (also raw ftrace and `perf script` lines) of KVM events into
 * exit counts and time by reason (kvm_exit → next kvm_entry on the same thread), per vCPU, and
 * timer latencies (PREEMPTION_TIMER exit → next kvm_entry; apic_timer_fn hrtimer expiry → next
 * kvm_entry on that CPU). Keeps aggregates and a bounded latency list only, never the lines.
 * Must not import node:*, electron or better-sqlite3.
 */
import { RunningStats, SparseHistogram } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import {
  parseHvTimerState,
  parseInjVirq,
  parseKvmEntry,
  parseKvmExit,
  parseKvmMsr,
  parseTraceLine,
  parseWaitLapicExpire,
} from './trace-line.js';
import type { ExitTotals, LineParser, ParsedMeasurement, ParseOptions } from './types.js';

const MAX_EVENT_NAMES = 256;
const EXPECTED_LINE = 'a trace line "COMM-PID [CPU] SECONDS.USECS: EVENT: FIELDS"';

interface ThreadState {
  vcpu: number | null;
  pending: { reason: string; t: number } | null;
  exits: Map<string, ExitTotals>;
}

export class TraceCmdParser implements LineParser {
  readonly format = 'trace-cmd' as const;
  private readonly maxLatencies: number;
  private baseSec: number | null = null;
  private lines = 0;
  private events = 0;
  private counterClock = false;
  private readonly meta: Record<string, string> = {};
  private readonly warnings: string[] = [];
  private readonly eventCounts = new Map<string, number>();
  private readonly threads = new Map<string, ThreadState>();
  private readonly hrtimerExpiry = new Map<number, number>();
  private readonly latencies: number[] = [];
  private readonly latencyStats = new RunningStats();
  private readonly latencyHist = new SparseHistogram();
  private latFromPreemption = 0;
  private latFromHrtimer = 0;
  private unmatchedExits = 0;
  private entriesWithoutExit = 0;
  private hrtimerExpiriesReplaced = 0;
  private lost = 0;
  private readonly hvTimer = new Map<number, number>();
  private readonly injVectors = new Map<number, number>();
  private readonly msrWrites = new Map<string, number>();
  private readonly lapicExpire = { early: 0, late: 0, delta: new RunningStats() };
  private apicAccept = 0;

  constructor(opts: ParseOptions = {}) {
    this.maxLatencies = opts.maxLatencies ?? 1_000_000;
  }

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = raw.trimEnd();
    if (line.trim() === '') return;
    if (this.events === 0) {
      const c = /^cpus=(\d+)$/.exec(line.trim());
      if (c?.[1] !== undefined) {
        this.meta.cpus = c[1];
        return;
      }
      if (/^version = /.test(line.trim())) return;
    }
    if (line.trimStart().startsWith('#')) return;
    if (/^CPU \d+ is empty$/.test(line.trim())) return;
    const tl = parseTraceLine(line);
    if (!tl) {
      // trace-cmd: "CPU:3 [LOST 123 EVENTS]" / "CPU:3 [123 EVENTS DROPPED]"; ftrace: "CPU:3 [LOST 123 EVENTS]"
      const lost = /^\s*CPU:?\s*\d+\s*\[(?:LOST (\d+) EVENTS|(\d+) EVENTS DROPPED|LOST EVENTS)\]/.exec(line);
      if (!lost) throw new FormatError(lineNo, EXPECTED_LINE, raw);
      this.lost += Number(lost[1] ?? lost[2] ?? 1);
      return;
    }
    if (this.baseSec === null) {
      this.baseSec = tl.sec;
      this.meta.firstTimestamp = `${tl.sec}.${String(tl.fracNs).padStart(9, '0')}`;
    }
    if (tl.counter) this.counterClock = true;
    const t = (tl.sec - this.baseSec) * 1e9 + tl.fracNs;
    this.events++;
    if (this.eventCounts.has(tl.event) || this.eventCounts.size < MAX_EVENT_NAMES) {
      this.eventCounts.set(tl.event, (this.eventCounts.get(tl.event) ?? 0) + 1);
    }
    const key = `${tl.comm}-${tl.pid}`;
    const bad = (what: string): never => {
      throw new FormatError(lineNo, `${tl.event} fields ${what}`, raw);
    };
    switch (tl.event) {
      case 'kvm_exit': {
        const f = parseKvmExit(tl.fields) ?? bad('"reason X rip 0x… info …" or "vcpu N reason X rip 0x… info1 …"');
        const th = this.thread(key);
        if (f.vcpu !== null) th.vcpu = f.vcpu;
        if (th.pending) this.unmatchedExits++;
        th.pending = { reason: f.reason, t };
        const e = th.exits.get(f.reason) ?? { count: 0, totalNs: 0 };
        e.count++;
        th.exits.set(f.reason, e);
        break;
      }
      case 'kvm_entry': {
        const f = parseKvmEntry(tl.fields) ?? bad('"vcpu N[, rip 0x…]"');
        const th = this.thread(key);
        th.vcpu = f.vcpu;
        if (th.pending) {
          const dt = t - th.pending.t;
          const e = th.exits.get(th.pending.reason) as ExitTotals;
          e.totalNs += dt;
          if (th.pending.reason === 'PREEMPTION_TIMER') {
            this.latency(dt);
            this.latFromPreemption++;
          }
          th.pending = null;
        } else {
          this.entriesWithoutExit++;
        }
        const hr = this.hrtimerExpiry.get(tl.cpu);
        if (hr !== undefined) {
          this.latency(t - hr);
          this.latFromHrtimer++;
          this.hrtimerExpiry.delete(tl.cpu);
        }
        break;
      }
      case 'hrtimer_expire_entry':
        if (/function=apic_timer_fn\b/.test(tl.fields)) {
          if (this.hrtimerExpiry.has(tl.cpu)) this.hrtimerExpiriesReplaced++;
          this.hrtimerExpiry.set(tl.cpu, t);
        }
        break;
      case 'kvm_hv_timer_state': {
        const f = parseHvTimerState(tl.fields) ?? bad('"vcpu_id %x hv_timer %x"');
        this.hvTimer.set(f.hvTimer, (this.hvTimer.get(f.hvTimer) ?? 0) + 1);
        break;
      }
      case 'kvm_wait_lapic_expire': {
        const f = parseWaitLapicExpire(tl.fields) ?? bad('"vcpu N: delta D (early|late)"');
        if (f.late) this.lapicExpire.late++;
        else this.lapicExpire.early++;
        this.lapicExpire.delta.add(f.delta);
        break;
      }
      case 'kvm_inj_virq': {
        const f = parseInjVirq(tl.fields) ?? bad('"irq N" or "IRQ 0x…"');
        this.injVectors.set(f.vector, (this.injVectors.get(f.vector) ?? 0) + 1);
        break;
      }
      case 'kvm_msr': {
        const f = parseKvmMsr(tl.fields) ?? bad('"msr_write|msr_read MSR = 0x…"');
        if (f.write) this.msrWrites.set(f.msr, (this.msrWrites.get(f.msr) ?? 0) + 1);
        break;
      }
      case 'kvm_apic_accept_irq':
        this.apicAccept++;
        break;
      default:
        break;
    }
  }

  private thread(key: string): ThreadState {
    let th = this.threads.get(key);
    if (!th) this.threads.set(key, (th = { vcpu: null, pending: null, exits: new Map() }));
    return th;
  }

  private latency(ns: number): void {
    if (this.latencies.length < this.maxLatencies) this.latencies.push(ns);
    this.latencyStats.add(ns);
    this.latencyHist.add(ns);
  }

  finish(): ParsedMeasurement {
    if (this.events === 0) throw new FormatError(this.lines + 1, EXPECTED_LINE, END_OF_FILE);
    const warnings = this.warnings;
    const exits: Record<string, ExitTotals> = {};
    const exitsByVcpu: Record<string, Record<string, ExitTotals>> = {};
    let pendingAtEnd = 0;
    for (const [key, th] of this.threads) {
      if (th.exits.size === 0) continue;
      if (th.pending) pendingAtEnd++;
      const vkey = th.vcpu === null ? key : `vcpu ${th.vcpu}`;
      const per = (exitsByVcpu[vkey] ??= {});
      for (const [reason, e] of th.exits) {
        const a = (exits[reason] ??= { count: 0, totalNs: 0 });
        a.count += e.count;
        a.totalNs += e.totalNs;
        const p = (per[reason] ??= { count: 0, totalNs: 0 });
        p.count += e.count;
        p.totalNs += e.totalNs;
      }
    }
    const exitCount = Object.values(exits).reduce((a, e) => a + e.count, 0);
    if (exitCount === 0) warnings.push('no kvm_exit events: no exit breakdown');
    else if ((this.eventCounts.get('kvm_entry') ?? 0) === 0) warnings.push('no kvm_entry events: exit durations could not be reconstructed (totalNs is 0)');
    if (pendingAtEnd > 0) warnings.push(`${pendingAtEnd} exits at the end of the trace have no following kvm_entry (counted, no time)`);
    if (this.unmatchedExits > 0) warnings.push(`${this.unmatchedExits} kvm_exit events were followed by another kvm_exit before any kvm_entry (counted, no time)`);
    if (this.entriesWithoutExit > 0) meta(this.meta, 'entriesWithoutExit', this.entriesWithoutExit);
    if (this.latencyStats.count === 0) {
      warnings.push('no timer latencies: no PREEMPTION_TIMER exit or apic_timer_fn hrtimer expiry followed by a kvm_entry');
    } else {
      warnings.push('timer latency = expiry (PREEMPTION_TIMER exit, or hrtimer_expire_entry apic_timer_fn) → next kvm_entry; guest-side delivery is not in a host trace');
    }
    if ((this.eventCounts.get('kvm_inj_virq') ?? 0) === 0 && this.apicAccept > 0) {
      warnings.push('no kvm_inj_virq events (APICv posts the timer vector: kvm_apic_accept_irq seen instead)');
    }
    if (this.hrtimerExpiriesReplaced > 0) warnings.push(`${this.hrtimerExpiriesReplaced} apic_timer_fn expiries had no kvm_entry before the next expiry on that CPU`);
    if (this.lost > 0) warnings.push(`the trace reports ${this.lost} lost events: counts are lower bounds`);
    if (this.counterClock) warnings.push('timestamps without a fraction (counter trace clock): treated as ns');
    if (this.latencyStats.count > this.latencies.length) warnings.push(`timerLatenciesNs keeps the first ${this.latencies.length} of ${this.latencyStats.count} latencies`);

    meta(this.meta, 'events', this.events);
    for (const [name, n] of this.eventCounts) meta(this.meta, `events.${name}`, n);
    meta(this.meta, 'vcpuThreads', [...this.threads.values()].filter((t) => t.exits.size > 0).length);
    for (const [state, n] of this.hvTimer) meta(this.meta, `hv_timer.${state}`, n);
    for (const [vec, n] of this.injVectors) meta(this.meta, `inj_virq.0x${vec.toString(16)}`, n);
    for (const [msr, n] of this.msrWrites) meta(this.meta, `msr_write.${msr}`, n);
    if (this.lapicExpire.delta.count > 0) {
      meta(this.meta, 'wait_lapic_expire.early', this.lapicExpire.early);
      meta(this.meta, 'wait_lapic_expire.late', this.lapicExpire.late);
      meta(this.meta, 'wait_lapic_expire.meanDelta', this.lapicExpire.delta.summary().mean);
    }
    meta(this.meta, 'latency.fromPreemptionTimer', this.latFromPreemption);
    meta(this.meta, 'latency.fromHrtimer', this.latFromHrtimer);
    return {
      format: this.format,
      unit: 'ns',
      samples: null,
      histogram: this.latencyStats.count > 0 ? this.latencyHist.toData() : null,
      summary: this.latencyStats.summary(),
      exits,
      exitsByVcpu,
      timerLatenciesNs: this.latencies,
      warnings,
      meta: this.meta,
    };
  }
}

function meta(m: Record<string, string>, key: string, v: number): void {
  m[key] = String(v);
}
