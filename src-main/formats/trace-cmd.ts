/**
 * Pure: must not import node:*, electron or better-sqlite3.
 * Layer 3 of reading a trace: the statistics of a `trace-cmd report` (also raw ftrace and
 * `perf script`) of KVM events. Lines go through the tokenizer (trace-tokenizer.ts) and the
 * per-vCPU sequencer (vcpu-sequencer.ts); from the pairs it makes, this parser keeps per vCPU
 * thread, per VM and for the whole file: host expiry → VM entry latencies, exit counts and
 * handling times by reason, dropped pairs and why, hv_timer states, kvm_wait_lapic_expire deltas
 * (sign from the value), and an estimate of the guest TSC rate. Unknown lines are skipped and
 * counted. Aggregates only, never the lines (except an optional bounded timeline).
 *
 */
import type { LapicExpireStats, MeasureContext, PairingReport, RunSource } from '../../src-shared/measurement.js';
import { BoundedHistogram, RunningStats, SparseHistogram } from './accumulators.js';
import { END_OF_FILE, FormatError } from './errors.js';
import { isPreemptionTimerExit, machineOfVirt, virtOfReasons } from './exit-reasons.js';
import { MAX_SERIES, noData, parsedMeasurement, withParts } from './parsed.js';
import { parseHrtimer, parseHvTimerState, parseInjVirq, parseKvmMsr, parseWaitLapicExpire } from './trace-line.js';
import { TraceTokenizer, type TraceItem } from './trace-tokenizer.js';
import { TscRateEstimator } from './tsc-estimate.js';
import type { ExitTotals, HistogramData, LineParser, ParsedMeasurement, ParsedSeries, ParseOptions } from './types.js';
import { VcpuSequencer, type VcpuSegment, type VcpuThread } from './vcpu-sequencer.js';

const MAX_EVENT_NAMES = 256;
const EXPECTED_LINE = 'a trace line "COMM-PID [CPU] SECONDS.USECS: EVENT: FIELDS"';
/** Lines read without a single event before the file is judged not to be a trace. */
const MAX_LINES_WITHOUT_EVENTS = 1000;
const UNKNOWN_EXAMPLES = 5;
/** Distinct latency values kept exactly per vCPU thread (the merged series keeps more). */
const EXACT_PER_THREAD = 20_000;
/** Cap on kept timeline rows, whatever traceTimerEvents asks. */
const MAX_TIMELINE_ROWS = 200_000;

class LapicAccumulator {
  count = 0;
  early = 0;
  late = 0;
  onTime = 0;
  private readonly stats = new RunningStats();

  add(delta: number): void {
    this.count++;
    if (delta < 0) this.early++;
    else if (delta > 0) this.late++;
    else this.onTime++;
    this.stats.add(delta);
  }

  result(): LapicExpireStats | undefined {
    if (this.count === 0) return undefined;
    const s = this.stats.summary();
    return { count: this.count, early: this.early, late: this.late, onTime: this.onTime, minCycles: s.min, maxCycles: s.max, meanCycles: s.mean };
  }
}

/** What one vCPU thread (or the whole file) accumulates. */
class VcpuStats {
  readonly exits = new Map<string, ExitTotals>();
  readonly timer: BoundedHistogram | null;
  readonly timerStats = new RunningStats();
  readonly exitDurations: BoundedHistogram | null;
  readonly exitStats = new RunningStats();
  readonly pairing: PairingReport = { exitPairs: 0, timerPairs: 0, dropped: {} };
  readonly hv = { software: 0, preemption: 0 };
  readonly lapic = new LapicAccumulator();
  readonly via = { 'preemption-timer': 0, hrtimer: 0 };

  constructor(keepDistribution: boolean, exactValues?: number) {
    this.timer = keepDistribution ? new BoundedHistogram(exactValues) : null;
    this.exitDurations = keepDistribution ? new BoundedHistogram(exactValues) : null;
  }

