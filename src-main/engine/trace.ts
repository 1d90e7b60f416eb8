/**
 * Trace events named after the kernel's tracepoints (kvm_exit, kvm_entry, kvm_msr, kvm_inj_virq,
 * kvm_hv_timer_state, kvm_wait_lapic_expire), recorded with their host TSC time. Recording is
 * bounded by a number of timer events; src-main/formats writes them as `trace-cmd report` text or
 * Chrome trace JSON. Must not import anything but src-shared.
 */

export interface TraceRecord {
  /** Host TSC cycles. */
  t: number;
  cpu: number;
  /** Task running when the event fired: the vCPU thread, or 0 for the idle task. */
  pid: number;
  event: string;
  text: string;
}

export class TraceBuffer {
  readonly records: TraceRecord[] = [];
  constructor(
    private readonly limitTimerEvents: number,
    private readonly limitRecords = Infinity,
  ) {}
  private timerEvents = 0;

  get full(): boolean {
    return this.timerEvents >= this.limitTimerEvents;
  }

  /** Counts a delivered timer interrupt; recording stops after the limit. */
  countTimerEvent(): void {
    this.timerEvents++;
  }

  add(t: number, cpu: number, pid: number, event: string, text: string): void {
    if (this.timerEvents < this.limitTimerEvents && this.records.length < this.limitRecords) this.records.push({ t, cpu, pid, event, text });
  }
}
