/**
 * Segment values as the fit uses them: for every kind of segment (its id), each value with the
 * timer cycle it belongs to, so that a bootstrap can resample whole cycles. Values are host TSC
 * cycles (durations) or guest TSC cycles (kvm_wait_lapic_expire deltas, guest-side latencies).
 * Pure: must not import node:*, electron or better-sqlite3.
 */

export type SegmentKind = 'pair' | 'span' | 'whole' | 'wake' | 'lapic' | 'guest';

export interface SegmentInfo {
  id: string;
  kind: SegmentKind;
  /** Human description, e.g. "kvm_exit MSR_WRITE → kvm_msr 6e0 (in MSR_WRITE …)". */
  label: string;
  unit: 'host cycles' | 'guest cycles';
  /** Whether the values come from trace timestamps (and carry their quantisation). */
  timestamped: boolean;
}

export class SegmentValues {
  private v = new Float64Array(256);
  private c = new Int32Array(256);
  n = 0;
  constructor(readonly info: SegmentInfo) {}

  push(value: number, cycle: number): void {
    if (this.n === this.v.length) {
      const v = new Float64Array(this.n * 2);
      v.set(this.v);
      this.v = v;
      const c = new Int32Array(this.n * 2);
      c.set(this.c);
      this.c = c;
    }
    this.v[this.n] = value;
    this.c[this.n] = cycle;
    this.n++;
  }

  values(): Float64Array {
    return this.v.subarray(0, this.n);
  }

  cycles(): Int32Array {
    return this.c.subarray(0, this.n);
  }

  /** Mean and variance, each value weighted by its cycle's weight (all 1 without weights). */
  moments(weights?: ArrayLike<number>): { n: number; mean: number; variance: number; m4: number } {
    let sw = 0;
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const w = weights ? (weights[this.c[i]!] ?? 0) : 1;
      sw += w;
      s += w * this.v[i]!;
    }
    if (sw === 0) return { n: 0, mean: NaN, variance: NaN, m4: NaN };
    const mean = s / sw;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < this.n; i++) {
      const w = weights ? (weights[this.c[i]!] ?? 0) : 1;
      const d = this.v[i]! - mean;
      s2 += w * d * d;
      s4 += w * d * d * d * d;
    }
    return { n: sw, mean, variance: sw > 1 ? s2 / (sw - 1) : 0, m4: s4 / sw };
  }

  sorted(): Float64Array {
    return Float64Array.from(this.values()).sort();
  }
}

export class SegmentSet {
  readonly segments = new Map<string, SegmentValues>();
  /** Timer cycles seen (cycle indices run from 0 to cycles − 1). */
  cycles = 0;
  /** Cycles at the start that were left out (the run may still be settling). */
  skippedCycles = 0;

  add(info: SegmentInfo, value: number, cycle: number): void {
    let s = this.segments.get(info.id);
    if (!s) this.segments.set(info.id, (s = new SegmentValues(info)));
    s.push(value, cycle);
  }

  get(id: string): SegmentValues | undefined {
    return this.segments.get(id);
  }
}
