/**
 * A trace as a timeline of slices, Perfetto style: a vCPU track (in the guest from kvm_entry to
 * kvm_exit, in the host from an exit to the next entry, named by exit reason), the host pCPU
 * track of the vCPU's CPU (paired `*_entry`/`*_exit` events such as hrtimer_expire_entry/exit,
 * the idle task's stretches, instants for everything else), a track of each timer expiry's way to
 * the guest (expiry → VM entry), and one track per other CPU (the housekeeping CPU). The vCPU's
 * CPU is the one its kvm_entry/kvm_exit events run on. Pure TypeScript: no DOM, no chart.js.
 */
import type { TraceEventRow } from '../contract.js';
import type { TimelineChartSpec, TimelineSlice } from './spec.js';

/** Slice colours by kind. */
export const TRACE_COLORS: Readonly<Record<string, string>> = {
  guest: '#2E9E5B',
  EXTERNAL_INTERRUPT: '#D55E00',
  HLT: '#9AA5B1',
  MSR_WRITE: '#CC79A7',
  PREEMPTION_TIMER: '#E69F00',
  exit: '#0072B2',
  handler: '#3D6FB6',
  idle: '#C5CCD3',
  expiry: '#56B4E9',
  instant: '#1F2328',
};

/** Rows of a trace as they pair up: the rule, kept as data. */
const PAIR_SUFFIXES: ReadonlyArray<[string, string]> = [
  ['_entry', '_exit'],
  ['_enter', '_exit'],
  ['_start', '_end'],
];

/** Events that begin or end guest execution, never paired by suffix. */
const VM_EVENTS = new Set(['kvm_entry', 'kvm_exit']);

function exitReason(text: string): string {
  return /reason\s+(\S+)/.exec(text)?.[1] ?? 'exit';
}

function pairKey(event: string): { base: string; begins: boolean } | null {
  if (VM_EVENTS.has(event)) return null;
  for (const [open, close] of PAIR_SUFFIXES) {
    if (event.endsWith(open)) return { base: event.slice(0, -open.length), begins: true };
    if (event.endsWith(close)) return { base: event.slice(0, -close.length), begins: false };
  }
  return null;
}

/** Kinds that appear, for the key under the chart. */
function legendOf(slices: readonly TimelineSlice[]): Array<{ label: string; color: string }> {
  const seen = new Map<string, string>();
  for (const s of slices) {
    const kind = s.name.startsWith('exit ') ? s.name : s.color === TRACE_COLORS.instant ? 'instant event' : s.color === TRACE_COLORS.handler ? 'host handler (entry → exit)' : s.name;
    if (!seen.has(kind) && seen.size < 12) seen.set(kind, s.color);
  }
  return [...seen].map(([label, color]) => ({ label, color }));
}

