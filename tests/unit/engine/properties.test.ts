/**
 * Property tests (fast-check) of the engine's arithmetic: TSC conversion with scaling, the
 * preemption-timer countdown, the ERANGE fallback, the event heap, the PRNG and the histogram.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src-main/engine/index.js';
import { EventHeap } from '../../../src-main/engine/event-heap.js';
import { latencyStats } from '../../../src-main/engine/metrics.js';
import { histogramBucket, histogramBucketRange, logLinearHistogram } from '../../../src-shared/histogram.js';
import { Rng, roundNonNegative, shardSeed } from '../../../src-main/engine/rng.js';
import {
  guest_cycles_to_ns,
  hostTscForGuest,
  host_ns_to_tsc,
  host_tsc_to_ns,
  kvm_read_l1_tsc,
  kvm_scale_tsc,
  KVM_DEFAULT_TSC_SCALING_RATIO,
  mulDiv,
  tscScalingRatio,
  u64_shl_div_u64,
  type VcpuTsc,
} from '../../../src-main/engine/tsc.js';
import { exceedsPreemptionTimerRange, preemptionTimerFireTime, preemptionTimerValue } from '../../../src-main/engine/kvm/vmx.js';
import { config, lines } from './helpers.js';

const TWO48 = 2 ** 48;
const khz = fc.integer({ min: 100_000, max: 10_000_000 });

/** A scaled vCPU TSC; host TSCs drawn with it keep the guest reading below 2^53 (exact doubles). */
const scaledTsc = fc
  .record({ guest: khz, host: khz, offset: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) })
  .filter((r) => r.guest !== r.host)
  .chain((r) => {
    const ratio = tscScalingRatio(r.guest, r.host);
    const v: VcpuTsc = { tsc_offset: r.offset, tsc_scaling_ratio: ratio, virtual_tsc_khz: r.guest, scaled: true };
    const maxHost = Math.min(2 ** 50 - 1, Math.floor((2 ** 52 / Number(ratio)) * TWO48));
    return fc.record({ v: fc.constant(v), h: fc.integer({ min: 2 ** 41, max: maxHost }) });
  });

