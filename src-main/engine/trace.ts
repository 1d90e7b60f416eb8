/**
 * Trace events named after the kernel's tracepoints (kvm_exit, kvm_entry, kvm_msr, kvm_inj_virq,
 * kvm_hv_timer_state, kvm_wait_lapic_expire), recorded with their host TSC time, and printed as
 * `trace-cmd report` lines. Recording is bounded by a number of timer events. Must not import
 * anything but src-shared.
 */

export interface TraceRecord {
  /** Host TSC cycles. */
  t: number;
  cpu: number;
  event: string;
  text: string;
}

export class TraceBuffer {
  readonly records: TraceRecord[] = [];
  constructor(
    readonly cpu: number,
    private readonly limitTimerEvents: number,
  ) {}
  private timerEvents = 0;

  get full(): boolean {
    return this.timerEvents >= this.limitTimerEvents;
  }

  /** Counts a delivered timer interrupt; recording stops after the limit. */
  countTimerEvent(): void {
    this.timerEvents++;
  }

  add(t: number, event: string, text: string): void {
    if (this.timerEvents < this.limitTimerEvents) this.records.push({ t, cpu: this.cpu, event, text });
  }
}

export interface TraceFormatOptions {
  tscKhz: number;
  comm?: string;
  pid?: number;
  cpus?: number;
}

/** One `trace-cmd report` line: ` COMM-PID [CPU] SECONDS.USECS: EVENT:<pad> FIELDS`. */
export function formatTraceLine(r: TraceRecord, o: TraceFormatOptions): string {
  const comm = `${o.comm ?? 'qemu-system-x86'}-${o.pid ?? 4242}`;
  const us = Math.floor((r.t * 1000) / o.tscKhz);
  const secs = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  const cpu = String(r.cpu).padStart(3, '0');
  const label = `${r.event}:`;
  const name = label.length >= 22 ? `${label} ` : label.padEnd(22, ' ');
  return ` ${comm} [${cpu}] ${secs}.${frac}: ${name}${r.text}`;
}

/** The whole report: a `cpus=N` header then one line per record. */
export function formatTraceReport(records: readonly TraceRecord[], o: TraceFormatOptions): string {
  const lines = [`cpus=${o.cpus ?? 4}`];
  for (const r of records) lines.push(formatTraceLine(r, o));
  return lines.join('\n') + '\n';
}
