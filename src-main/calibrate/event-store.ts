/**
 * One vCPU thread's timer-relevant events as compact columns (label id, timestamp, value), kept
 * while a trace streams by so the segments can be cut once both traces' event vocabularies are
 * known. Labels are interned strings such as `kvm_exit MSR_WRITE`, `kvm_hv_timer_state 1`,
 * `hrtimer_expire_entry`; `hole` marks a place where the trace is not continuous. Pure: must not
 * import node:*, electron or better-sqlite3.
 */

/** Interned labels shared by the stores of one trace. */
export class LabelTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(label: string): number {
    let i = this.ids.get(label);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(label, i);
      this.names.push(label);
    }
    return i;
  }

  name(id: number): string {
    return this.names[id] ?? '?';
  }
}

/** The event name of a label: its first word (`kvm_exit MSR_WRITE` → `kvm_exit`). */
export function eventOfLabel(label: string): string {
  const sp = label.indexOf(' ');
  return sp < 0 ? label : label.slice(0, sp);
}

export const HOLE = 'hole';

export class ThreadEvents {
  private label = new Uint16Array(1024);
  private ts = new Float64Array(1024);
  private value = new Float64Array(1024);
  private lines = new Int32Array(1024);
  length = 0;

  push(label: number, ts: number, value: number, lineNo: number): void {
    if (this.length === this.label.length) this.grow();
    this.label[this.length] = label;
    this.ts[this.length] = ts;
    this.value[this.length] = value;
    this.lines[this.length] = lineNo;
    this.length++;
  }

  private grow(): void {
    const n = this.label.length * 2;
    const l = new Uint16Array(n);
    l.set(this.label);
    this.label = l;
    const t = new Float64Array(n);
    t.set(this.ts);
    this.ts = t;
    const v = new Float64Array(n);
    v.set(this.value);
    this.value = v;
    const ln = new Int32Array(n);
    ln.set(this.lines);
    this.lines = ln;
  }

  labelAt(i: number): number {
    return this.label[i]!;
  }
  tsAt(i: number): number {
    return this.ts[i]!;
  }
  valueAt(i: number): number {
    return this.value[i]!;
  }
  lineAt(i: number): number {
    return this.lines[i]!;
  }
}