describe('TSC conversions (tsc.ts)', () => {
  it('tscScalingRatio is floor(guest · 2^48 / host)', () => {
    fc.assert(
      fc.property(khz, khz, (g, h) => {
        const r = tscScalingRatio(g, h);
        expect(r * BigInt(h) <= BigInt(g) << 48n).toBe(true);
        expect((r + 1n) * BigInt(h) > BigInt(g) << 48n).toBe(true);
      }),
    );
    expect(tscScalingRatio(2_600_000, 2_600_000)).toBe(KVM_DEFAULT_TSC_SCALING_RATIO);
  });

  it('kvm_read_l1_tsc is monotone in the host TSC', () => {
    fc.assert(
      fc.property(scaledTsc, fc.integer({ min: 0, max: 1_000_000 }), ({ v, h }, d) => {
        const a = kvm_read_l1_tsc(v, h);
        const b = kvm_read_l1_tsc(v, h + d);
        expect(b).toBeGreaterThanOrEqual(a);
        // and it is (h · ratio) >> 48 + offset exactly
        expect(a).toBe(Number((BigInt(h) * v.tsc_scaling_ratio) >> 48n) + v.tsc_offset);
      }),
    );
  });

  it('hostTscForGuest(v, g) is the first host TSC whose guest reading is ≥ g', () => {
    fc.assert(
      fc.property(scaledTsc, fc.integer({ min: -1000, max: 1_000_000 }), ({ v, h }, k) => {
        const g = kvm_read_l1_tsc(v, h) + k;
        const first = hostTscForGuest(v, g);
        expect(kvm_read_l1_tsc(v, first)).toBeGreaterThanOrEqual(g);
        expect(kvm_read_l1_tsc(v, first - 1)).toBeLessThan(g);
      }),
    );
    // unscaled: just the offset
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: -(2 ** 40), max: 0 }), (g, off) => {
        const v: VcpuTsc = { tsc_offset: off, tsc_scaling_ratio: KVM_DEFAULT_TSC_SCALING_RATIO, virtual_tsc_khz: 2_600_000, scaled: false };
        expect(hostTscForGuest(v, g)).toBe(g - off);
        expect(kvm_read_l1_tsc(v, g - off)).toBe(g);
      }),
    );
  });

  it('u64_shl_div_u64 then scaling back loses at most ratio/2^48 + 1 cycles', () => {
    // q = ⌊d·2^48/r⌋ ⇒ d·2^48 − r < q·r ≤ d·2^48 ⇒ ⌊q·r/2^48⌋ ∈ (d − r/2^48 − 1, d]
    fc.assert(
      fc.property(khz, khz, fc.integer({ min: 0, max: 2 ** 45 }), (g, h, delta) => {
        const ratio = tscScalingRatio(g, h);
        const host = u64_shl_div_u64(delta, ratio);
        expect(host).toBeGreaterThanOrEqual(0);
        const back = kvm_scale_tsc(host, ratio);
        expect(back).toBeLessThanOrEqual(delta);
        expect(back).toBeGreaterThanOrEqual(delta - Number(ratio) / TWO48 - 1);
      }),
    );
  });

  it('u64_shl_div_u64 reports the 128/64 divide overflow as −1 exactly when delta ≥ ratio · 2^16', () => {
    const ratio = tscScalingRatio(100_000, 10_000_000); // guest 100× slower: ratio ≈ 2^48/100
    const limit = Number(ratio) * 2 ** 16;
    expect(u64_shl_div_u64(Math.floor(limit) - 1024, ratio)).toBeGreaterThan(0);
    expect(u64_shl_div_u64(Math.ceil(limit) + 1024, ratio)).toBe(-1);
  });

  it('mulDiv(a, b, c) = ⌊a·b/c⌋ (BigInt reference) while b·c and the result are < 2^53', () => {
    const arb = fc
      .record({ b: fc.integer({ min: 0, max: 2 ** 26 }), c: fc.integer({ min: 1, max: 2 ** 26 }) })
      .chain(({ b, c }) => {
        const maxA = Math.min(2 ** 53 - 1, Math.floor(((2 ** 53 - 1) * c) / Math.max(b, 1)));
        return fc.record({ a: fc.oneof(fc.integer({ min: 0, max: maxA }), fc.integer({ min: 0, max: 10_000 })), b: fc.constant(b), c: fc.constant(c) });
      });
    fc.assert(
      fc.property(arb, ({ a, b, c }) => {
        const want = (BigInt(a) * BigInt(b)) / BigInt(c);
        fc.pre(want < 2n ** 53n);
        expect(mulDiv(a, b, c)).toBe(Number(want));
      }),
      { numRuns: 2000 },
    );
    // the engine's actual uses: host ktime at realistic TSC values
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), khz, (tsc, k) => {
        expect(host_tsc_to_ns(tsc, k)).toBe(Number((BigInt(tsc) * 1_000_000n) / BigInt(k)));
        expect(host_ns_to_tsc(Math.floor(tsc / 4096), k)).toBe(Number((BigInt(Math.floor(tsc / 4096)) * BigInt(k)) / 1_000_000n));
      }),
    );
  });

  it('guest_cycles_to_ns truncates like do_div', () => {
    const v: VcpuTsc = { tsc_offset: 0, tsc_scaling_ratio: KVM_DEFAULT_TSC_SCALING_RATIO, virtual_tsc_khz: 2_600_000, scaled: false };
    expect(guest_cycles_to_ns(v, 200_000)).toBe(76_923); // 76 923.07…
    expect(guest_cycles_to_ns(v, 2_600)).toBe(1_000);
    expect(guest_cycles_to_ns(v, 2_599)).toBe(999);
  });
});

