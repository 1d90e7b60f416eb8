// Repeated runs through the API: one experiment holds a configuration under several seeds, a run
// reports the spread across its repeats, and a comparison of two repeated configurations takes
// its verdict from the runs (Welch's test on run means), not from the samples of two runs.
import { describe, expect, it, vi } from 'vitest';
import { verdict } from '../../../src-shared/verdict.js';
import { welchTest } from '../../../src-main/stats/index.js';
import { openLab } from './helpers.js';

// Count the sample tests a comparison runs: the real functions, wrapped.
const calls = vi.hoisted(() => ({ meanCI: 0, mannWhitney: 0 }));
vi.mock('../../../src-main/stats/bootstrap.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/stats/bootstrap.js')>();
  return { ...real, bootstrapMeanDiffCI: (...a: Parameters<typeof real.bootstrapMeanDiffCI>) => (calls.meanCI++, real.bootstrapMeanDiffCI(...a)) };
});
vi.mock('../../../src-main/stats/mann-whitney.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src-main/stats/mann-whitney.js')>();
  return { ...real, mannWhitneyU: (...a: Parameters<typeof real.mannWhitneyU>) => (calls.mannWhitney++, real.mannWhitneyU(...a)) };
});

describe('repeats', () => {
  it('groups runs of one configuration under several seeds and compares them across runs', async () => {
    const t = openLab();
    const seeds = [11, 12, 13];
    const { runIds } = await t.call('experiments:submit', {
      name: 'repeats',
      runs: ['hrtimer', 'vmx-preemption'].flatMap((strategy) => seeds.map((seed) => ({ workload: 'tscdeadline-busy' as const, strategy: strategy as 'hrtimer', samples: 2_000, seed }))),
    });
    for (const id of runIds) expect(await t.lab.waitForRun(id)).toBe('done');
    const details = await Promise.all(runIds.map((id) => t.call('runs:get', { id })));
    const hr = details.slice(0, 3);
    const vmx = details.slice(3);
    // Every run knows its group: the three seeds of its strategy.
    for (const group of [hr, vmx]) {
      for (const d of group) {
        expect(d.repeats?.n).toBe(3);
        expect(d.repeats?.runIds).toEqual(group.map((g) => g.id));
        const means = group.map((g) => g.summary!.latency.mean);
        expect(d.repeats?.mean).toBeCloseTo(means.reduce((a, v) => a + v, 0) / 3, 9);
        expect(d.repeats!.ciLow).toBeLessThanOrEqual(d.repeats!.mean);
        expect(d.repeats!.ciHigh).toBeGreaterThanOrEqual(d.repeats!.mean);
      }
    }
    calls.meanCI = 0;
    calls.mannWhitney = 0;
    const c = await t.call('compare', { ids: [hr[0]!.id, vmx[0]!.id] });
    const row = c.runs.find((r) => r.id === vmx[0]!.id)!;
    expect(row.basis).toBe('runs');
    // the samples' p-value and CI of Δmean, which the runs' verdict replaces, are not computed;
    // the percentile deltas and the CI of Δp99 (from the samples) still are
    expect(calls).toEqual({ meanCI: 0, mannWhitney: 0 });
    const at99 = c.percentileDeltas.find((d) => d.id === row.id)!.points.find((d) => d.p === 0.99)!;
    expect(row.ci95P99).toEqual([at99.lo, at99.hi]);
    expect(row.across?.n).toBe(3);
    const w = welchTest(hr.map((d) => d.summary!.latency.mean), vmx.map((d) => d.summary!.latency.mean));
    expect(row.pValue).toBeCloseTo(w.pValue, 12);
    expect(row.ci95).toEqual([w.ciLow, w.ciHigh]);
    expect(row.significant).toBe(true); // busy-wait: the preemption timer is ~25 % faster on every seed
    expect(verdict(row, c.baseline, c.noiseThresholdPct)).toMatch(/^difference detected: -2\d\.\d\d % \(p = .+, across 3 runs\)/);
    // The baseline row carries its spread too.
    expect(c.runs.find((r) => r.id === hr[0]!.id)?.across?.n).toBe(3);
  });

  it('keeps the sample verdict, and says why, when only one side has repeats', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      name: 'one side',
      runs: [
        { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 2_000, seed: 1 },
        { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 2_000, seed: 1 },
        { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 2_000, seed: 2 },
      ],
    });
    for (const id of runIds) await t.lab.waitForRun(id);
    calls.meanCI = 0;
    calls.mannWhitney = 0;
    const c = await t.call('compare', { ids: [runIds[0]!, runIds[1]!] });
    const row = c.runs.find((r) => r.id === runIds[1])!;
    expect(row.basis).toBeUndefined();
    expect(calls).toEqual({ meanCI: 1, mannWhitney: 1 }); // the sample verdict is computed once
    expect(row.ci95).not.toBeNull();
    expect(row.across?.n).toBe(2);
    expect(c.warnings.some((w) => w.includes('the baseline has none'))).toBe(true);
  });
});
