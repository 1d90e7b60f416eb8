/**
 * Writes trace events as Chrome trace-event JSON that Perfetto UI and chrome://tracing open:
 * `M` process names ("vCPU N", "pCPU N"), `X` slices per VM exit (kvm_exit → next kvm_entry,
 * named after the exit reason) on the vCPU track and "in guest" slices on the pCPU track, `I`
 * instants for timer events; `ts` in µs. Pure: must not import node:*, electron or better-sqlite3.
 */
import { exitReason, VcpuTracker, type TraceEventIn } from './trace-events.js';

export interface ChromeTraceOptions {
  tscKhz: number;
  /** Host cycles shown as ts 0 (default: the first event's). */
  originCycles?: number;
}

export interface ChromeTraceEvent {
  name: string;
  ph: 'M' | 'X' | 'I';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, string | number>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ns';
}

const INSTANTS = new Set(['kvm_hv_timer_state', 'kvm_inj_virq', 'kvm_wait_lapic_expire', 'kvm_msr', 'kvm_apic_accept_irq', 'hrtimer_expire_entry', 'hrtimer_start']);
const VCPU_PID = 1;
const PCPU_PID = 1000;

export function toChromeTrace(events: TraceEventIn[], opts: ChromeTraceOptions): ChromeTrace {
  if (!(opts.tscKhz > 0)) throw new RangeError('tscKhz must be positive');
  const origin = opts.originCycles ?? (events.length ? Math.min(...events.map((e) => e.t)) : 0);
  // µs with ns resolution (rounded so 1300 ns prints as 1.3, not 1.2999…).
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  const us = (t: number): number => round(((t - origin) * 1000) / opts.tscKhz);
  const dur = (from: number, to: number): number => round(((to - from) * 1000) / opts.tscKhz);
  const tracker = new VcpuTracker();
  const out: ChromeTraceEvent[] = [];
  const vcpus = new Set<number>();
  const pcpus = new Set<number>();
  const openExit = new Map<number, { e: TraceEventIn; reason: string }>();
  const inGuest = new Map<number, { t: number; vcpu: number }>();
  const sorted = [...events].sort((a, b) => a.t - b.t);
  for (const e of sorted) {
    const vcpu = tracker.vcpuOf(e);
    vcpus.add(vcpu);
    pcpus.add(e.cpu);
    const vpid = VCPU_PID + vcpu;
    if (e.event === 'kvm_exit') {
      const g = inGuest.get(e.cpu);
      if (g) {
        out.push({ name: `vCPU ${g.vcpu} in guest`, ph: 'X', cat: 'guest', pid: PCPU_PID + e.cpu, tid: PCPU_PID + e.cpu, ts: us(g.t), dur: dur(g.t, e.t) });
        inGuest.delete(e.cpu);
      }
      openExit.set(vcpu, { e, reason: exitReason(e.text) });
    } else if (e.event === 'kvm_entry') {
      const x = openExit.get(vcpu);
      if (x) {
        out.push({ name: x.reason, ph: 'X', cat: 'kvm_exit', pid: vpid, tid: vpid, ts: us(x.e.t), dur: dur(x.e.t, e.t), args: { exit: x.e.text, pcpu: x.e.cpu } });
        openExit.delete(vcpu);
      }
      inGuest.set(e.cpu, { t: e.t, vcpu });
    } else if (INSTANTS.has(e.event)) {
      out.push({ name: e.event, ph: 'I', s: 't', cat: 'timer', pid: vpid, tid: vpid, ts: us(e.t), args: { text: e.text, pcpu: e.cpu } });
    }
  }
  for (const [vcpu, x] of openExit) {
    out.push({ name: x.reason, ph: 'X', cat: 'kvm_exit', pid: VCPU_PID + vcpu, tid: VCPU_PID + vcpu, ts: us(x.e.t), dur: 0, args: { exit: x.e.text, pcpu: x.e.cpu, unfinished: 'no kvm_entry before the end of the trace' } });
  }
  const meta: ChromeTraceEvent[] = [];
  for (const v of [...vcpus].sort((a, b) => a - b)) {
    meta.push({ name: 'process_name', ph: 'M', pid: VCPU_PID + v, tid: VCPU_PID + v, args: { name: `vCPU ${v}` } });
    meta.push({ name: 'thread_name', ph: 'M', pid: VCPU_PID + v, tid: VCPU_PID + v, args: { name: `vCPU ${v} exits` } });
    meta.push({ name: 'process_sort_index', ph: 'M', pid: VCPU_PID + v, tid: VCPU_PID + v, args: { sort_index: v } });
  }
  for (const c of [...pcpus].sort((a, b) => a - b)) {
    meta.push({ name: 'process_name', ph: 'M', pid: PCPU_PID + c, tid: PCPU_PID + c, args: { name: `pCPU ${c}` } });
    meta.push({ name: 'process_sort_index', ph: 'M', pid: PCPU_PID + c, tid: PCPU_PID + c, args: { sort_index: PCPU_PID + c } });
  }
  return { traceEvents: [...meta, ...out], displayTimeUnit: 'ns' };
}
