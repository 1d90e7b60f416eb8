import { describe, expect, it } from 'vitest';
import { sweepChart, sweepHeatmap, type SweepPoint } from '../../../src-shared/charts/sweep-chart.js';
import { renderSvg } from '../../../src-shared/charts/svg.js';
import type { ProfileInfo, RunDetail } from '../../../src-shared/contract.js';
import { defaultRunParams } from '../../../src-shared/config.js';
import {
  detectSweepParams,
  flatStrategies,
  parseFixedSettings,
  parseSweepValues,
  profileNameError,
  runCountError,
  sortValues,
  sweepCells,
  sweepEffectWarnings,
  sweepParamByName,
  sweepParams,
  sweepRows,
  sweepRuns,
  type SweepParam,
} from '../../../src-renderer/lib/sweep.js';
import { HSW_2016 } from '../../../src-shared/profiles/hsw-2016.js';
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

  it('offers every parameter the workload reads, whatever its kind, plus the profile X', () => {
    const busy = sweepParams('tscdeadline-busy');
    const names = busy.map((p) => p.name);
    expect(names).toContain('delta');
    expect(names).not.toContain('interval');
    expect(names).not.toContain('guestIdle');
    // Switches are sweepable: host noise can be swept on and off.
    expect(busy.find((p) => p.name === 'hostNoise')?.kind).toBe('bool');
    expect(names.at(-1)).toBe('X');
    const cyc = sweepParams('cyclictest');
    expect(cyc.map((p) => p.name)).toContain('interval');
    expect(cyc.find((p) => p.name === 'guestIdle')).toMatchObject({ kind: 'enum', values: ['hlt', 'poll'] });
  });

  it('parses 2–12 values of each kind within the limits and names bad entries', () => {
    expect(parseSweepValues('100000, 200_000,400000', delta)).toEqual({ values: [100_000, 200_000, 400_000], errors: [] });
    expect(parseSweepValues('100000', delta).errors).toEqual(['give at least 2 values, separated by commas']);
    expect(parseSweepValues(Array.from({ length: 13 }, (_, i) => (i + 1) * 1000).join(','), delta).errors).toEqual(['at most 12 values (13 given)']);
    const bad = parseSweepValues('500, abc, 2000, 2000', delta).errors;
    expect(bad[0]).toMatch(/^"500": must be between 1000 and/);
    expect(bad[1]).toMatch(/^"abc": expected an integer/);
    expect(bad[2]).toBe('2000 is listed twice');
    expect(parseSweepValues('0, 31, 32', sweepParamByName('X') as SweepParam).errors).toEqual(['"32": must be between 0 and 31, got 32']);
    expect(parseSweepValues('on, off', sweepParamByName('hostNoise') as SweepParam)).toEqual({ values: [true, false], errors: [] });
    expect(parseSweepValues('poll, hlt', sweepParamByName('guestIdle') as SweepParam).values).toEqual(['poll', 'hlt']);
    expect(parseSweepValues('poll, spin', sweepParamByName('guestIdle') as SweepParam).errors[0]).toMatch(/"spin": expected one of hlt, poll/);
    // A kernel release parameter (kind 'release') sweeps releases in version order.
    const kernel: SweepParam = { name: 'kernel', kind: 'release', values: ['4.9', '5.15', '6.8'], help: '' };
    expect(parseSweepValues('6.8, 4.9, 5.15', kernel).values).toEqual(['6.8', '4.9', '5.15']);
    expect(parseSweepValues('6.8, 7', kernel).errors[0]).toMatch(/"7": expected a kernel release/);
    expect(sortValues(kernel, ['6.8', '4.9', '5.15'])).toEqual(['4.9', '5.15', '6.8']);
    expect(sortValues(kernel, ['6.8', '4.19', '4.9.337', '5.15.0', '5.15', '4.9'])).toEqual(['4.9', '4.9.337', '4.19', '5.15.0', '5.15', '6.8']);
    // Text that is not a release (a stored run's odd kernel field) goes after the releases, in the order given.
    expect(sortValues(kernel, ['zz', '6.8', 'x.y', '4.19', 'latest', '4.9'])).toEqual(['4.9', '4.19', '6.8', 'zz', 'x.y', 'latest']);
    expect(sortValues(sweepParamByName('hostNoise') as SweepParam, [true, false])).toEqual([false, true]);
  });

  it('makes one run per value × second value × strategy × seed, with the fixed settings, and says when there are too many', () => {
    const runs = sweepRuns({ workload: 'tscdeadline-busy', axes: [{ name: 'delta', values: [400_000, 100_000] }], strategies: ['vmx-preemption', 'hrtimer'], profile: 'HSW-2016', samples: 3000, seed: 7 });
    expect(runs.map((r) => [r.set?.delta, r.strategy])).toEqual([
      [100_000, 'hrtimer'],
      [100_000, 'vmx-preemption'],
      [400_000, 'hrtimer'],
      [400_000, 'vmx-preemption'],
    ]);
    expect(runs.every((r) => r.samples === 3000 && r.seed === 7 && r.workload === 'tscdeadline-busy' && r.profile === 'HSW-2016')).toBe(true);
    const two = sweepRuns({
      workload: 'cyclictest',
      axes: [
        { name: 'hostIrqRateHz', values: [1000, 4000] },
        { name: 'guestIdle', values: ['poll', 'hlt'] },
      ],
      strategies: ['hrtimer'],
      profile: 'HSW-2016',
      samples: 100,
      seed: 3,
      repeat: 2,
      fixed: { hostNoise: true },
    });
    expect(two.map((r) => [r.set?.hostIrqRateHz, r.set?.guestIdle, r.seed])).toEqual([
      [1000, 'hlt', 3],
      [1000, 'hlt', 4],
      [1000, 'poll', 3],
      [1000, 'poll', 4],
      [4000, 'hlt', 3],
      [4000, 'hlt', 4],
      [4000, 'poll', 3],
      [4000, 'poll', 4],
    ]);
    expect(two.every((r) => r.set?.hostNoise === true)).toBe(true);
    expect(runCountError(8, 2)).toBeNull();
    expect(runCountError(8, 2, 4, 4)).toBeNull();
    expect(runCountError(9, 2, 4, 4)).toMatch(/^9 values × 4 second values × 2 strategies × 4 repeats = 288 runs; one experiment holds at most 256/);
  });

  it('says when a swept parameter has no effect', () => {
    expect(sweepEffectWarnings('cyclictest', ['hostIrqRateHz'], ['hrtimer'], {})).toEqual([
      'hostIrqRateHz acts only while hostNoise is on: every run would give the same result — add hostNoise=on to the fixed settings',
    ]);
    expect(sweepEffectWarnings('cyclictest', ['hostIrqRateHz'], ['hrtimer'], { hostNoise: 'on' })).toEqual([]);
    expect(sweepEffectWarnings('tscdeadline-busy', ['X'], ['hrtimer', 'vmx-preemption'], {})).toEqual(['hrtimer does not read X: its results do not change']);
    expect(sweepEffectWarnings('tscdeadline-busy', ['delta'], ['hrtimer'], {})).toEqual([]);
  });

  it('checks fixed settings like --set', () => {
    expect(parseFixedSettings('hostNoise=on, guestIdle=poll', HSW_2016)).toEqual({ set: { hostNoise: 'on', guestIdle: 'poll' }, errors: [] });
    const bad = parseFixedSettings('hostNoise=maybe, nope=1, =3', HSW_2016);
    expect(bad.errors[0]).toMatch(/^hostNoise: expected on or off/);
    expect(bad.errors[1]).toMatch(/^nope: unknown parameter/);
    expect(bad.errors[2]).toBe('"=3": expected name=value');
  });

  it('rebuilds a stored sweep: parameters from the experiment name or the configs, rows by value, repeats folded', () => {
    const run = (id: number, strategy: string, deltaV: number, mean: number, seed = 1, repeats?: RunDetail['repeats']): RunDetail & { experimentName: string } =>
      ({
        id, name: `delta=${deltaV} · ${strategy}`, strategy, status: 'done', mean, p99: mean * 2, unit: 'cycles', error: null, seed, experimentName: 'sweep delta on tscdeadline-busy',
        config: { workload: 'tscdeadline-busy', strategy, samples: 10, seed, params: { ...defaultRunParams(), delta: deltaV }, profile: { name: 'HSW-2016', X: 5, tsc_khz: 2e6, description: '', costs: {} } },
        summary: { latency: { unit: 'cycles', mean, p50: mean - 1, p99: mean * 2, max: mean * 3 } },
        ...(repeats ? { repeats } : {}),
      }) as unknown as RunDetail & { experimentName: string };
    const runs = [run(3, 'vmx-preemption', 200_000, 90), run(1, 'vmx-preemption', 100_000, 80), run(2, 'hrtimer', 200_000, 120), run(4, 'hrtimer', 100_000, 110)];
    expect(detectSweepParams(runs)).toEqual(['delta']);
    expect(detectSweepParams(runs.map((r) => ({ ...r, experimentName: 'something else' })))).toEqual(['delta']);
    expect(detectSweepParams(runs.map((r) => ({ ...r, experimentName: 'sweep delta × X on tscdeadline-busy' })))).toEqual(['delta', 'X']);
    const rows = sweepRows(runs, ['delta']);
    expect(rows.map((r) => [r.value, r.strategy, r.runId])).toEqual([
      [100_000, 'hrtimer', 4],
      [100_000, 'vmx-preemption', 1],
      [200_000, 'hrtimer', 2],
      [200_000, 'vmx-preemption', 3],
    ]);
    expect(rows[0]).toMatchObject({ mean: 110, p50: 109, p99: 220, max: 330, unit: 'cycles' });
    // Two seeds of one point become one cell, with the band across them.
    const across = { n: 2, mean: 111, ciLow: 100, ciHigh: 122, stddev: 1.4, runIds: [4, 5] };
    const rep = sweepCells(sweepRows([run(4, 'hrtimer', 100_000, 110, 1, across), run(5, 'hrtimer', 100_000, 112, 2, across)], ['delta']));
    expect(rep).toEqual([{ value: 100_000, value2: null, strategy: 'hrtimer', runs: 2, mean: 111, p99: 222, meanLo: 100, meanHi: 122 }]);
    // A repeat read before its sibling finished has no spread (or that of fewer runs): the cell takes the widest one.
    const three = { n: 3, mean: 112, ciLow: 105, ciHigh: 119, stddev: 2, runIds: [4, 5, 6] };
    const early = sweepCells(sweepRows([run(4, 'hrtimer', 100_000, 110, 1), run(5, 'hrtimer', 100_000, 112, 2, across), run(6, 'hrtimer', 100_000, 114, 3, three)], ['delta']));
    expect(early).toEqual([{ value: 100_000, value2: null, strategy: 'hrtimer', runs: 3, mean: 112, p99: 224, meanLo: 105, meanHi: 119 }]);
    expect(flatStrategies(sweepCells(rows))).toEqual([]);
    expect(flatStrategies(sweepCells(sweepRows([run(1, 'hrtimer', 100_000, 50), run(2, 'hrtimer', 200_000, 50)], ['delta'])))).toEqual(['hrtimer']);
  });
});