/** The timeline of trace rows; x in µs from the first row, `tscKhz` ticks of `t` per ms. */
export function traceTimeline(rows: readonly TraceEventRow[], tscKhz: number): TimelineChartSpec {
  const t0 = rows[0]?.t ?? 0;
  const us = (t: number) => ((t - t0) * 1000) / tscKhz;
  const vcpuCpu = rows.find((r) => VM_EVENTS.has(r.event))?.cpu ?? rows[0]?.cpu ?? 0;
  const others = [...new Set(rows.map((r) => r.cpu).filter((c) => c !== vcpuCpu))].sort((a, b) => a - b);
  const tracks = ['vCPU 0', `host CPU ${vcpuCpu}`, 'timer expiry → VM entry', ...others.map((c) => `housekeeping CPU ${c}`)];
  const trackOfCpu = (cpu: number) => (cpu === vcpuCpu ? 1 : 3 + others.indexOf(cpu));
  const slices: TimelineSlice[] = [];
  const end = rows.length ? us(rows[rows.length - 1]!.t) : 0;

  // vCPU: alternating guest and exit slices.
  let vmState: { at: number; name: string; color: string; text: string } | null = null;
  // Expiry → entry: from a timer expiry on the host to the next VM entry.
  let expiry: { at: number; text: string } | null = null;
  const open = new Map<string, { at: number; row: TraceEventRow }>();
  const idleSince = new Map<number, number>();

  for (const r of rows) {
    const t = us(r.t);
    if (r.cpu === vcpuCpu && VM_EVENTS.has(r.event)) {
      if (vmState) slices.push({ track: 0, start: vmState.at, end: t, name: vmState.name, color: vmState.color, text: vmState.text });
      if (r.event === 'kvm_entry') {
        vmState = { at: t, name: 'guest', color: TRACE_COLORS.guest as string, text: `in the guest (kvm_entry ${r.text})` };
        if (expiry) {
          slices.push({ track: 2, start: expiry.at, end: t, name: 'expiry → entry', color: TRACE_COLORS.expiry as string, text: `${expiry.text} → kvm_entry: ${(t - expiry.at).toFixed(3)} µs` });
          expiry = null;
        }
      } else {
        const reason = exitReason(r.text);
        vmState = { at: t, name: `exit ${reason}`, color: TRACE_COLORS[reason] ?? (TRACE_COLORS.exit as string), text: `kvm_exit ${r.text}` };
        if (reason === 'PREEMPTION_TIMER') expiry = { at: t, text: 'PREEMPTION_TIMER exit' };
      }
      continue;
    }
    if (r.event === 'hrtimer_expire_entry' && r.cpu === vcpuCpu && /apic_timer_fn/.test(r.text)) expiry = { at: t, text: 'hrtimer_expire_entry apic_timer_fn' };
    const track = trackOfCpu(r.cpu);
    // The idle task (pid 0) on a CPU: one slice per stretch.
    if (r.pid !== undefined) {
      const since = idleSince.get(r.cpu);
      if (r.pid === 0 && since === undefined) idleSince.set(r.cpu, t);
      if (r.pid !== 0 && since !== undefined) {
        slices.push({ track, start: since, end: t, name: 'idle', color: TRACE_COLORS.idle as string, text: `<idle>-0 on CPU ${r.cpu}` });
        idleSince.delete(r.cpu);
      }
    }
    const pair = pairKey(r.event);
    const key = pair ? `${r.cpu}:${pair.base}` : '';
    if (pair?.begins) {
      open.set(key, { at: t, row: r });
      continue;
    }
    if (pair && open.has(key)) {
      const o = open.get(key)!;
      open.delete(key);
      slices.push({ track, start: o.at, end: t, name: pair.base, color: TRACE_COLORS.handler as string, text: `${o.row.event} ${o.row.text} → ${r.event} (${(t - o.at).toFixed(3)} µs)` });
      continue;
    }
    slices.push({ track, start: t, end: t, name: r.event, color: TRACE_COLORS.instant as string, text: `${r.event}: ${r.text}` });
  }
  // What is still open at the end of the trace: unpaired begins become instants.
  for (const o of open.values()) slices.push({ track: trackOfCpu(o.row.cpu), start: o.at, end: o.at, name: o.row.event, color: TRACE_COLORS.instant as string, text: `${o.row.event}: ${o.row.text}` });
  if (vmState) slices.push({ track: 0, start: vmState.at, end, name: vmState.name, color: vmState.color, text: vmState.text });
  for (const [cpu, since] of idleSince) slices.push({ track: trackOfCpu(cpu), start: since, end, name: 'idle', color: TRACE_COLORS.idle as string, text: `<idle>-0 on CPU ${cpu}` });
  // Only tracks that have something on them (no housekeeping track without another CPU).
  const used = tracks.map((_, i) => i).filter((i) => i <= 1 || slices.some((sl) => sl.track === i));
  const remap = new Map(used.map((old, i) => [old, i]));
  const kept = slices.filter((sl) => remap.has(sl.track)).map((sl) => ({ ...sl, track: remap.get(sl.track)! }));
  return {
    kind: 'timeline',
    title: 'Trace timeline',
    tracks: used.map((i) => tracks[i]!),
    slices: kept,
    x: { label: 'time (µs)', tight: true },
    legend: legendOf(kept),
  };
}
