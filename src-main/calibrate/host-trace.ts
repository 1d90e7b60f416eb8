/**
 * Reading a host trace for calibration, in one streaming pass: the trace reader's per-vCPU event
 * stream (its tokenizer and per-vCPU sequencer, line by line) becomes, per vCPU thread, a compact list of the events that mark the
 * steps of a timer cycle (event-store.ts), plus what the whole file says (event counts, trace
 * format details that date a kernel, timestamp resolution, TSC rate estimate, lost events). Events
 * of other tasks count for a vCPU thread when they are about it: the expiry of the apic_timer_fn
 * hrtimer it armed, the scheduler switching to it or waking it. Pure: must not import node:*,
 * electron or better-sqlite3.
 */
import { parseTraceLine, traceFields, TraceTokenizer, TscRateEstimator, VcpuSequencer, isPreemptionTimerExit, type TraceEvent, type TraceResolution, type TscEstimate, type VcpuSegment } from '../formats/index.js';
import { HOLE, LabelTable, ThreadEvents } from './event-store.js';

/** Events kept across all threads; beyond it the rest of the trace is counted but not kept. */
const MAX_KEPT_EVENTS = 4_000_000;
const MAX_EVENT_NAMES = 512;

export interface HostThread {
  pid: number;
  comm: string;
  vm: number | null;
  /** vCPU ids the thread's kvm_exit / kvm_entry lines name, in order of appearance. */
  vcpuIds: number[];
  /** Where the vCPU id first changed (a thread runs one vCPU). */
  vcpuChange: { line: number; from: number; to: number } | null;
  cpu: number;
  kvmExits: number;
  kvmEntries: number;
  /** Timer expiries of this vCPU: PREEMPTION_TIMER exits and expiries of its apic_timer_fn hrtimer. */
  expiries: number;
  events: ThreadEvents;
}

/** What the text of the events says about the kernel's TP_printk formats. */
export interface TraceFormats {
  kvmExitWithVcpu: boolean;
  kvmExitInfo1: boolean;
  kvmExitRequests: boolean;
  kvmEntryCommaRip: boolean;
  kvmEntryPluginRip: boolean;
  kvmEntryNoRip: boolean;
  kvmEntryImmediate: boolean;
  kvmEntryIntrInfo: boolean;
  injVirqOld: boolean;
  injVirqNew: boolean;
}

export interface HostTrace {
  labels: LabelTable;
  threads: HostThread[];
  /** Events by name (the first 512 names). */
  eventCounts: Map<string, number>;
  events: number;
  kvmEvents: number;
  lines: number;
  unknownLines: number;
  /** The last non-empty line, and whether it was read whole. */
  lastLine: { lineNo: number; text: string; read: boolean } | null;
  holes: number;
  lostEvents: number;
  resolution: TraceResolution;
  tsc: TscEstimate | null;
  formats: TraceFormats;
  /** Events not kept because MAX_KEPT_EVENTS was reached (the fit uses the first part of the trace). */
  droppedEvents: number;
  /** Shortest halt-poll window and the windows seen in kvm_halt_poll_ns (ns). */
  haltPollShrinkTo: number[];
}

export interface ReadHostTraceOptions {
  /** Called every `progressEvery` lines with the count read so far. */
  onLines?: (lines: number) => void;
  progressEvery?: number;
  maxKeptEvents?: number;
}

function emptyFormats(): TraceFormats {
  return {
    kvmExitWithVcpu: false,
    kvmExitInfo1: false,
    kvmExitRequests: false,
    kvmEntryCommaRip: false,
    kvmEntryPluginRip: false,
    kvmEntryNoRip: false,
    kvmEntryImmediate: false,
    kvmEntryIntrInfo: false,
    injVirqOld: false,
    injVirqNew: false,
  };
}

const SWITCH = /^(.+?):(\d+) \[-?\d+\] (\S+) ==> (.+?):(\d+) \[-?\d+\]/;
const WAKEUP_PID = /(?:\bpid=(\d+)|:(\d+) \[-?\d+\])/;

class Reader {
  readonly labels = new LabelTable();
  readonly threads = new Map<number, HostThread>();
  readonly eventCounts = new Map<string, number>();
  readonly tsc = new TscRateEstimator();
  readonly formats = emptyFormats();
  private readonly owner = new Map<string, number>();
  readonly haltPollShrinkTo: number[] = [];
  events = 0;
  kvmEvents = 0;
  holes = 0;
  lostEvents = 0;
  kept = 0;
  dropped = 0;
  lastLine: HostTrace['lastLine'] = null;

  constructor(private readonly maxKept: number) {}

  private thread(pid: number, e: TraceEvent): HostThread {
    let t = this.threads.get(pid);
    if (!t) {
      t = { pid, comm: e.comm, vm: e.tgid, vcpuIds: [], vcpuChange: null, cpu: e.cpu, kvmExits: 0, kvmEntries: 0, expiries: 0, events: new ThreadEvents() };
      this.threads.set(pid, t);
    }
    return t;
  }

