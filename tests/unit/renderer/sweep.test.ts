import { describe, expect, it } from 'vitest';
import { sweepChart, type SweepPoint } from '../../../src-shared/charts/shape.js';
import { renderSvg } from '../../../src-shared/charts/svg.js';
import type { ProfileInfo, RunDetail } from '../../../src-shared/contract.js';
import { defaultRunParams } from '../../../src-shared/config.js';
import {
  detectSweepParam,
  parseSweepValues,
  profileNameError,
  runCountError,
  sweepParamByName,
  sweepParams,
  sweepRows,
  sweepRuns,
  type SweepParam,
} from '../../../src-renderer/lib/sweep.js';
import { checkXml } from './xml-check.js';

const points: SweepPoint[] = [
  { value: 400_000, strategy: 'vmx-preemption', mean: 900, p99: 1400 },
  { value: 100_000, strategy: 'hrtimer', mean: 1300, p99: 2100 },
  { value: 100_000, strategy: 'vmx-preemption', mean: 950, p99: 1500 },
  { value: 400_000, strategy: 'hrtimer', mean: 1250, p99: 2000 },
  { value: 200_000, strategy: 'hrtimer', mean: 1280, p99: 2050 },
  { value: 200_000, strategy: 'vmx-preemption', mean: 920, p99: 1450 },
];

describe('sweepChart', () => {
  const spec = sweepChart(points, { param: 'delta', paramUnit: 'guest cycles', unit: 'cycles', strategies: ['hrtimer', 'vmx-preemption'] });

  it('draws mean and p99 per strategy, p99 dashed in the same colour', () => {
    expect(spec.kind).toBe('xy');
    expect(spec.series.map((s) => s.label)).toEqual(['hrtimer mean', 'hrtimer p99', 'vmx-preemption mean', 'vmx-preemption p99']);
    const [hrMean, hrP99, vmxMean, vmxP99] = spec.series;
    expect(hrMean?.color).toBe(hrP99?.color);
    expect(vmxMean?.color).toBe(vmxP99?.color);
    expect(hrMean?.color).not.toBe(vmxMean?.color);
    expect(hrMean?.dash).toBeUndefined();
    expect(hrP99?.dash?.length).toBeGreaterThan(0);
    expect(spec.series.every((s) => s.style === 'line' && s.markers)).toBe(true);
    expect(spec.x.label).toBe('delta (guest cycles)');
    expect(spec.y.label).toBe('latency (cycles)');
  });

  it('sorts each series by value and keeps each strategy to its own points', () => {
    for (const s of spec.series) {
      expect(s.points.map((p) => p.x)).toEqual([100_000, 200_000, 400_000]);
    }
    expect(spec.series[0]?.points.map((p) => p.y)).toEqual([1300, 1280, 1250]);
    expect(spec.series[1]?.points.map((p) => p.y)).toEqual([2100, 2050, 2000]);
    expect(spec.series[2]?.points.map((p) => p.y)).toEqual([950, 920, 900]);
    expect(spec.series[3]?.points.map((p) => p.y)).toEqual([1500, 1450, 1400]);
  });

  it('ticks at the swept values, linear for a small range and log for a wide one', () => {
    expect(spec.x.ticks?.map((t) => t.value)).toEqual([100_000, 200_000, 400_000]);
    expect(spec.x.log).toBeUndefined();
    expect(spec.x.min).toBeLessThan(100_000);
    expect(spec.x.max).toBeGreaterThan(400_000);
    const wide = sweepChart(
      [1_000, 100_000].map((value) => ({ value, strategy: 'hrtimer', mean: 1, p99: 2 })),
      { param: 'delta', unit: 'cycles' },
    );
    expect(wide.x.log).toBe(true);
    expect(wide.series).toHaveLength(2);
  });

  it('lists only strategies that have points, unknown ones after the given order', () => {
    const one = sweepChart(points.filter((p) => p.strategy === 'vmx-preemption'), { param: 'delta', unit: 'cycles', strategies: ['hrtimer', 'vmx-preemption'] });
    expect(one.series.map((s) => s.label)).toEqual(['vmx-preemption mean', 'vmx-preemption p99']);
  });

  it('exports as well-formed SVG with a dashed p99 line', () => {
    const svg = renderSvg(spec);
    expect(checkXml(svg)[0]).toBe('svg');
    expect(svg).toContain('stroke-dasharray="6 4"');
  });
});

