// `compare` on real simulated runs: the seed's halting case must come out significant in the
// right direction and size, and the same configuration under different seeds must not.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, buildRunConfig, simulate } from '../../../src-main/engine/index.js';
import { Distribution, compareRuns } from '../../../src-main/stats/index.js';
import { apiError, openLab } from './helpers.js';

describe('compare', () => {
  it('finds vmx-preemption significantly different from hrtimer in the halting case', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      runs: [
        { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 10_000, seed: 1 },
        { workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 10_000, seed: 1 },
      ],
    });
    for (const id of runIds) expect(await t.lab.waitForRun(id)).toBe('done');
    const [hr, vmx] = runIds as [number, number];
    const c = await t.call('compare', { ids: [hr, vmx] });
    expect(c.baseline).toBe(hr);
    expect(c.unit).toBe('cycles');
    const base = c.runs.find((r) => r.id === hr)!;
    const row = c.runs.find((r) => r.id === vmx)!;
    const ci = row.ci95 ?? [NaN, NaN];
    const diff = (row.mean ?? NaN) - (base.mean ?? NaN);
    console.log(`halting case: vmx vs hrtimer Δmean ${(row.deltaPct.mean ?? NaN).toFixed(3)}%, p = ${(row.pValue ?? NaN).toExponential(3)}, ci95 [${ci.map((v) => v.toFixed(2)).join(', ')}] cycles`);
    expect(base.pValue).toBe(1);
    expect(base.deltaPct.mean).toBe(0);
    expect(row.significant).toBe(true);
    expect(row.pValue).toBeLessThan(0.01);
    expect(row.deltaPct.mean).toBeGreaterThan(0.1);
    expect(row.deltaPct.mean).toBeLessThan(2);
    expect(ci[0]).toBeLessThanOrEqual(diff);
    expect(ci[1]).toBeGreaterThanOrEqual(diff);
    expect(ci[0]).toBeGreaterThan(0); // the CI of a significant increase excludes 0
    // the CI of Δp99 is the percentile-delta band at p99, on the row
    const at99 = c.percentileDeltas.find((d) => d.id === vmx)!.points.find((d) => d.p === 0.99)!;
    expect(row.ci95P99).toEqual([at99.lo, at99.hi]);
    expect(at99.delta).toBe(row.deltaCycles.p99);
    expect(base.ci95P99).toBeNull();
    expect(c.cdf).toHaveLength(2);
    expect(c.histograms).toHaveLength(2);
    expect(Object.keys(c.criticalPath[0]!.steps).length).toBeGreaterThan(0);
    // The same comparison with the other baseline flips the sign.
    const flipped = await t.call('compare', { ids: [hr, vmx], baseline: vmx });
    expect(flipped.runs.find((r) => r.id === hr)!.deltaPct.mean).toBeLessThan(0);
    // A baseline outside the set, or a run that is not finished, is refused.
    expect((await apiError(t.call('compare', { ids: [hr, vmx], baseline: 999 }))).field).toBe('baseline');
  });

  it('refuses to compare a run that is not finished', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      runs: [
        { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 1_000 },
        { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000_000 },
      ],
    });
    expect(await t.lab.waitForRun(runIds[0]!)).toBe('done');
    const e = await apiError(t.call('compare', { ids: runIds }));
    expect(e.code).toBe('conflict');
    // once samples are done, a cancelled run keeps them and compares, said to be part of what was asked
    for (let i = 0; i < 200 && !t.pushes.some((p) => p.channel === 'run:progress' && (p.payload as { runId: number; done: number }).runId === runIds[1] && (p.payload as { done: number }).done > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await t.call('runs:cancel', { id: runIds[1]! });
    expect(await t.lab.waitForRun(runIds[1]!)).toBe('cancelled');
    const kept = (await t.call('runs:get', { id: runIds[1]! })).samples;
    expect(kept).toBeGreaterThan(0);
    const cmp = await t.call('compare', { ids: runIds });
    expect(cmp.runs.map((r) => r.id)).toEqual(runIds);
    expect(cmp.warnings).toContain(`run ${runIds[1]} was cancelled part-way: ${kept} samples of the 20000000 asked for are compared`);
  });

  it('does not call the same configuration different under 100 seed pairs (≥ 90 not significant)', () => {
    const cfg = (seed: number) =>
      buildRunConfig({ workload: 'tscdeadline-halt', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 10_000, seed });
    let notSignificant = 0;
    const ps: number[] = [];
    for (let i = 0; i < 100; i++) {
      const a = simulate(cfg(1000 + 2 * i));
      const b = simulate(cfg(1001 + 2 * i));
      const res = compareRuns(
        [
          { id: 1, name: 'a', dist: Distribution.fromSamples(a.samples) },
          { id: 2, name: 'b', dist: Distribution.fromSamples(b.samples) },
        ],
        { bootstrapIterations: 200, cdfMaxPoints: 10 },
      );
      const row = res.runs.find((r) => r.id === 2)!;
      ps.push(row.pValue ?? NaN);
      if (!row.significant) notSignificant++;
    }
    const below = (x: number) => ps.filter((p) => p < x).length;
    console.log(`same config, 100 seed pairs: ${notSignificant}/100 not significant; p<0.01: ${below(0.01)}, p<0.05: ${below(0.05)}, p<0.5: ${below(0.5)}`);
    expect(notSignificant).toBeGreaterThanOrEqual(90);
    // A calibrated test also has p-values spread out, not piled up at 1.
    expect(below(0.5)).toBeGreaterThanOrEqual(25);
  }, 60_000);
});