  private keep(t: HostThread, label: string, e: TraceEvent, value = 0): void {
    if (this.kept >= this.maxKept) {
      this.dropped++;
      return;
    }
    this.kept++;
    t.events.push(this.labels.id(label), e.ts, value, e.lineNo);
  }

  private vcpuId(t: HostThread, id: number | null, lineNo: number): void {
    if (id === null) return;
    const last = t.vcpuIds[t.vcpuIds.length - 1];
    if (last === undefined) t.vcpuIds.push(id);
    else if (last !== id) {
      t.vcpuChange ??= { line: lineNo, from: last, to: id };
      if (!t.vcpuIds.includes(id)) t.vcpuIds.push(id);
    }
  }

  segment(s: VcpuSegment): void {
    if (s.kind === 'hole') {
      this.holes++;
      if (s.reason === 'lost events') this.lostEvents += s.lost ?? 0;
      const hole = this.labels.id(HOLE);
      for (const t of this.threads.values()) t.events.push(hole, t.events.length > 0 ? t.events.tsAt(t.events.length - 1) : 0, 0, s.lineNo);
      return;
    }
    if (s.kind !== 'event') return;
    const e = s.event;
    this.events++;
    if (this.eventCounts.has(e.event) || this.eventCounts.size < MAX_EVENT_NAMES) this.eventCounts.set(e.event, (this.eventCounts.get(e.event) ?? 0) + 1);
    if (e.event.startsWith('kvm_')) this.kvmEvents++;
    const own = s.thread ? this.thread(s.thread.pid, e) : null;
    if (own) {
      own.cpu = e.cpu;
      if (s.thread?.vm != null) own.vm = s.thread.vm;
    }
    this.event(e, own);
  }

  private event(e: TraceEvent, own: HostThread | null): void {
    const f = e.fields;
    switch (e.event) {
      case 'kvm_exit': {
        if (!own) return;
        const x = traceFields.parseKvmExit(f);
        if (!x) return this.keep(own, HOLE, e);
        own.kvmExits++;
        this.vcpuId(own, x.vcpu, e.lineNo);
        if (x.vcpu !== null) this.formats.kvmExitWithVcpu = true;
        if (/\binfo1 0x/.test(f)) this.formats.kvmExitInfo1 = true;
        if (/\brequests 0x/.test(f)) this.formats.kvmExitRequests = true;
        if (isPreemptionTimerExit(x.reason)) {
          own.expiries++;
          this.tsc.preemptionTimerExit(own.pid, e.ts);
        }
        return this.keep(own, `kvm_exit ${x.reason}`, e);
      }
      case 'kvm_entry': {
        if (!own) return;
        const x = traceFields.parseKvmEntry(f);
        if (!x) return this.keep(own, HOLE, e);
        own.kvmEntries++;
        this.vcpuId(own, x.vcpu, e.lineNo);
        if (/^vcpu \d+, rip/.test(f)) this.formats.kvmEntryCommaRip = true;
        else if (/^vcpu \d+ rip/.test(f)) this.formats.kvmEntryPluginRip = true;
        else this.formats.kvmEntryNoRip = true;
        if (/\[immediate exit\]/.test(f)) this.formats.kvmEntryImmediate = true;
        if (/\bintr_info 0x/.test(f)) this.formats.kvmEntryIntrInfo = true;
        return this.keep(own, 'kvm_entry', e);
      }
      case 'kvm_msr': {
        if (!own) return;
        const x = traceFields.parseKvmMsr(f);
        if (!x?.write) return;
        if (x.msr === '6e0') this.tsc.deadlineWritten(own.pid, x.value);
        const v = Number(BigInt(x.value));
        return this.keep(own, `kvm_msr ${x.msr}`, e, Number.isSafeInteger(v) ? v : NaN);
      }
      case 'kvm_hv_timer_state': {
        if (!own) return;
        const x = traceFields.parseHvTimerState(f);
        if (!x) return;
        return this.keep(own, `kvm_hv_timer_state ${x.hvTimer === 0 ? 0 : 1}`, e);
      }
      case 'kvm_wait_lapic_expire': {
        if (!own) return;
        const x = traceFields.parseWaitLapicExpire(f);
        if (!x) return;
        this.tsc.lapicExpire(own.pid, e.ts, x.delta);
        return this.keep(own, 'kvm_wait_lapic_expire', e, x.delta);
      }
      case 'kvm_inj_virq': {
        if (!own) return;
        if (/^irq \d/.test(f)) this.formats.injVirqOld = true;
        else if (/^(IRQ|Soft\/INTn) 0x/.test(f)) this.formats.injVirqNew = true;
        return this.keep(own, 'kvm_inj_virq', e);
      }
      case 'kvm_apic_accept_irq':
      case 'kvm_apicv_accept_irq':
        if (own) this.keep(own, e.event, e);
        return;
      case 'kvm_vcpu_wakeup':
        if (own) this.keep(own, `kvm_vcpu_wakeup ${/^poll\b/.test(f) ? 'poll' : 'wait'}`, e);
        return;
      case 'kvm_halt_poll_ns': {
        if (!own) return;
        const m = /halt_poll_ns (\d+) \((grow|shrink) (\d+)\)/.exec(f);
        if (!m) return;
        if (m[2] === 'shrink' && this.haltPollShrinkTo.length < 64) this.haltPollShrinkTo.push(Number(m[1]), Number(m[3]));
        return this.keep(own, `kvm_halt_poll_ns ${m[2]}`, e, Number(m[1]));
      }
      case 'hrtimer_start':
      case 'hrtimer_cancel':
      case 'hrtimer_expire_entry':
      case 'hrtimer_expire_exit':
        return this.hrtimer(e, own);
      case 'sched_switch': {
        const m = SWITCH.exec(f);
        if (!m) return;
        const out = this.threads.get(Number(m[2]));
        if (out) this.keep(out, 'sched_switch out', e);
        const into = this.threads.get(Number(m[5]));
        if (into) this.keep(into, 'sched_switch in', e);
        return;
      }
      case 'sched_waking':
      case 'sched_wakeup': {
        const m = WAKEUP_PID.exec(f);
        const pid = Number(m?.[1] ?? m?.[2]);
        const t = this.threads.get(pid);
        if (t) this.keep(t, e.event, e);
        return;
      }
      default:
        return;
    }
  }

