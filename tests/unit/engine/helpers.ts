/**
 * Shared helpers of the engine tests: building configs from the default profile, memoised runs,
 * statistics for the acceptance checks, and trace slicing for the scenario tests.
 */
import { buildRunConfig, DEFAULT_PROFILE, simulate, type MergedRun } from '../../../src-main/engine/index.js';
import type { TraceRecord } from '../../../src-main/engine/index.js';
import { COST_NAMES } from '../../../src-shared/profile.js';
import type { RunConfig } from '../../../src-shared/config.js';

export type Workload = 'tscdeadline-busy' | 'tscdeadline-halt' | 'vmexit-tscdeadline' | 'vmexit-tscdeadline-immed' | 'cyclictest';
export type Strategy = 'hrtimer' | 'vmx-preemption';

export function config(
  workload: Workload,
  strategy: Strategy,
  samples: number,
  set: Record<string, unknown> = {},
  seed = 1,
): RunConfig {
  return buildRunConfig({ workload, strategy, profile: DEFAULT_PROFILE, samples, seed, set });
}

const cache = new Map<string, MergedRun>();

/** simulate() memoised by its arguments (several tests read the same 10 000-sample runs). */
export function run(
  workload: Workload,
  strategy: Strategy,
  samples: number,
  set: Record<string, unknown> = {},
  seed = 1,
): MergedRun {
  const key = JSON.stringify([workload, strategy, samples, set, seed]);
  let r = cache.get(key);
  if (!r) {
    r = simulate(config(workload, strategy, samples, set, seed));
    cache.set(key, r);
  }
  return r;
}

/** `--set` overrides that switch every cost's jitter off (exact, reproducible step times). */
export function noJitter(): Record<string, number> {
  return Object.fromEntries(COST_NAMES.map((c) => [`${c}.jitter`, 0]));
}

export function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

export function varianceOf(xs: ArrayLike<number>): number {
  const m = meanOf(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / (xs.length - 1);
}

/**
 * erfc(x) for x ≥ 0 with relative error < 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit),
 * so that tiny p-values keep their magnitude instead of rounding to 1 − erf = 0.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided Welch t-test, normal approximation for the t distribution (fine at large n). */
export function welch(a: ArrayLike<number>, b: ArrayLike<number>): { t: number; p: number } {
  const se = Math.sqrt(varianceOf(a) / a.length + varianceOf(b) / b.length);
  const t = (meanOf(a) - meanOf(b)) / se;
  return { t, p: erfc(Math.abs(t) / Math.SQRT2) };
}

/**
 * One timer period of a tscdeadline_latency trace: the records after the (k−1)-th
 * `kvm_wait_lapic_expire` up to and including the k-th (k ≥ 1). It holds the guest's re-arm
 * (MSR_WRITE exit), whatever happens until the deadline, and the delivery of that deadline.
 */
export function period(trace: readonly TraceRecord[], k: number): TraceRecord[] {
  const ends: number[] = [];
  trace.forEach((r, i) => {
    if (r.event === 'kvm_wait_lapic_expire') ends.push(i);
  });
  if (k < 1 || k >= ends.length) throw new Error(`period ${k} not in trace (${ends.length} deliveries)`);
  return trace.slice(ends[k - 1]! + 1, ends[k]! + 1);
}

/** `event text` lines, the form the scenario tests compare. */
export function lines(records: readonly TraceRecord[]): string[] {
  // a TP_printk ending in "\n" (kvm_hv_timer_state until 5.2) adds an empty line, not text
  return records.map((r) => `${r.event} ${r.text.trimEnd()}`);
}

/** Guest TSC − deadline printed by kvm_wait_lapic_expire. */
export function waitDelta(r: TraceRecord): number {
  const m = /delta (-?\d+) \((early|late)\)/.exec(r.text);
  if (!m) throw new Error(`not a kvm_wait_lapic_expire record: ${r.text}`);
  return Number(m[1]);
}

/** Deadline written by a `kvm_msr msr_write 6e0 = 0x…` record. */
export function msrValue(r: TraceRecord): number {
  const m = /^msr_write 6e0 = 0x([0-9a-f]+)$/.exec(r.text);
  if (!m) throw new Error(`not a TSC-deadline write: ${r.text}`);
  return parseInt(m[1]!, 16);
}
