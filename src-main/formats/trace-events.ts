/**
 * The simulator's trace events as the exporters take them (host TSC cycles, pCPU, kernel event
 * name, TP_printk-style text), a vCPU tracker, and exact cycles→µs/ns conversion.
 * Pure: must not import node:*, electron or better-sqlite3.
 */

export interface TraceEventIn {
  /** Host TSC cycles. */
  t: number;
  /** Physical CPU. */
  cpu: number;
  /** 0 when the idle task ran it (`<idle>-0`); otherwise, or absent, the vCPU thread. */
  pid?: number;
  event: string;
  text: string;
}

/** vCPU of an event: from its own text when it names one, else the last vCPU entered on that pCPU. */
export class VcpuTracker {
  private readonly onCpu = new Map<number, number>();

  vcpuOf(e: TraceEventIn): number {
    const m = /^\s*vcpu(?:_id)? ([0-9a-fA-F]+)/.exec(e.text);
    if (m?.[1] !== undefined) {
      const id = e.event === 'kvm_hv_timer_state' ? parseInt(m[1], 16) : Number(m[1]);
      if (Number.isFinite(id)) {
        this.onCpu.set(e.cpu, id);
        return id;
      }
    }
    return this.onCpu.get(e.cpu) ?? 0;
  }
}

/** floor(cycles · scale / tscKhz) without losing precision for large cycle counts. */
export function cyclesTo(cycles: number, tscKhz: number, scale: number): number {
  const q = Math.floor(cycles / tscKhz);
  const r = cycles - q * tscKhz;
  return q * scale + Math.floor((r * scale) / tscKhz);
}

export function exitReason(text: string): string {
  const m = /reason (.+?) rip /.exec(text) ?? /reason (\S+)/.exec(text);
  return m?.[1] ?? 'unknown';
}
