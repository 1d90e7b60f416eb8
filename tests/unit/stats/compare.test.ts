import { describe, expect, it } from 'vitest';
import { benchCompare, syntheticLatencies } from '../../../src-main/stats/bench-compare.js';
import { compareRuns } from '../../../src-main/stats/compare.js';
import { verdict } from '../../../src-shared/verdict.js';
import { fromSamples, fromValueCounts } from '../../../src-main/stats/distribution.js';
import { Prng } from '../../../src-main/stats/prng.js';

function normalRun(rng: Prng, n: number, mu: number, sd: number) {
  return fromSamples(Int32Array.from({ length: n }, () => Math.round(mu + sd * rng.nextNormal())));
}

describe('compareRuns', () => {
  it('fills every CompareResult field; baseline row has zero deltas, p = 1, CI [0, 0]', () => {
    const a = fromValueCounts([100, 200, 300], [10, 10, 10]);
    const b = fromValueCounts([110, 210, 330], [10, 10, 10]);
    const r = compareRuns(
      [
        { id: 7, name: 'hrtimer', dist: a },
        { id: 9, name: 'vmx', dist: b },
      ],
      { noiseThresholdPct: 2 },
    );
    expect(r.baseline).toBe(7);
    expect(r.noiseThresholdPct).toBe(2);
    expect(r.criticalPath).toEqual([]);
    const [base, other] = r.runs;
    expect(base).toMatchObject({ id: 7, name: 'hrtimer', samples: 30, mean: 200, p50: 200, max: 300, pValue: 1, ci95: [0, 0] });
    expect(base!.significant).toBe(false);
    expect(Object.values(base!.deltaPct).every((x) => x === 0)).toBe(true);
    expect(Object.values(base!.deltaCycles).every((x) => x === 0)).toBe(true);
    expect(other!.deltaCycles.mean).toBeCloseTo(50 / 3, 10); // (10 + 10 + 30) / 3
    expect(other!.deltaCycles.max).toBe(30);
    expect(other!.deltaPct.max).toBeCloseTo(10, 10);
    expect(other!.p999).toBe(330);
    expect(r.cdf.map((c) => c.id)).toEqual([7, 9]);
    expect(r.histograms[1]!.histogram.total).toBe(30);
    expect(verdict(base!, r.baseline, r.noiseThresholdPct)).toBe('baseline');
  });

  it('honours baselineId and rejects unknown baselines and empty runs', () => {
    const a = fromValueCounts([1, 2], [1, 1]);
    const b = fromValueCounts([3, 4], [1, 1]);
    const r = compareRuns(
      [
        { id: 1, name: 'a', dist: a },
        { id: 2, name: 'b', dist: b },
      ],
      { baselineId: 2 },
    );
    expect(r.baseline).toBe(2);
    expect(r.runs[1]!.pValue).toBe(1);
    expect(r.runs[0]!.deltaCycles.mean).toBe(-2);
    expect(() => compareRuns([{ id: 1, name: 'a', dist: a }], { baselineId: 3 })).toThrow(RangeError);
    expect(() => compareRuns([{ id: 1, name: 'a', dist: fromSamples(new Int32Array(0)) }])).toThrow(RangeError);
  });

  it('a +20 shift on ~3200 (sd 150, n = 10000) is significant but under the 1 % threshold', () => {
    const rng = new Prng(2016);
    const a = normalRun(rng, 10_000, 3200, 150);
    const b = normalRun(rng, 10_000, 3220, 150);
    const r = compareRuns([
      { id: 1, name: 'hrtimer', dist: a },
      { id: 2, name: 'vmx-preemption', dist: b },
    ]);
    const row = r.runs[1]!;
    expect(row.significant).toBe(true);
    expect(row.practicallySignificant).toBe(false);
    expect(row.ci95?.[0]).toBeGreaterThan(0);
    expect(row.deltaPct.mean).toBeGreaterThan(0.3);
    expect(row.deltaPct.mean).toBeLessThan(1);
    const text = verdict(row, r.baseline, r.noiseThresholdPct);
    console.log(text);
    expect(text).toMatch(/^difference detected: \+0\.\d\d % \(p [=<] [\d.e-]+\), below the 1 % noise threshold$/);
    // With a 0.5 % threshold the same shift is practically significant.
    const loose = compareRuns(
      [
        { id: 1, name: 'hrtimer', dist: a },
        { id: 2, name: 'vmx-preemption', dist: b },
      ],
      { noiseThresholdPct: 0.5 },
    ).runs[1]!;
    expect(loose.practicallySignificant).toBe((loose.deltaPct.mean ?? NaN) >= 0.5);
  });

  it('two runs from the same distribution are not significant in ≥ 90 of 100 repetitions', () => {
    const rng = new Prng(77);
    let notSignificant = 0;
    for (let rep = 0; rep < 100; rep++) {
      const a = normalRun(rng, 10_000, 3200, 150);
      const b = normalRun(rng, 10_000, 3200, 150);
      const row = compareRuns(
        [
          { id: 1, name: 'a', dist: a },
          { id: 2, name: 'b', dist: b },
        ],
        { bootstrapSeed: rep, bootstrapIterations: 300 },
      ).runs[1]!;
      if (!row.significant) notSignificant++;
    }
    console.log(`same-distribution runs not significant: ${notSignificant}/100`);
    expect(notSignificant).toBeGreaterThanOrEqual(90);
  });

  it('is deterministic for a fixed bootstrap seed', () => {
    const a = fromSamples(syntheticLatencies(20_000, 1));
    const b = fromSamples(syntheticLatencies(20_000, 2, 20));
    const runs = [
      { id: 1, name: 'a', dist: a },
      { id: 2, name: 'b', dist: b },
    ];
    expect(compareRuns(runs)).toEqual(compareRuns(runs));
  });

  it('performance sanity: two 1M-sample runs (time printed, not asserted)', () => {
    const r = benchCompare(1_000_000, () => performance.now());
    console.log(
      `benchCompare(1M): fromSamples ${r.fromSamplesMs.toFixed(1)} ms, compareRuns ${r.compareMs.toFixed(1)} ms`,
    );
    expect(r.n).toBe(1_000_000);
    expect(r.compareMs).toBeGreaterThanOrEqual(0);
  });
});
