/**
 * The event window of one sample as table rows: each event's time relative to the sample's
 * deadline (negative before it: the arming; positive after: the way to the guest), the CPU and
 * the task that ran it, named as `trace-cmd report` names them. Must not import anything but src-shared.
 */
import type { TraceEventRow } from './contract.js';

/** The vCPU thread's command name in the lab's traces (its pid is the event's). */
export const VCPU_COMM = 'qemu-system-x86';

export interface SampleWindowRow {
  /** Host TSC cycles from the deadline (negative: before it). */
  offsetCycles: number;
  /** The same in µs at the host's TSC frequency. */
  offsetUs: number;
  cpu: number;
  /** `<idle>-0`, `qemu-system-x86-4242`, or `?` when the event names no task. */
  task: string;
  event: string;
  text: string;
}

export function taskName(pid: number | undefined): string {
  if (pid === undefined) return '?';
  return pid === 0 ? '<idle>-0' : `${VCPU_COMM}-${pid}`;
}

/** Rows in time order; `hostTscKhz` host TSC ticks per ms (the events' clock). */
export function sampleWindowRows(events: readonly TraceEventRow[], deadline: number, hostTscKhz: number): SampleWindowRow[] {
  if (!(hostTscKhz > 0)) throw new RangeError('hostTscKhz must be positive');
  return [...events]
    .sort((a, b) => a.t - b.t)
    .map((e) => ({
      offsetCycles: e.t - deadline,
      offsetUs: ((e.t - deadline) * 1000) / hostTscKhz,
      cpu: e.cpu,
      task: taskName(e.pid),
      event: e.event,
      text: e.text,
    }));
}
