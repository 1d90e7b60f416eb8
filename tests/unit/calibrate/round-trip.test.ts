// Round trip on known truth: simulate with a profile whose costs differ from the base by 10–40 %,
// trace it at ns and at µs, calibrate from the base, and check every cost the calibration calls
// determined (±10 % at ns, ±20 % at µs) and the predicted mean of the other strategy (±5 % of
// that strategy simulated on the true profile). One row per scenario and kernel: the base's own
// (null: 4.9) and 6.1 (adaptive advance, kvm_wait_lapic_expire, entry mitigations, the post-4.9
// event placement). On 6.1 the entry path's steps (mitigations, vcpu_run prologue, the advance's
// tuning) fall in the same segments, so the files fix their sums rather than each cost: the
// reproduction is held to ±5 % there (±2 % on 4.9) and the prediction to the same ±5 %.
import { describe, expect, it } from 'vitest';
import { calibrate, inputsOf, quickOptions, simulatedFiles, simulatedMean, trueProfile } from './helpers.js';

interface Row {
  workload: string;
  measured: string;
  predicted: string;
  ts: 'ns' | 'us';
  kernel: string | null;
  samples: number;
}

const PAIRS: Array<Omit<Row, 'ts' | 'samples' | 'kernel'>> = [
  { workload: 'tscdeadline-busy', measured: 'hrtimer', predicted: 'vmx-preemption' },
  { workload: 'tscdeadline-busy', measured: 'vmx-preemption', predicted: 'hrtimer' },
  { workload: 'tscdeadline-halt', measured: 'hrtimer', predicted: 'vmx-preemption' },
  { workload: 'tscdeadline-halt', measured: 'vmx-preemption', predicted: 'hrtimer' },
];
const SCENARIOS: Array<Omit<Row, 'ts' | 'samples'>> = [null, '6.1'].flatMap((kernel) => PAIRS.map((p) => ({ ...p, kernel })));
// 1 µs timestamps blur every short step: they need many more timer cycles for the same precision
const ROWS: Row[] = SCENARIOS.flatMap((s) => [
  { ...s, ts: 'ns' as const, samples: 1500 },
  { ...s, ts: 'us' as const, samples: 4000 },
]);

const truth = trueProfile();

describe.each(ROWS)('$workload measured with $measured at $ts (kernel $kernel)', (row) => {
  it('recovers every determined cost and predicts the other strategy', async () => {
    const kernelSet: Record<string, string> = row.kernel ? { kernel: row.kernel } : {};
    const files = simulatedFiles({ workload: row.workload, strategy: row.measured, profile: truth, samples: row.samples, ts: row.ts, set: kernelSet });
    const { result, profile } = await calibrate(await inputsOf(files), quickOptions(row.kernel ? { kernel: row.kernel } : {}));
    expect(result.detected.strategy).toBe(row.measured);
    expect(result.detected.workload).toBe(row.workload);
    expect(result.detected.guest).toBe(row.workload.endsWith('halt') ? 'halt' : 'busy');
    const tolerance = row.ts === 'ns' ? 0.1 : 0.2;
    const determined = Object.entries(result.costs).filter(([, c]) => c.determined);
    if (row.kernel === null) expect(determined.length).toBeGreaterThan(0);
    else expect(Object.values(result.costs).filter((c) => c.origin === 'sum').length).toBeGreaterThan(0);
    for (const [name, c] of determined) {
      const t = truth.costs[name]!.cycles;
      expect(Math.abs(c.value - t) / t, `${name}: fitted ${c.value} [${c.low}, ${c.high}], true ${t}`).toBeLessThanOrEqual(tolerance);
      expect(c.origin).toBe('fitted');
      expect(c.low).toBeLessThanOrEqual(c.value);
      expect(c.high).toBeGreaterThanOrEqual(c.value);
    }
    // costs nothing depends on keep the base value, and say so
    expect(result.costs.guest_nanosleep!.origin).toBe('base');
    expect(profile.costs.guest_nanosleep!.cycles).toBe(quickOptions().base.costs.guest_nanosleep!.cycles);
    // the reproduction agrees with the measurement's guest-side latency
    expect(Math.abs(result.goodness.latency!.meanErrorPct!)).toBeLessThan(row.kernel === null ? 2 : 5);
    const set = { ...result.detected.settings };
    const predicted = simulatedMean(row.workload, row.predicted, profile, 4000, set);
    const actual = simulatedMean(row.workload, row.predicted, truth, 4000, set);
    const base = simulatedMean(row.workload, row.predicted, quickOptions().base, 4000, set);
    expect(Math.abs(predicted - actual) / actual, `predicted ${predicted.toFixed(0)}, true ${actual.toFixed(0)} (base ${base.toFixed(0)})`).toBeLessThanOrEqual(0.05);
  });
});