describe('preemption-timer countdown (vmx.ts)', () => {
  const arb = fc.record({
    X: fc.integer({ min: 0, max: 10 }),
    tArm: fc.integer({ min: 0, max: 2 ** 44 }),
    dist: fc.integer({ min: 1, max: 2 ** 30 }),
    g: fc.integer({ min: 0, max: 1000 }),
  });

  it('V = ⌊(H − t_arm)/2^X⌋ and the exit is on a TSC bit-X boundary after the start', () => {
    fc.assert(
      fc.property(arb, ({ X, tArm, dist, g }) => {
        const tick = 2 ** X;
        const H = tArm + dist;
        const V = preemptionTimerValue(H, tArm, tick);
        expect(V).toBe(Math.floor(dist / tick));
        const fire = preemptionTimerFireTime(tArm + g, V, tick);
        if (V > 0) {
          expect(fire % tick).toBe(0);
          expect(fire).toBeGreaterThan(tArm + g);
          // exactly V boundaries in (t_start, fire]
          expect(Math.floor(fire / tick) - Math.floor((tArm + g) / tick)).toBe(V);
        } else {
          expect(fire).toBe(tArm + g);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('fires within [H + g − 2·2^X + 2, H + g]: never late beyond the arm→entry gap', () => {
    // truncation of V loses up to 2^X − 1 and the first decrement comes up to 2^X − 1 early
    // (the next bit-X change after the entry), so the tight window is ~2 ticks wide
    fc.assert(
      fc.property(arb, ({ X, tArm, dist, g }) => {
        const tick = 2 ** X;
        const H = tArm + dist;
        const fire = preemptionTimerFireTime(tArm + g, preemptionTimerValue(H, tArm, tick), tick);
        expect(fire).toBeLessThanOrEqual(H + g);
        expect(fire).toBeLessThanOrEqual(H + g + tick); // the brief's upper bound, looser
        expect(fire).toBeGreaterThanOrEqual(H + g - 2 * tick + 2);
        // "at most one tick early" holds whenever the countdown starts ≥ 1 tick after the arm
        // rdtsc (HSW-2016: arm_to_entry 200 ≫ 32)
        if (g >= tick) expect(fire).toBeGreaterThanOrEqual(H - tick);
      }),
      { numRuns: 5000 },
    );
  });

  it('"never before H − 2^X" does not hold for g < 2^X (the countdown can be ~2 ticks early)', () => {
    // t_arm = 31, H = 94, X = 5, g = 0: V = ⌊63/32⌋ = 1; the first bit-5 change after 31 is 32 → exit at 32
    const V = preemptionTimerValue(94, 31, 32);
    expect(V).toBe(1);
    expect(preemptionTimerFireTime(31, V, 32)).toBe(32);
    expect(32).toBeLessThan(94 - 32);
  });

  it('value 0 (deadline passed or < 1 tick away) fires at once; the value is a u32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 44 }), fc.integer({ min: 0, max: 2 ** 20 }), fc.integer({ min: 0, max: 10 }), (t, back, X) => {
        expect(preemptionTimerValue(t - back, t, 2 ** X)).toBe(0);
        expect(preemptionTimerFireTime(t, 0, 2 ** X)).toBe(t);
      }),
    );
    expect(preemptionTimerValue(100 + 31, 100, 32)).toBe(0);
    expect(preemptionTimerValue(2 ** 37 - 1, 0, 32)).toBe(2 ** 32 - 1);
    expect(preemptionTimerValue(2 ** 37 + 5 * 32, 0, 32)).toBe(5); // truncated to 32 bits
  });

  it('mean lateness over uniform phases is arm_to_entry − 2^X + 1 (§6.4: 168 for g = 200, X = 5)', () => {
    let sum = 0;
    const n = 32 * 32;
    for (let a = 0; a < 32; a++) {
      for (let b = 0; b < 32; b++) {
        const tArm = 1_000_000 + a;
        const H = tArm + 200_000 + b;
        sum += preemptionTimerFireTime(tArm + 200, preemptionTimerValue(H, tArm, 32), 32) - H;
      }
    }
    expect(sum / n).toBe(200 - 32 + 1);
  });
});

describe('ERANGE fallback', () => {
  it('exceedsPreemptionTimerRange: first out-of-range host delta is 2^(32+X)', () => {
    for (let X = 0; X <= 31; X++) {
      expect(exceedsPreemptionTimerRange(2 ** (32 + X) - 2 ** X, X)).toBe(false);
      expect(exceedsPreemptionTimerRange(2 ** (32 + X), X)).toBe(true);
      expect(exceedsPreemptionTimerRange(0, X)).toBe(false);
    }
    expect(exceedsPreemptionTimerRange(2 ** 32 - 1, 0)).toBe(false);
    expect(exceedsPreemptionTimerRange(2 ** 37 - 1, 5)).toBe(false);
    // the largest value that fits also fits the u32 countdown
    expect(preemptionTimerValue(2 ** 37 - 1, 0, 32)).toBe(2 ** 32 - 1);
  });

  it('delta = 2^33 with X = 0 falls back to the hrtimer: hv_timer 0, EXTERNAL_INTERRUPT exits only', () => {
    const c = config('tscdeadline-busy', 'vmx-preemption', 3, { delta: 2 ** 33, X: 0 });
    const r = simulate(c, { trace: true });
    const hv = lines(r.trace!).filter((l) => l.startsWith('kvm_hv_timer_state'));
    expect(hv.length).toBe(4); // first arm + 3 re-arms
    expect(hv.every((l) => l === 'kvm_hv_timer_state vcpu_id 0 hv_timer 0')).toBe(true);
    expect(r.summary.exits.EXTERNAL_INTERRUPT?.count).toBe(4);
    expect(r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(lines(r.trace!).some((l) => l.includes('PREEMPTION_TIMER'))).toBe(false);
    // the fallback path is the hrtimer path: ≈ 3200 + the hv attempt happens before the deadline
    expect(r.summary.latency.mean).toBeGreaterThan(3000);
    expect(r.summary.latency.mean).toBeLessThan(3400);
    expect(r.summary.criticalPath.hrtimer_interrupt).toBeGreaterThan(0);
  });

  it('the range check applies to the remaining delta at arm time (just inside / just outside 2^32, X = 0)', () => {
    // between the ISR's rdtsc and vmx_set_hv_timer's rdtsc ≈ 60 + 350 + 100 + 100 + 80 = 690 cycles pass
    const inside = simulate(config('tscdeadline-busy', 'vmx-preemption', 2, { delta: 2 ** 32 + 100, X: 0 }), { trace: true });
    expect(lines(inside.trace!).filter((l) => l.startsWith('kvm_hv_timer_state')).every((l) => l.endsWith('hv_timer 1'))).toBe(true);
    expect(inside.summary.exits.PREEMPTION_TIMER?.count).toBe(3);
    const outside = simulate(config('tscdeadline-busy', 'vmx-preemption', 2, { delta: 2 ** 32 + 2000, X: 0 }), { trace: true });
    expect(lines(outside.trace!).filter((l) => l.startsWith('kvm_hv_timer_state')).every((l) => l.endsWith('hv_timer 0'))).toBe(true);
    expect(outside.summary.exits.PREEMPTION_TIMER).toBeUndefined();
  });

  it('with TSC scaling the range is checked in host cycles (guest at half the host rate)', () => {
    // guest 1.3 GHz on a 2.6 GHz host: 2^31 + 10^4 guest cycles are ≈ 2^32 + 2·10^4 host cycles
    const set = { tscScaling: 'on', guestTscKhz: 1_300_000, X: 0 };
    const out = simulate(config('tscdeadline-busy', 'vmx-preemption', 2, { ...set, delta: 2 ** 31 + 10_000 }), { trace: true });
    expect(out.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(lines(out.trace!).filter((l) => l.startsWith('kvm_hv_timer_state')).every((l) => l.endsWith('hv_timer 0'))).toBe(true);
    const inn = simulate(config('tscdeadline-busy', 'vmx-preemption', 2, { ...set, delta: 2 ** 31 - 10_000 }));
    expect(inn.summary.exits.PREEMPTION_TIMER?.count).toBe(3);
  });
});

describe('EventHeap', () => {
  type Op = { push: true; time: number; prio: number } | { push: false };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ push: fc.constant(true as const), time: fc.integer({ min: 0, max: 20 }), prio: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 2, arbitrary: fc.constant({ push: false as const }) },
  );

  it('pops in (time, priority, insertion) order, like a sorted reference', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const heap = new EventHeap();
        const ref: Array<{ time: number; prio: number; id: number }> = [];
        let id = 0;
        let last: [number, number, number] = [-Infinity, -Infinity, -Infinity];
        const popOne = () => {
          const ok = heap.pop();
          expect(ok).toBe(ref.length > 0);
          if (!ok) return;
          ref.sort((a, b) => a.time - b.time || a.prio - b.prio || a.id - b.id);
          const want = ref.shift()!;
          expect([heap.lastTime, heap.lastKind, heap.lastGeneration]).toEqual([want.time, want.prio, want.id]);
          const key: [number, number, number] = [want.time, want.prio, want.id];
          // non-decreasing among consecutive pops with no push in between is implied by the
          // reference; insertion order among equal keys is the id order
          last = key;
        };
        for (const o of ops) {
          if (o.push) {
            heap.push(o.time, o.prio, o.prio, id);
            ref.push({ time: o.time, prio: o.prio, id });
            id++;
          } else popOne();
          expect(heap.size).toBe(ref.length);
        }
        last = [-Infinity, -Infinity, -Infinity];
        while (ref.length > 0) {
          const before = last;
          popOne();
          // draining: keys strictly increase
          expect(last[0] > before[0] || (last[0] === before[0] && (last[1] > before[1] || (last[1] === before[1] && last[2] > before[2])))).toBe(true);
        }
        expect(heap.pop()).toBe(false);
        expect(heap.peekTime()).toBe(Infinity);
      }),
      { numRuns: 300 },
    );
  });

  it('equal (time, priority) pop in insertion order across growth', () => {
    const heap = new EventHeap();
    for (let i = 0; i < 1000; i++) heap.push(5, 1, 1, i);
    heap.push(4, 9, 9, -1);
    expect(heap.pop()).toBe(true);
    expect(heap.lastGeneration).toBe(-1);
    for (let i = 0; i < 1000; i++) {
      heap.pop();
      expect(heap.lastGeneration).toBe(i);
    }
  });
});