  exit(reason: string, duration: number | null): void {
    let e = this.exits.get(reason);
    if (!e) this.exits.set(reason, (e = { count: 0, timed: 0, totalNs: 0, minNs: null, maxNs: null }));
    e.count++;
    if (duration === null) return;
    e.timed++;
    e.totalNs += duration;
    e.minNs = e.minNs === null ? duration : Math.min(e.minNs, duration);
    e.maxNs = e.maxNs === null ? duration : Math.max(e.maxNs, duration);
    this.pairing.exitPairs++;
    this.exitDurations?.add(duration);
    this.exitStats.add(duration);
  }

  timerLatency(ns: number, via: 'preemption-timer' | 'hrtimer'): void {
    this.pairing.timerPairs++;
    this.via[via]++;
    this.timer?.add(ns);
    this.timerStats.add(ns);
  }

  dropped(reason: string): void {
    this.pairing.dropped[reason] = (this.pairing.dropped[reason] ?? 0) + 1;
  }

  get approximate(): boolean {
    return !!(this.timer?.approximate || this.exitDurations?.approximate);
  }
}

export class TraceCmdParser implements LineParser {
  readonly format = 'trace-cmd' as const;
  private readonly tokenizer = new TraceTokenizer();
  private readonly sequencer: VcpuSequencer;
  private readonly tsc = new TscRateEstimator();
  private readonly all = new VcpuStats(true);
  private readonly perThread = new Map<number, { thread: VcpuThread; stats: VcpuStats }>();
  private readonly eventCounts = new Map<string, number>();
  private readonly injVectors = new Map<number, number>();
  private readonly msrWrites = new Map<string, number>();
  private readonly meta: Record<string, string> = {};
  private readonly headers: { cpus?: number; tracer?: string; entries?: [number, number] } = {};
  private readonly unknown = { count: 0, examples: [] as Array<{ line: number; text: string }> };
  private unreadableFields = 0;
  private lostEvents = 0;
  private lostMarkers = 0;
  private gaps = 0;
  private apicAccept = 0;
  private lines = 0;
  private readonly timeline: NonNullable<ParsedMeasurement['trace']> = [];
  private readonly timelineTimers: number;
  private keepForTimeline = false;

  constructor(opts: ParseOptions = {}) {
    this.timelineTimers = Math.max(0, Math.min(opts.traceTimerEvents ?? 0, 50_000));
    this.sequencer = new VcpuSequencer((s) => this.segment(s));
  }

  push(raw: string, lineNo: number): void {
    this.lines = lineNo;
    // decided before the line is sequenced: the entry that completes the Nth timer event is kept
    this.keepForTimeline = this.timelineTimers > 0 && this.all.pairing.timerPairs < this.timelineTimers && this.timeline.length < MAX_TIMELINE_ROWS;
    const item = this.tokenizer.push(raw, lineNo);
    this.item(item, raw, lineNo);
    if (this.tokenizer.eventCount === 0 && this.unknown.count >= MAX_LINES_WITHOUT_EVENTS) {
      throw new FormatError(lineNo, `${EXPECTED_LINE} within the first ${MAX_LINES_WITHOUT_EVENTS} lines`, raw);
    }
  }

  private item(item: TraceItem, raw: string, lineNo: number): void {
    if (item.kind === 'unknown') {
      this.unknownLine(lineNo, raw);
      return;
    }
    if (item.kind === 'header') {
      if (item.key === 'cpus') this.headers.cpus = Number(item.value);
      if (item.key === 'tracer') this.headers.tracer = item.value;
      if (item.key === 'entries') {
        const [inBuffer = 0, written = 0, cpus = 0] = item.value.split('/').map(Number);
        this.headers.entries = [inBuffer, written];
        this.headers.cpus ??= cpus;
      }
      return;
    }
    this.sequencer.push(item);
  }

