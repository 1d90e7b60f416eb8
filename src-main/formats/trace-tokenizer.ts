/**
 * Pure: must not import node:*, electron or better-sqlite3.
 * Layer 1 of reading a trace: one text line → one typed item. Reads `trace-cmd report` (µs, or
 * ns with -t), raw ftrace text (`# tracer:` header, irq-flags column, optional record-tgid
 * column, `##### CPU N buffer started ####`) and `perf script` (`COMM PID/TID [CPU] …:
 * kvm:kvm_exit: …`). Events become {ts in ns (from the first event's second), cpu, pid, tgid, comm,
 * event, fields}; lost-event markers, gaps and headers get their own items; every other line is
 * "unknown" (skipped and counted by the caller, never fatal). It also detects the timestamps'
 * resolution.
 */

export interface TraceEvent {
  lineNo: number;
  /** ns since the whole second of the file's first event (counter clocks: ticks since the first). Exact: seconds are subtracted before scaling. */
  ts: number;
  cpu: number;
  /** Thread id. */
  pid: number;
  /** Process id (the VM of a vCPU thread) when the text records it (ftrace record-tgid, perf script PID/TID). */
  tgid: number | null;
  comm: string;
  /** Event name without a `kvm:`-style subsystem prefix. */
  event: string;
  fields: string;
}

export type TraceItem =
  | { kind: 'event'; event: TraceEvent }
  /** Events the tracer says it lost, on one CPU (or on an unknown one). */
  | { kind: 'lost'; lineNo: number; cpu: number | null; count: number | null }
  /** A place where the stream is not continuous (a CPU buffer starting late, a second trace). */
  | { kind: 'gap'; lineNo: number; cpu: number | null; why: string }
  | { kind: 'header'; lineNo: number; key: 'cpus' | 'tracer' | 'version' | 'entries'; value: string }
  | { kind: 'skip' }
  | { kind: 'unknown'; lineNo: number; text: string };

export interface TraceResolution {
  /** Smallest step of the timestamps in ns, or null for counter clocks and empty traces. */
  stepNs: number | null;
  counter: boolean;
  /** E.g. "timestamps with 6 decimals (1 µs)". */
  note: string;
}

// comm is at most 64 characters here (the kernel's is 16), so a hostile line cannot make the
// lazy match try every split of a megabyte.
const LINE =
  /^\s*(.{1,64}?)[- ](?:(\d{1,10})\/)?(\d{1,10})\s+(?:\(\s*(\d{1,10}|-+)\)\s+)?\[(\d{1,5})\]\s+(?:(\S{1,16})\s+)??(\d{1,20})(?:\.(\d{1,12}))?:\s+(\w{1,64}(?::\w{1,64})?):(?:\s+(.*))?$/;
const LOST = /^\s*CPU:?\s*(\d{1,5})\s*\[(?:LOST (\d{1,15}) EVENTS|(\d{1,15}) EVENTS DROPPED|LOST EVENTS|EVENTS DROPPED)\]/;
const BUFFER_STARTED = /^#{3,}\s*CPU (\d{1,5}) buffer started\s*#*$/;
/** Events needed before a coarser step than the printed digits is believed (e.g. ns timestamps all ending in 000). */
const RESOLUTION_EVENTS = 20;

export class TraceTokenizer {
  private baseSec: number | null = null;
  private baseCounter: bigint | null = null;
  private events = 0;
  private maxDigits = 0;
  private counter = false;
  private minTrailingZeros = 9;

  get eventCount(): number {
    return this.events;
  }

  push(raw: string, lineNo: number): TraceItem {
    const line = raw.trimEnd();
    const t = line.trim();
    if (t === '') return { kind: 'skip' };
    if (t.startsWith('#')) return this.comment(t, lineNo);
    const m = LINE.exec(line);
    if (m) {
      const ev = this.event(m, lineNo);
      if (ev) return { kind: 'event', event: ev };
      return { kind: 'unknown', lineNo, text: raw };
    }
    const lost = LOST.exec(line);
    if (lost) {
      const n = lost[2] ?? lost[3];
      return { kind: 'lost', lineNo, cpu: Number(lost[1]), count: n === undefined ? null : Number(n) };
    }
    const cpus = /^cpus=(\d{1,5})$/.exec(t);
    if (cpus?.[1] !== undefined) {
      // a second header after events: another trace starts here (concatenated reports)
      if (this.events > 0) return { kind: 'gap', lineNo, cpu: null, why: 'a second trace starts' };
      return { kind: 'header', lineNo, key: 'cpus', value: cpus[1] };
    }
    const version = /^version = (\S{1,16})$/.exec(t);
    if (version?.[1] !== undefined) return { kind: 'header', lineNo, key: 'version', value: version[1] };
    if (/^CPU \d{1,5} is empty$/.test(t)) return { kind: 'skip' };
    return { kind: 'unknown', lineNo, text: raw };
  }