/** The next double above / below a positive finite x. */
function nextUp(x: number): number {
  const v = new Float64Array([x]);
  new BigInt64Array(v.buffer)[0]! += 1n;
  return v[0]!;
}
function nextDown(x: number): number {
  const v = new Float64Array([x]);
  new BigInt64Array(v.buffer)[0]! -= 1n;
  return v[0]!;
}

describe('Rng', () => {
  it('same seed, same stream; different seeds, different streams', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const c = new Rng((seed + 1) >>> 0);
        const xa = Array.from({ length: 16 }, () => a.nextUint32());
        const xb = Array.from({ length: 16 }, () => b.nextUint32());
        const xc = Array.from({ length: 16 }, () => c.nextUint32());
        expect(xb).toEqual(xa);
        expect(xc).not.toEqual(xa);
        for (const x of xa) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      }),
    );
    expect(shardSeed(1, 0)).toBe(shardSeed(1, 0));
    expect(shardSeed(1, 0)).not.toBe(shardSeed(1, 1));
    expect(shardSeed(1, 0)).not.toBe(shardSeed(2, 0));
    expect(shardSeed(2 ** 40, 0)).not.toBe(shardSeed(0, 0)); // high seed bits matter
  });

  it('roundNonNegative is max(0, Math.round(x)) for every cost a profile allows, and at the edges', () => {
    const reference = (x: number) => Math.max(0, Math.round(x)) || 0;
    const edges = [0.49999999999999994, 0.5, 0.5 + 2 ** -53, 1 - 2 ** -53, 1.5, 2.5, 2.5 - 2 ** -51, 1023.5, -0.5, -0.3, 0, -0];
    for (const x of [...edges, 1e9 + 0.5, 2 ** 50 + 0.5, 2 ** 51 - 0.5, NaN, -Infinity]) {
      expect(roundNonNegative(x), String(x)).toBe(reference(x));
    }
    // the values that matter: halves n + 0.5 and their nearest neighbours, for every cost size
    const nearHalf = fc
      .tuple(fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: -3, max: 3 }))
      .map(([n, steps]) => {
        let x = n + 0.5;
        for (let i = 0; i < Math.abs(steps); i++) x = steps > 0 ? nextUp(x) : nextDown(x);
        return x;
      });
    fc.assert(
      fc.property(fc.oneof(nearHalf, fc.double({ min: -10, max: 2 * 1e9 * (1 + 0.4 * Math.sqrt(6)), noNaN: true })), (x) => {
        expect(roundNonNegative(x)).toBe(reference(x));
      }),
      { numRuns: 20_000 },
    );
  });

  it('jittered is round(cycles · (1 + jitter · z)) with z the triangular draw, floored at 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 1e9 }), fc.double({ min: 0.001, max: 0.4, noNaN: true }), (seed, cycles, jitter) => {
        const rng = new Rng(seed);
        const twin = new Rng(seed);
        for (let i = 0; i < 64; i++) {
          expect(rng.jittered(cycles, jitter)).toBe(Math.max(0, Math.round(cycles * (1 + jitter * twin.triangular()))));
        }
      }),
    );
  });

  it('jittered is a non-negative integer whose mean is the cost and stddev cost · jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: 0.01, max: 0.4, noNaN: true }),
        (seed, cycles, jitter) => {
          const rng = new Rng(seed);
          const n = 20_000;
          let s = 0;
          let ss = 0;
          const top = Math.round(cycles * (1 + jitter * Math.sqrt(6)));
          let bad = 0;
          for (let i = 0; i < n; i++) {
            const v = rng.jittered(cycles, jitter);
            if (!(v >= 0 && v <= top && Number.isInteger(v))) bad++;
            s += v;
            ss += v * v;
          }
          expect(bad).toBe(0);
          const mean = s / n;
          const sd = Math.sqrt(ss / n - mean * mean);
          // standard error of the mean = cycles · jitter / √n ≈ 0.7 % · jitter; allow 5 SE + rounding
          expect(Math.abs(mean - cycles)).toBeLessThanOrEqual((5 * cycles * jitter) / Math.sqrt(n) + 0.5);
          if (cycles * jitter > 20) expect(Math.abs(sd / (cycles * jitter) - 1)).toBeLessThan(0.05);
        },
      ),
      { numRuns: 25 },
    );
    expect(new Rng(3).jittered(1234, 0)).toBe(1234);
  });

  it('next() is uniform in [0, 1) and exponential() has the requested mean', () => {
    const rng = new Rng(99);
    const n = 50_000;
    const bins = new Array<number>(10).fill(0);
    let e = 0;
    let out = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) out++;
      bins[Math.floor(x * 10)]!++;
      e += rng.exponential(1000);
    }
    expect(out).toBe(0);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(5 * Math.sqrt(n / 10));
    expect(Math.abs(e / n - 1000)).toBeLessThan(5 * (1000 / Math.sqrt(n)));
  });
});

