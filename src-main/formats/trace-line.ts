/**
 * Tokenizes one trace text line — `trace-cmd report` (`COMM-PID [CPU] SECONDS.USECS: EVENT:
 * FIELDS`, also `-t` ns timestamps), raw ftrace (irq-flags column) and `perf script`
 * (`COMM PID [CPU] …: kvm:kvm_exit: …`) — and parses the fields of the KVM events we use.
 * Must not import node:*, electron or better-sqlite3.
 */

export interface TraceLine {
  comm: string;
  pid: number;
  cpu: number;
  /** Whole seconds of the timestamp, and the fraction in ns (kept apart: sec·1e9 can pass 2^53). */
  sec: number;
  fracNs: number;
  /** True when the timestamp had no fraction (raw counter clocks such as x86-tsc). */
  counter: boolean;
  /** Event name without a `kvm:`-style subsystem prefix. */
  event: string;
  fields: string;
}

const LINE = /^\s*(.+?)[- ](\d+)\s+\[(\d+)\]\s+(?:(\S+)\s+)??(\d+)(?:\.(\d+))?:\s+([A-Za-z_]\w*(?::[A-Za-z_]\w*)?):(?:\s+(.*))?$/;

export function parseTraceLine(line: string): TraceLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, comm = '', pid, cpu, , sec, frac, ev = '', fields = ''] = m;
  if (frac !== undefined && frac.length > 9) return null;
  const colon = ev.indexOf(':');
  return {
    comm: comm.trim(),
    pid: Number(pid),
    cpu: Number(cpu),
    sec: Number(sec),
    fracNs: frac === undefined ? 0 : Number(frac.padEnd(9, '0')),
    counter: frac === undefined,
    event: colon < 0 ? ev : ev.slice(colon + 1),
    fields: fields.trim(),
  };
}

export interface KvmExitFields {
  vcpu: number | null;
  reason: string;
  rip: string;
}

export function parseKvmExit(f: string): KvmExitFields | null {
  const m = /^(?:vcpu (\d+) )?reason (.+?) rip (0x[0-9a-fA-F]+)(?: info1? |$)/.exec(f);
  if (!m) return null;
  const [, vcpu, reason = '', rip = ''] = m;
  return { vcpu: vcpu === undefined ? null : Number(vcpu), reason: reason.trim(), rip };
}

export function parseKvmEntry(f: string): { vcpu: number } | null {
  const m = /^vcpu (\d+)(?:,?\s+rip 0x[0-9a-fA-F]+)?(?:\s.*)?$/.exec(f);
  return m ? { vcpu: Number(m[1]) } : null;
}

export function parseHvTimerState(f: string): { vcpu: number; hvTimer: number } | null {
  const m = /^vcpu_id ([0-9a-fA-F]+) hv_timer ([0-9a-fA-F]+)$/.exec(f);
  if (!m) return null;
  const [, vcpu = '', hvTimer = ''] = m;
  return { vcpu: parseInt(vcpu, 16), hvTimer: parseInt(hvTimer, 16) };
}

export function parseWaitLapicExpire(f: string): { vcpu: number; delta: number; late: boolean } | null {
  const m = /^vcpu (\d+): delta (-?\d+) \((early|late)\)$/.exec(f);
  return m ? { vcpu: Number(m[1]), delta: Number(m[2]), late: m[3] === 'late' } : null;
}

export function parseInjVirq(f: string): { vector: number; soft: boolean } | null {
  const m = /^(?:irq (\d+)|IRQ 0x([0-9a-fA-F]+)|Soft\/INTn 0x([0-9a-fA-F]+))(?: \[reinjected\])?$/.exec(f);
  if (!m) return null;
  if (m[1] !== undefined) return { vector: Number(m[1]), soft: false };
  if (m[2] !== undefined) return { vector: parseInt(m[2], 16), soft: false };
  return { vector: parseInt(m[3] ?? '', 16), soft: true };
}

export function parseKvmMsr(f: string): { write: boolean; msr: string; value: string } | null {
  const m = /^msr_(read|write) ([0-9a-fA-F]+) = (0x[0-9a-fA-F]+)(?: \(#GP\))?$/.exec(f);
  if (!m) return null;
  const [, op, msr = '', value = ''] = m;
  return { write: op === 'write', msr: msr.toLowerCase(), value };
}