  private comment(t: string, lineNo: number): TraceItem {
    const started = BUFFER_STARTED.exec(t);
    if (started) return { kind: 'gap', lineNo, cpu: Number(started[1]), why: `CPU ${started[1]} buffer started later` };
    const tracer = /^# tracer: (\S{1,64})/.exec(t);
    if (tracer?.[1] !== undefined) return { kind: 'header', lineNo, key: 'tracer', value: tracer[1] };
    // ftrace: "# entries-in-buffer/entries-written: 140080/250434   #P:4"
    const entries = /^# entries-in-buffer\/entries-written: (\d{1,15})\/(\d{1,15})\s+#P:(\d{1,5})/.exec(t);
    if (entries) return { kind: 'header', lineNo, key: 'entries', value: `${entries[1]}/${entries[2]}/${entries[3]}` };
    return { kind: 'skip' };
  }

  private event(m: RegExpExecArray, lineNo: number): TraceEvent | null {
    const [, comm = '', processId, pid = '', tgid, cpu = '', , sec = '', frac, ev = '', fields = ''] = m;
    let ts: number;
    if (frac === undefined) {
      // counter clocks (x86-tsc, counter): ticks, possibly beyond 2^53, so relative to the first in BigInt
      const c = BigInt(sec);
      this.baseCounter ??= c;
      ts = Number(c - this.baseCounter);
      this.counter = true;
    } else {
      if (frac.length > 9 || sec.length > 12) return null;
      const s = Number(sec);
      this.baseSec ??= s;
      const fracNs = Number(frac.padEnd(9, '0'));
      ts = (s - this.baseSec) * 1e9 + fracNs;
      this.maxDigits = Math.max(this.maxDigits, frac.length);
      this.minTrailingZeros = Math.min(this.minTrailingZeros, trailingZeros(frac.padEnd(9, '0')));
    }
    this.events++;
    const colon = ev.indexOf(':');
    const tg = processId ?? (tgid !== undefined && /^\d+$/.test(tgid) ? tgid : undefined);
    return {
      lineNo,
      ts,
      cpu: Number(cpu),
      pid: Number(pid),
      tgid: tg === undefined ? null : Number(tg),
      comm: comm.trim(),
      event: colon < 0 ? ev : ev.slice(colon + 1),
      fields: fields.trim(),
    };
  }

  resolution(): TraceResolution {
    if (this.counter) return { stepNs: null, counter: true, note: 'counter trace clock: timestamps are ticks, not time' };
    if (this.events === 0 || this.maxDigits === 0) return { stepNs: null, counter: false, note: 'no timestamps' };
    const printed = 10 ** (9 - this.maxDigits);
    const zeros = this.events >= RESOLUTION_EVENTS ? Math.max(0, this.minTrailingZeros - (9 - this.maxDigits)) : 0;
    const step = printed * 10 ** zeros;
    const digits = `timestamps with ${this.maxDigits} decimals`;
    return {
      stepNs: step,
      counter: false,
      note: zeros > 0 ? `${digits}, all whole multiples of ${stepText(step)}` : `${digits} (${stepText(step)})`,
    };
  }
}

function trailingZeros(nineDigits: string): number {
  let n = 0;
  for (let i = nineDigits.length - 1; i >= 0 && nineDigits[i] === '0'; i--) n++;
  return n;
}

function stepText(ns: number): string {
  if (ns >= 1e6) return `${ns / 1e6} ms`;
  if (ns >= 1e3) return `${ns / 1e3} µs`;
  return `${ns} ns`;
}

/** One line as a trace event, or null (detection and tests). */
export function parseTraceLine(line: string): TraceEvent | null {
  const item = new TraceTokenizer().push(line, 1);
  return item.kind === 'event' ? item.event : null;
}