describe('sweep values and runs', () => {
  const delta = sweepParamByName('delta') as SweepParam;

  it('offers int parameters the workload reads, plus the profile X', () => {
    const busy = sweepParams('tscdeadline-busy').map((p) => p.name);
    expect(busy).toContain('delta');
    expect(busy).not.toContain('interval');
    expect(busy).not.toContain('guestIdle');
    expect(busy).not.toContain('hostNoise');
    expect(busy.at(-1)).toBe('X');
    expect(sweepParams('cyclictest').map((p) => p.name)).toContain('interval');
  });

  it('parses 2–8 integers within the limits and names bad entries', () => {
    expect(parseSweepValues('100000, 200_000,400000', delta)).toEqual({ values: [100_000, 200_000, 400_000], errors: [] });
    expect(parseSweepValues('100000', delta).errors).toEqual(['give at least 2 values, separated by commas']);
    expect(parseSweepValues('1,2,3,4,5,6,7,8,9', { ...delta, min: 0 }).errors).toEqual(['at most 8 values (9 given)']);
    const bad = parseSweepValues('500, abc, 2000, 2000', delta).errors;
    expect(bad[0]).toMatch(/^"500": must be between 1000 and/);
    expect(bad[1]).toMatch(/^"abc": expected an integer/);
    expect(bad[2]).toBe('2000 is listed twice');
    expect(parseSweepValues('0, 31, 32', sweepParamByName('X') as SweepParam).errors).toEqual(['"32": must be between 0 and 31, got 32']);
  });

  it('makes one run per value × strategy with the value set, and says when there are too many', () => {
    const runs = sweepRuns({ workload: 'tscdeadline-busy', param: 'delta', values: [400_000, 100_000], strategies: ['vmx-preemption', 'hrtimer'], profile: 'HSW-2016', samples: 3000, seed: 7 });
    expect(runs.map((r) => [r.set?.delta, r.strategy])).toEqual([
      [100_000, 'hrtimer'],
      [100_000, 'vmx-preemption'],
      [400_000, 'hrtimer'],
      [400_000, 'vmx-preemption'],
    ]);
    expect(runs.every((r) => r.samples === 3000 && r.seed === 7 && r.workload === 'tscdeadline-busy' && r.profile === 'HSW-2016')).toBe(true);
    expect(runCountError(8, 2)).toBeNull();
    expect(runCountError(9, 2)).toMatch(/18 runs; one experiment holds at most 16/);
  });

  it('rebuilds a stored sweep: parameter from the name or the configs, rows by value', () => {
    const run = (id: number, strategy: string, deltaV: number, mean: number, name = `sweep delta on tscdeadline-busy · ${strategy}`): RunDetail =>
      ({
        id, name, strategy, status: 'done', mean, p99: mean * 2, unit: 'cycles', error: null,
        config: { workload: 'tscdeadline-busy', strategy, samples: 10, seed: 1, params: { ...defaultRunParams(), delta: deltaV }, profile: { name: 'HSW-2016', X: 5, tsc_khz: 2e6, description: '', costs: {} } },
        summary: { latency: { unit: 'cycles', mean, p50: mean - 1, p99: mean * 2, max: mean * 3 } },
      }) as unknown as RunDetail;
    const runs = [run(3, 'vmx-preemption', 200_000, 90), run(1, 'vmx-preemption', 100_000, 80), run(2, 'hrtimer', 200_000, 120), run(4, 'hrtimer', 100_000, 110)];
    expect(detectSweepParam(runs)).toBe('delta');
    expect(detectSweepParam(runs.map((r) => ({ ...r, name: 'something else' })))).toBe('delta');
    const rows = sweepRows(runs, 'delta');
    expect(rows.map((r) => [r.value, r.strategy, r.runId])).toEqual([
      [100_000, 'hrtimer', 4],
      [100_000, 'vmx-preemption', 1],
      [200_000, 'hrtimer', 2],
      [200_000, 'vmx-preemption', 3],
    ]);
    expect(rows[0]).toMatchObject({ mean: 110, p50: 109, p99: 220, max: 330, unit: 'cycles' });
  });
});

describe('profile name check', () => {
  const profiles: ProfileInfo[] = [
    { name: 'HSW-2016', description: '', builtIn: true },
    { name: 'mine', description: '', builtIn: false },
  ];
  it('accepts 1–64 letters, digits, space, dot, dash, underscore; refuses built-in names', () => {
    expect(profileNameError('HSW tuned_1.2-b', profiles)).toBeNull();
    expect(profileNameError('mine', profiles)).toBeNull();
    expect(profileNameError('  ', profiles)).toBe('give the profile a name');
    expect(profileNameError('a'.repeat(65), profiles)).toMatch(/at most 64/);
    expect(profileNameError('a/b', profiles)).toMatch(/letters, digits/);
    expect(profileNameError('-x', profiles)).toMatch(/starting with a letter or digit/);
    expect(profileNameError('hsw-2016', profiles)).toBe('"HSW-2016" is a built-in profile; choose another name');
  });
});
