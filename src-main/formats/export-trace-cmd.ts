/**
 * Writes trace events as `trace-cmd report` text: `cpus=N`, then
 * ` qemu-system-x86-4242 [003] 16062.943940: kvm_exit:             reason HLT rip 0x… info 0 0`
 * (COMM right-aligned to 16, PID left-aligned to 5, CPU %03d, event name + ':' padded to 21 and
 * a space, as in real reports). One vCPU thread per vCPU (PID = pid + vCPU id); events of the
 * idle task print as `<idle>-0`. Events of every CPU are merged in time order. Parses back with
 * TraceCmdParser. Pure: must not import node:*, electron or better-sqlite3.
 */
import { cyclesTo, VcpuTracker, type TraceEventIn } from './trace-events.js';

export interface TraceCmdReportOptions {
  tscKhz: number;
  /** Seconds added to every timestamp (a host's uptime at the start of the trace). Default 0. */
  baseSeconds?: number;
  /** Host cycles subtracted before conversion. Default 0. */
  originCycles?: number;
  comm?: string;
  /** PID of vCPU 0's thread; vCPU N gets pid + N. Default 4242. */
  pid?: number;
  /** `cpus=N` (default: highest CPU + 1). */
  cpus?: number;
  /** Print ns timestamps (trace-cmd report -t). */
  nsTimestamps?: boolean;
}

export function toTraceCmdReport(events: TraceEventIn[], opts: TraceCmdReportOptions): string {
  if (!(opts.tscKhz > 0)) throw new RangeError('tscKhz must be positive');
  const comm = opts.comm ?? 'qemu-system-x86';
  const pid = opts.pid ?? 4242;
  const origin = opts.originCycles ?? 0;
  const ns = opts.nsTimestamps ?? false;
  const digits = ns ? 9 : 6;
  const unit = ns ? 1e9 : 1e6;
  const base = Math.round((opts.baseSeconds ?? 0) * unit);
  const cpus = opts.cpus ?? events.reduce((m, e) => Math.max(m, e.cpu + 1), 1);
  const tracker = new VcpuTracker();
  const lines = [`cpus=${cpus}`];
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    const vcpu = tracker.vcpuOf(e);
    const t = cyclesTo(e.t - origin, opts.tscKhz, unit / 1000) + base;
    const secs = Math.floor(t / unit);
    const ts = `${secs}.${String(t - secs * unit).padStart(digits, '0')}`;
    const owner = e.pid === 0 ? `${'<idle>'.padStart(16)}-${'0'.padEnd(5)}` : `${comm.padStart(16)}-${String(pid + vcpu).padEnd(5)}`;
    // kvm_entry's TP_printk output starts with a space in real reports (one extra column); a
    // format ending in "\n" (kvm_hv_timer_state until 5.2) leaves an empty line after the event.
    const text = e.event === 'kvm_entry' ? ` ${e.text}` : e.text;
    const line = `${owner} [${String(e.cpu).padStart(3, '0')}] ${ts}: ${`${e.event}:`.padEnd(21)} ${text}`;
    if (line.endsWith('\n')) lines.push(line.slice(0, -1), '');
    else lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