  private unknownLine(lineNo: number, raw: string): void {
    this.unknown.count++;
    if (this.unknown.examples.length < UNKNOWN_EXAMPLES) this.unknown.examples.push({ line: lineNo, text: raw.slice(0, 120) });
  }

  private statsOf(thread: VcpuThread | null): VcpuStats | null {
    if (!thread) return null;
    let s = this.perThread.get(thread.pid);
    if (!s) {
      s = { thread, stats: new VcpuStats(this.perThread.size < MAX_SERIES - 1, EXACT_PER_THREAD) };
      this.perThread.set(thread.pid, s);
    }
    return s.stats;
  }

  private segment(s: VcpuSegment): void {
    switch (s.kind) {
      case 'exit': {
        const d = s.entryTs === null ? null : s.entryTs - s.exitTs;
        this.all.exit(s.reason, d);
        this.statsOf(s.thread)?.exit(s.reason, d);
        if (isPreemptionTimerExit(s.reason)) this.tsc.preemptionTimerExit(s.thread.pid, s.exitTs);
        break;
      }
      case 'timer': {
        const ns = s.entryTs - s.expiryTs;
        this.all.timerLatency(ns, s.via);
        this.statsOf(s.thread)?.timerLatency(ns, s.via);
        break;
      }
      case 'dropped':
        this.all.dropped(s.reason);
        this.statsOf(s.thread)?.dropped(s.reason);
        break;
      case 'hole':
        if (s.reason === 'lost events') {
          this.lostMarkers++;
          this.lostEvents += s.lost ?? 0;
        } else this.gaps++;
        break;
      case 'event':
        this.event(s);
        break;
    }
  }

  private event(s: Extract<VcpuSegment, { kind: 'event' }>): void {
    const e = s.event;
    if (this.eventCounts.has(e.event) || this.eventCounts.size < MAX_EVENT_NAMES) {
      this.eventCounts.set(e.event, (this.eventCounts.get(e.event) ?? 0) + 1);
    }
    if (this.keepForTimeline) {
      this.timeline.push({ t: e.ts, cpu: e.cpu, event: e.event, text: e.fields });
    }
    const stats = this.statsOf(s.thread);
    const unreadable = (): void => {
      this.unreadableFields++;
      this.unknownLine(e.lineNo, `${e.event}: ${e.fields}`);
    };
    switch (e.event) {
      case 'kvm_hv_timer_state': {
        const f = parseHvTimerState(e.fields);
        if (!f) return unreadable();
        const key = f.hvTimer === 0 ? 'software' : 'preemption';
        this.all.hv[key]++;
        if (stats) stats.hv[key]++;
        break;
      }
      case 'kvm_wait_lapic_expire': {
        const f = parseWaitLapicExpire(e.fields);
        if (!f) return unreadable();
        this.all.lapic.add(f.delta);
        stats?.lapic.add(f.delta);
        if (s.thread) this.tsc.lapicExpire(s.thread.pid, e.ts, f.delta);
        break;
      }
      case 'kvm_msr': {
        const f = parseKvmMsr(e.fields);
        if (!f) return unreadable();
        if (f.write) this.msrWrites.set(f.msr, (this.msrWrites.get(f.msr) ?? 0) + 1);
        if (f.write && f.msr === '6e0' && s.thread) this.tsc.deadlineWritten(s.thread.pid, f.value);
        break;
      }
      case 'hrtimer_start': {
        const f = parseHrtimer(e.fields);
        if (f?.apicTimer && f.expires !== null && e.pid !== 0) this.tsc.hrtimerStarted(e.pid, f.expires);
        break;
      }
      case 'kvm_inj_virq': {
        const f = parseInjVirq(e.fields);
        if (!f) return unreadable();
        if (this.injVectors.has(f.vector) || this.injVectors.size < MAX_EVENT_NAMES) this.injVectors.set(f.vector, (this.injVectors.get(f.vector) ?? 0) + 1);
        break;
      }
      case 'kvm_apic_accept_irq':
        this.apicAccept++;
        break;
      default:
        break;
    }
  }