  private hrtimer(e: TraceEvent, own: HostThread | null): void {
    const h = traceFields.parseHrtimer(e.fields);
    if (!h) return;
    if (e.event === 'hrtimer_start') {
      if (!h.apicTimer || e.pid === 0) return;
      const t = own ?? this.thread(e.pid, e);
      this.owner.set(h.hrtimer, t.pid);
      if (h.expires !== null) this.tsc.hrtimerStarted(t.pid, h.expires);
      return this.keep(t, 'hrtimer_start', e);
    }
    const pid = this.owner.get(h.hrtimer);
    const t = pid === undefined ? undefined : this.threads.get(pid);
    if (!t) return;
    if (e.event === 'hrtimer_expire_entry') t.expiries++;
    this.keep(t, e.event, e);
  }
}

/** Reads a host trace line by line (push each line without its newline, then finish). */
export class HostTraceReader {
  private readonly reader: Reader;
  private readonly tokenizer = new TraceTokenizer();
  private readonly sequencer: VcpuSequencer;
  private lines = 0;
  private unknown = 0;
  private lastText = '';

  constructor(private readonly opts: ReadHostTraceOptions = {}) {
    this.reader = new Reader(opts.maxKeptEvents ?? MAX_KEPT_EVENTS);
    this.sequencer = new VcpuSequencer((s) => this.reader.segment(s));
  }

  push(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.lines++;
    if (line.trim() !== '') this.lastText = line;
    const item = this.tokenizer.push(line, this.lines);
    if (item.kind === 'unknown') this.unknown++;
    else this.sequencer.push(item);
    if (this.opts.onLines && this.lines % (this.opts.progressEvery ?? 50_000) === 0) this.opts.onLines(this.lines);
  }

  finish(): HostTrace {
    this.sequencer.finish();
    const reader = this.reader;
    this.opts.onLines?.(this.lines);
    if (this.lastText !== '') reader.lastLine = { lineNo: this.lines, text: this.lastText, read: isWholeLine(this.lastText) };
    const threads = [...reader.threads.values()].filter((t) => t.kvmExits + t.kvmEntries > 0);
    return {
      labels: reader.labels,
      threads,
      eventCounts: reader.eventCounts,
      events: reader.events,
      kvmEvents: reader.kvmEvents,
      lines: this.lines,
      unknownLines: this.unknown,
      lastLine: reader.lastLine,
      holes: reader.holes,
      lostEvents: reader.lostEvents,
      resolution: this.tokenizer.resolution(),
      tsc: reader.tsc.result(),
      formats: reader.formats,
      droppedEvents: reader.dropped,
      haltPollShrinkTo: reader.haltPollShrinkTo,
    };
  }
}

/** Reads a host trace's lines (without newlines) in one pass. */
export async function readHostTrace(lines: AsyncIterable<string>, opts: ReadHostTraceOptions = {}): Promise<HostTrace> {
  const r = new HostTraceReader(opts);
  for await (const line of lines) r.push(line);
  return r.finish();
}

/** Whether a trace line reads whole: a header, a marker, or an event whose kvm fields parse. */
function isWholeLine(text: string): boolean {
  const t = text.trim();
  if (t.startsWith('#') || /^cpus=\d+$/.test(t) || /^CPU:?\s*\d+/.test(t) || /^version = /.test(t)) return true;
  const e = parseTraceLine(text);
  if (!e) return false;
  switch (e.event) {
    case 'kvm_exit':
      return traceFields.parseKvmExit(e.fields) !== null;
    case 'kvm_entry':
      return traceFields.parseKvmEntry(e.fields) !== null;
    case 'kvm_msr':
      return traceFields.parseKvmMsr(e.fields) !== null;
    case 'kvm_hv_timer_state':
      return traceFields.parseHvTimerState(e.fields) !== null;
    case 'kvm_wait_lapic_expire':
      return traceFields.parseWaitLapicExpire(e.fields) !== null;
    default:
      return true;
  }
}