describe('log-linear histogram (src-shared/histogram.ts)', () => {
  it('every value lies in its bucket; buckets are ≤ 2^−(bits−1) wide relative to their start', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 2 ** 31, max: 2 ** 52 })),
        fc.integer({ min: 1, max: 12 }),
        (v, bits) => {
          const b = histogramBucket(v, bits);
          const [lo, hi] = histogramBucketRange(b, bits);
          expect(v).toBeGreaterThanOrEqual(lo);
          expect(v).toBeLessThanOrEqual(hi);
          if (v < 2 ** bits) expect([lo, hi]).toEqual([v, v]);
          else expect((hi - lo + 1) / lo).toBeLessThanOrEqual(2 ** -(bits - 1));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('buckets tile the line: consecutive buckets are adjacent and monotone', () => {
    for (const bits of [1, 3, 7]) {
      let prevHi = -1;
      for (let b = 0; ; b++) {
        const [lo, hi] = histogramBucketRange(b, bits);
        if (hi >= 2 ** 53) break; // beyond exact doubles (samples are Int32 anyway)
        expect(lo).toBe(prevHi + 1);
        expect(hi).toBeGreaterThanOrEqual(lo);
        expect(histogramBucket(lo, bits)).toBe(b);
        expect(histogramBucket(hi, bits)).toBe(b);
        prevHi = hi;
      }
    }
  });

  it('logLinearHistogram counts every sample once, negatives as underflow', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 10_000_000 }), { maxLength: 300 }), (xs) => {
        const h = logLinearHistogram(Int32Array.from(xs));
        expect(h.total).toBe(xs.length);
        expect(h.underflow).toBe(xs.filter((x) => x < 0).length);
        expect(h.buckets.reduce((a, b) => a + b[2], 0) + h.underflow).toBe(xs.length);
        for (const [lo, hi, c] of h.buckets) expect(xs.filter((x) => x >= lo && x <= hi).length).toBe(c);
      }),
      { numRuns: 200 },
    );
  });

  it('latencyStats percentiles are nearest-rank on both the counting and sorting paths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), { minLength: 1, maxLength: 200 }), fc.boolean(), (xs, narrow) => {
        const data = narrow ? xs.map((x) => (x % 1000) + 0) : xs; // + 0 turns -0 into 0, as Int32Array does
        const s = latencyStats(Int32Array.from(data));
        const sorted = [...data].sort((a, b) => a - b);
        const rank = (p: number) => sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
        expect(s.p50).toBe(rank(0.5));
        expect(s.p90).toBe(rank(0.9));
        expect(s.p99).toBe(rank(0.99));
        expect(s.p999).toBe(rank(0.999));
        expect(s.min).toBe(sorted[0]);
        expect(s.max).toBe(sorted[sorted.length - 1]);
      }),
      { numRuns: 300 },
    );
  });
});