  finish(): ParsedMeasurement {
    this.sequencer.finish();
    if (this.tokenizer.eventCount === 0) throw new FormatError(this.lines + 1, EXPECTED_LINE, END_OF_FILE);
    const timerFile = this.all.pairing.timerPairs > 0;
    if (!timerFile && this.all.pairing.exitPairs === 0) {
      throw noData(this.lines + 1, 'a timer expiry (PREEMPTION_TIMER exit or apic_timer_fn hrtimer expiry) or a kvm_exit followed by its vCPU\'s kvm_entry');
    }
    const resolution = this.tokenizer.resolution();
    const unit = resolution.counter ? 'cycles' : 'ns';
    const threads = [...this.perThread.values()]
      .filter((t) => t.stats.exits.size > 0 || t.stats.timerStats.count > 0)
      .sort((a, b) => (a.thread.vm ?? 0) - (b.thread.vm ?? 0) || a.thread.pid - b.thread.pid);
    const series = (source: RunSource, st: VcpuStats): ParsedSeries => seriesOf(source, st, timerFile);
    const parts = threads.map((t) => series(threadSource(t.thread), t.stats));
    const merged = series({ scope: 'merged', label: '' }, this.all);
    const { series: list, sources, dropped } = withParts(merged, parts, `all ${threads.length} vCPU threads`);
    const vmSeries = this.vmSeries(threads, timerFile);
    const warnings = this.warnings(resolution.note, resolution.stepNs, dropped, threads.length);
    const reasons = new Map([...this.all.exits].map(([r, e]) => [r, e.count]));
    const virt = virtOfReasons(reasons);
    const vms = new Set(threads.map((t) => t.thread.vm).filter((v) => v !== null));
    const estimate = unit === 'ns' ? this.tsc.result() : null;
    const shared = sharedVcpuIds(threads.map((t) => t.thread));
    if (shared && vms.size === 0) warnings.push(`${shared}: at least 2 VMs, but the trace does not record which process each vCPU thread belongs to (ftrace record-tgid or perf script pid/tid would)`);
    if (estimate && estimate.disagreeing > 0) warnings.push(`the TSC rate differs by more than 1 % on ${estimate.disagreeing} vCPU(s) (TSC scaling or different VMs)`);
    const context: Partial<MeasureContext> = {
      hostCpus: this.headers.cpus ?? null,
      virt,
      machine: machineOfVirt(virt),
      tsc: estimate ? { khz: estimate.khz, basis: 'estimated', method: `${estimate.method} (${estimate.points} points)`, uncertaintyPct: estimate.uncertaintyPct } : null,
      resolutionNs: resolution.stepNs,
      resolutionNote: resolution.note,
      vms: vms.size > 0 ? vms.size : null,
      vcpus: threads.length,
    };
    this.fillMeta();
    return parsedMeasurement(
      {
        format: this.format,
        measure: timerFile ? 'host-expiry-to-entry' : 'exit-handling-time',
        unit,
        series: [...list, ...vmSeries].slice(0, MAX_SERIES),
        context,
        warnings,
        meta: this.meta,
        lostEvents: this.lostEvents + this.overwritten(),
        unknownLines: this.unknown.count > 0 ? this.unknown : null,
        trace: this.timelineTimers > 0 ? this.timeline : null,
      },
      sources,
    );
  }

  /** ftrace overwrite mode: entries written but no longer in the buffer. */
  private overwritten(): number {
    const e = this.headers.entries;
    return e ? Math.max(0, e[1] - e[0]) : 0;
  }