describe('sweep charts of other kinds', () => {
  it('puts switches and choices on evenly spaced categories with their labels', () => {
    const spec = sweepChart(
      [
        { value: true, strategy: 'hrtimer', mean: 20, p99: 30 },
        { value: false, strategy: 'hrtimer', mean: 10, p99: 15 },
      ],
      { param: 'hostNoise', unit: 'cycles', order: [false, true] },
    );
    expect(spec.x.ticks).toEqual([
      { value: 0, label: 'off' },
      { value: 1, label: 'on' },
    ]);
    expect(spec.series[0]?.points.map((p) => [p.x, p.y])).toEqual([
      [0, 10],
      [1, 20],
    ]);
  });

  it('draws the band across repeats under the mean', () => {
    const spec = sweepChart([{ value: 1, strategy: 'hrtimer', mean: 10, p99: 12, meanLo: 9, meanHi: 11 }, { value: 2, strategy: 'hrtimer', mean: 11, p99: 13, meanLo: 10, meanHi: 12 }], { param: 'delta', unit: 'cycles' });
    const band = spec.series.find((s) => s.style === 'band');
    expect(band?.points).toEqual([
      { x: 1, y: 11, y0: 9 },
      { x: 2, y: 12, y0: 10 },
    ]);
    expect(renderSvg(spec)).toContain('class="band"');
  });

  it('maps two parameters to the difference between strategies, with the crossover where the sign changes', () => {
    const pairs = [
      ['a', 1, 'hrtimer', 10], ['a', 1, 'vmx-preemption', 8],
      ['b', 1, 'hrtimer', 10], ['b', 1, 'vmx-preemption', 12],
      ['a', 2, 'hrtimer', 10], ['a', 2, 'vmx-preemption', 7],
      ['b', 2, 'hrtimer', 10], ['b', 2, 'vmx-preemption', 9],
    ].map(([a, b, strategy, mean]) => ({ a: a as string, b: b as number, strategy: strategy as string, mean: mean as number }));
    const spec = sweepHeatmap(pairs, { paramA: 'p', paramB: 'q', valuesA: ['a', 'b'], valuesB: [1, 2], unit: 'cycles', strategies: ['hrtimer', 'vmx-preemption'] });
    expect(spec.cells).toEqual([
      [-2, 2],
      [-3, -1],
    ]);
    expect(spec.crossover).toEqual([
      { xi: 0, yi: 0, edge: 'right' },
      { xi: 1, yi: 0, edge: 'below' },
    ]);
    const svg = renderSvg(spec);
    expect(checkXml(svg)[0]).toBe('svg');
    expect((svg.match(/class="crossover"/g) ?? []).length).toBe(2);
    expect((svg.match(/class="cell"/g) ?? []).length).toBe(4);
    expect(svg).toContain('vmx-preemption faster');
  });
});

describe('profile name check', () => {
  const profiles: ProfileInfo[] = [
    { name: 'HSW-2016', description: '', builtIn: true },
    { name: 'mine', description: '', builtIn: false },
  ];
  it('accepts 1–64 letters, digits, space, dot, dash, underscore; refuses built-in names', () => {
    expect(profileNameError('HSW tuned_1.2-b', profiles)).toBeNull();
    expect(profileNameError('mine 2', profiles)).toBeNull();
    expect(profileNameError('  ', profiles)).toBe('give the profile a name');
    expect(profileNameError('a'.repeat(65), profiles)).toMatch(/at most 64/);
    expect(profileNameError('a/b', profiles)).toMatch(/letters, digits/);
    expect(profileNameError('-x', profiles)).toMatch(/starting with a letter or digit/);
    expect(profileNameError('hsw-2016', profiles)).toBe('"HSW-2016" is a built-in profile; choose another name');
    expect(profileNameError(' MINE ', profiles)).toBe('a profile named "mine" exists already; choose another name');
  });
});
