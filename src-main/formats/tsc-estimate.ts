/**
 * Pure: must not import node:*, electron or better-sqlite3.
 * Estimating the guest TSC rate from a host trace, in bounded memory. Each vCPU's TSC_DEADLINE
 * writes (kvm_msr msr_write 6e0) are guest TSC values; the trace says when the guest TSC had
 * that value or close to it:
 *   - `kvm_wait_lapic_expire` at VM entry: the guest TSC was deadline + delta at that timestamp;
 *   - `hrtimer_start … function=apic_timer_fn expires=E`: the kernel's own conversion of the
 *     deadline into CLOCK_MONOTONIC ns (its own clock, so a separate fit);
 *   - a PREEMPTION_TIMER exit: the deadline passed just before its timestamp.
 * A least-squares line (Welford's online form) of guest TSC against ns per vCPU and method gives
 * cycles per ns; the method with the smallest relative error wins.
 */

import { MAX_TSC_KHZ, MIN_TSC_KHZ } from '../../src-shared/profile.js';

export type TscMethod = 'kvm_wait_lapic_expire' | 'hrtimer expiries' | 'PREEMPTION_TIMER exits';

const METHOD_TEXT: Record<TscMethod, string> = {
  kvm_wait_lapic_expire: 'guest TSC_DEADLINE writes plus kvm_wait_lapic_expire deltas against the trace timestamps',
  'hrtimer expiries': 'guest TSC_DEADLINE writes against the apic_timer_fn hrtimer expiry times the kernel computed',
  'PREEMPTION_TIMER exits': 'guest TSC_DEADLINE writes against the timestamps of their PREEMPTION_TIMER exits',
};

/** Points a fit needs, and the largest relative standard error an estimate may have (1 %). */
const MIN_POINTS = 3;
const MAX_REL_ERROR = 0.01;

/** Online least squares of y on x (both relative to the first point, to keep them small). */
class LineFit {
  n = 0;
  private x0 = 0;
  private y0 = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;

  add(x: number, y: number): void {
    if (this.n === 0) {
      this.x0 = x;
      this.y0 = y;
    }
    const dx = x - this.x0;
    const dy = y - this.y0;
    this.n++;
    const ex = dx - this.mx;
    const ey = dy - this.my;
    this.mx += ex / this.n;
    this.my += ey / this.n;
    this.sxx += ex * (dx - this.mx);
    this.sxy += ex * (dy - this.my);
    this.syy += ey * (dy - this.my);
  }

  /** Slope and its standard error, or null with too few or degenerate points. */
  slope(): { slope: number; se: number } | null {
    if (this.n < MIN_POINTS || !(this.sxx > 0)) return null;
    const slope = this.sxy / this.sxx;
    const residual = Math.max(0, this.syy - slope * this.sxy) / (this.n - 2);
    return { slope, se: Math.sqrt(residual / this.sxx) };
  }
}

interface VcpuTsc {
  /** Last TSC_DEADLINE written, relative to the vCPU's first one (guest TSC cycles); null when none or disarmed. */
  deadline: number | null;
  /** Whether that deadline already gave a point for each method (one point per deadline). */
  used: Set<TscMethod>;
  fits: Map<TscMethod, LineFit>;
}

export interface TscEstimate {
  khz: number;
  method: string;
  points: number;
  /** Relative standard error, percent. */
  uncertaintyPct: number;
  /** vCPUs whose own fits disagree with the estimate by more than 1 % (TSC scaling, other VMs). */
  disagreeing: number;
}

export class TscRateEstimator {
  private readonly vcpus = new Map<number, VcpuTsc>();
  private readonly base = new Map<number, bigint>();

  private vcpu(thread: number): VcpuTsc {
    let v = this.vcpus.get(thread);
    if (!v) this.vcpus.set(thread, (v = { deadline: null, used: new Set(), fits: new Map() }));
    return v;
  }

  private point(v: VcpuTsc, method: TscMethod, ns: number, cycles: number): void {
    if (v.used.has(method)) return;
    v.used.add(method);
    let f = v.fits.get(method);
    if (!f) v.fits.set(method, (f = new LineFit()));
    f.add(ns, cycles);
  }

  /** A TSC_DEADLINE write (hex text of kvm_msr's value). */
  deadlineWritten(thread: number, hex: string): void {
    const v = this.vcpu(thread);
    let value: bigint;
    try {
      value = BigInt(hex);
    } catch {
      return;
    }
    if (value === 0n) {
      v.deadline = null; // disarmed
      return;
    }
    let b = this.base.get(thread);
    if (b === undefined) this.base.set(thread, (b = value));
    const rel = Number(value - b);
    if (!Number.isSafeInteger(rel)) return;
    v.deadline = rel;
    v.used.clear();
  }

  hrtimerStarted(thread: number, expiresNs: number): void {
    const v = this.vcpus.get(thread);
    if (v?.deadline != null) this.point(v, 'hrtimer expiries', expiresNs, v.deadline);
  }

  preemptionTimerExit(thread: number, ts: number): void {
    const v = this.vcpus.get(thread);
    if (v?.deadline != null) this.point(v, 'PREEMPTION_TIMER exits', ts, v.deadline);
  }

  lapicExpire(thread: number, ts: number, delta: number): void {
    const v = this.vcpus.get(thread);
    if (v?.deadline != null) this.point(v, 'kvm_wait_lapic_expire', ts, v.deadline + delta);
  }

  /** The best estimate, or null when no method has enough consistent points. */
  result(): TscEstimate | null {
    let best: (TscEstimate & { rel: number; slopes: number[] }) | null = null;
    for (const method of Object.keys(METHOD_TEXT) as TscMethod[]) {
      let wsum = 0;
      let sum = 0;
      let points = 0;
      const slopes: number[] = [];
      for (const v of this.vcpus.values()) {
        const f = v.fits.get(method);
        const s = f?.slope();
        if (!f || !s || !(s.slope > 0)) continue;
        const w = 1 / Math.max(s.se * s.se, (s.slope * 1e-9) ** 2);
        wsum += w;
        sum += w * s.slope;
        points += f.n;
        slopes.push(s.slope);
      }
      if (wsum === 0) continue;
      const slope = sum / wsum;
      const rel = Math.sqrt(1 / wsum) / slope;
      const khz = slope * 1e6;
      if (!(khz >= MIN_TSC_KHZ && khz <= MAX_TSC_KHZ) || rel > MAX_REL_ERROR) continue;
      if (!best || rel < best.rel) {
        best = { khz: Math.round(khz), method: METHOD_TEXT[method], points, uncertaintyPct: rel * 100, disagreeing: 0, rel, slopes };
      }
    }
    if (!best) return null;
    const mean = best.khz / 1e6;
    const { rel: _rel, slopes, ...estimate } = best;
    return { ...estimate, disagreeing: slopes.filter((s) => Math.abs(s - mean) / mean > 0.01).length };
  }
}