  /** One series per VM when the trace names the VMs of several vCPU threads. */
  private vmSeries(threads: Array<{ thread: VcpuThread; stats: VcpuStats }>, timerFile: boolean): ParsedSeries[] {
    const byVm = new Map<number, VcpuStats[]>();
    for (const t of threads) if (t.thread.vm !== null) byVm.set(t.thread.vm, [...(byVm.get(t.thread.vm) ?? []), t.stats]);
    if (byVm.size < 2 || ![...byVm.values()].some((l) => l.length > 1)) return [];
    return [...byVm.entries()]
      .filter(([, list]) => list.length > 1 && list.every((s) => s.timer !== null))
      .map(([vm, list]) => seriesOf({ scope: 'vm', label: `VM ${vm} (${list.length} vCPU threads)`, vm }, mergeStats(list), timerFile));
  }

  private warnings(resolutionNote: string, stepNs: number | null, dropped: number, vcpuThreads: number): string[] {
    const w: string[] = [];
    const p = this.all.pairing;
    const droppedTotal = Object.values(p.dropped).reduce((a, b) => a + b, 0);
    if (droppedTotal > 0) {
      const why = Object.entries(p.dropped).sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} ${r}`).join(', ');
      w.push(`${droppedTotal} exit/entry or expiry/entry pairs not made: ${why}`);
    }
    if (this.lostMarkers > 0) w.push(`the trace reports ${this.lostEvents} lost events at ${this.lostMarkers} places: no pair spans them, and counts are lower bounds`);
    if (this.overwritten() > 0) w.push(`the ring buffer overwrote ${this.overwritten()} events before the capture (the oldest are missing)`);
    if (this.gaps > 0) w.push(`${this.gaps} gaps in the trace (a CPU buffer starting late, timestamps going back, or a second trace): no pair spans them`);
    if (stepNs !== null && stepNs >= 1000) w.push(`${resolutionNote}: durations are quantised to that step; a value below it reads "< ${stepNs} ns"`);
    if (stepNs === null && this.tokenizer.resolution().counter) w.push('timestamps are counter ticks (trace clock x86-tsc or counter): values are ticks, not ns');
    if (this.all.pairing.timerPairs === 0) w.push('no timer expiry followed by its VM entry: the runs hold exit handling times (kvm_exit → kvm_entry) instead');
    if ((this.eventCounts.get('kvm_inj_virq') ?? 0) === 0 && this.apicAccept > 0) {
      w.push('no kvm_inj_virq events (APICv posts the timer vector: kvm_apic_accept_irq seen instead)');
    }
    if (this.unknown.count > 0) {
      const first = this.unknown.examples[0];
      w.push(`${this.unknown.count} lines skipped as not understood${first ? ` (first: line ${first.line})` : ''}`);
    }
    if (this.all.approximate || [...this.perThread.values()].some((t) => t.stats.approximate)) {
      w.push('more distinct latencies than are kept exactly: values are in log-linear buckets (< 1 % error)');
    }
    if (dropped > 0) w.push(`${dropped} more vCPU threads are in the per-vCPU table only (a file becomes at most ${MAX_SERIES} runs)`);
    if (vcpuThreads > 1 && this.all.pairing.timerPairs > 0) w.push(`${vcpuThreads} vCPU threads: one run each, and one merged run`);
    return w;
  }

  private fillMeta(): void {
    const m = this.meta;
    if (this.headers.cpus !== undefined) m.cpus = String(this.headers.cpus);
    if (this.headers.tracer !== undefined) m.tracer = this.headers.tracer;
    m.events = String(this.tokenizer.eventCount);
    for (const [name, n] of this.eventCounts) m[`events.${name}`] = String(n);
    for (const [vec, n] of this.injVectors) m[`inj_virq.0x${vec.toString(16)}`] = String(n);
    for (const [msr, n] of this.msrWrites) m[`msr_write.${msr}`] = String(n);
    m['latency.fromPreemptionTimer'] = String(this.all.via['preemption-timer']);
    m['latency.fromHrtimer'] = String(this.all.via.hrtimer);
    if (this.unreadableFields > 0) m.unreadableEventFields = String(this.unreadableFields);
  }
}

/** "vCPU 0 is reported by threads 1001 and 2001", or null when every vCPU id has one thread. */
function sharedVcpuIds(threads: readonly VcpuThread[]): string | null {
  const byId = new Map<number, number[]>();
  for (const t of threads) if (t.vcpu !== null) byId.set(t.vcpu, [...(byId.get(t.vcpu) ?? []), t.pid]);
  const dup = [...byId.entries()].find(([, pids]) => pids.length > 1);
  return dup ? `vCPU ${dup[0]} is reported by threads ${dup[1].join(' and ')}` : null;
}

function threadSource(t: VcpuThread): RunSource {
  const parts = [`vCPU ${t.vcpu ?? '?'}`, `thread ${t.pid}${t.comm ? ` (${t.comm})` : ''}`];
  if (t.vm !== null) parts.push(`VM ${t.vm}`);
  parts.push(`CPU ${t.cpu}`);
  const s: RunSource = { scope: 'vcpu', label: parts.join(' · '), tid: t.pid, cpu: t.cpu };
  if (t.vcpu !== null) s.vcpu = t.vcpu;
  if (t.vm !== null) s.vm = t.vm;
  return s;
}

function toData(h: BoundedHistogram | null): HistogramData | null {
  if (!h) return null;
  const d = h.toData();
  return d.values.length > 0 ? d : null;
}

function seriesOf(source: RunSource, st: VcpuStats, timerFile: boolean): ParsedSeries {
  const dist = timerFile ? st.timer : st.exitDurations;
  const stats = timerFile ? st.timerStats : st.exitStats;
  const exits: Record<string, ExitTotals> = {};
  for (const [r, e] of st.exits) exits[r] = { ...e };
  const s: ParsedSeries = {
    source,
    samples: null,
    histogram: toData(dist),
    overflow: null,
    summary: stats.summary(),
    exits,
    pairing: { exitPairs: st.pairing.exitPairs, timerPairs: st.pairing.timerPairs, dropped: { ...st.pairing.dropped } },
  };
  if (st.hv.software + st.hv.preemption > 0) s.hvTimer = { ...st.hv };
  const lapic = st.lapic.result();
  if (lapic) s.lapicExpire = lapic;
  return s;
}

/** The stats of several vCPU threads together (a VM). */
function mergeStats(list: readonly VcpuStats[]): VcpuStats {
  const out = new VcpuStats(true);
  const timer = new SparseHistogram();
  const exitDur = new SparseHistogram();
  for (const s of list) {
    for (const [r, e] of s.exits) {
      const o = out.exits.get(r) ?? { count: 0, timed: 0, totalNs: 0, minNs: null, maxNs: null };
      o.count += e.count;
      o.timed += e.timed;
      o.totalNs += e.totalNs;
      o.minNs = minOf(o.minNs, e.minNs);
      o.maxNs = maxOf(o.maxNs, e.maxNs);
      out.exits.set(r, o);
    }
    const t = s.timer?.toData();
    t?.values.forEach((v, i) => timer.add(v, t.counts[i] ?? 0));
    const d = s.exitDurations?.toData();
    d?.values.forEach((v, i) => exitDur.add(v, d.counts[i] ?? 0));
    mergeRunning(out.timerStats, s.timerStats);
    mergeRunning(out.exitStats, s.exitStats);
    out.pairing.exitPairs += s.pairing.exitPairs;
    out.pairing.timerPairs += s.pairing.timerPairs;
    for (const [r, n] of Object.entries(s.pairing.dropped)) out.pairing.dropped[r] = (out.pairing.dropped[r] ?? 0) + n;
    out.hv.software += s.hv.software;
    out.hv.preemption += s.hv.preemption;
  }
  for (const [v, c] of timer.entries()) out.timer?.add(v, c);
  for (const [v, c] of exitDur.entries()) out.exitDurations?.add(v, c);
  return out;
}

function mergeRunning(into: RunningStats, from: RunningStats): void {
  if (from.count === 0) return;
  into.count += from.count;
  into.sum += from.sum;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
