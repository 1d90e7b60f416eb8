import { describe, expect, it } from 'vitest';
import { overlaidHistogramChart } from '../../../src-shared/charts/histogram-chart.js';
import { cdfChart } from '../../../src-shared/charts/shape.js';
import { traceTimeline } from '../../../src-shared/charts/trace-timeline.js';
import type { ChartSpec } from '../../../src-shared/charts/spec.js';
import { escapeXml, niceTicks, renderSvg } from '../../../src-shared/charts/svg.js';
import type { Histogram } from '../../../src-shared/result.js';
import { checkXml } from './xml-check.js';

const hist = (base: number): Histogram => ({
  subBucketBits: 11,
  buckets: [
    [base, base + 15, 10],
    [base + 16, base + 31, 250],
    [base + 32, base + 47, 40],
    [base + 400, base + 415, 1],
  ],
  underflow: 0,
  total: 301,
});

function pathCount(svg: string): number {
  return (svg.match(/<path\b/g) ?? []).length;
}

function expectWellFormed(svg: string): string[] {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  return checkXml(svg);
}

describe('renderSvg', () => {
  it('draws an overlaid histogram with one path per series and a log y axis', () => {
    const spec = overlaidHistogramChart(
      [
        { label: 'hrtimer', histogram: hist(3000) },
        { label: 'vmx-preemption', histogram: hist(2900) },
      ],
      'cycles',
      { logY: true },
    );
    const svg = renderSvg(spec);
    const names = expectWellFormed(svg);
    expect(names[0]).toBe('svg');
    expect(pathCount(svg)).toBe(2);
    expect(svg).toContain('hrtimer');
    expect(svg).toContain('latency (cycles), max');
    // Log axis ticks at powers of ten.
    expect(svg).toMatch(/>100</);
  });

  it('draws a histogram outline that drops to the axis between buckets far apart', () => {
    const spec = overlaidHistogramChart([{ label: 'run 1', histogram: hist(3000) }], 'cycles', { logY: false });
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(pathCount(svg)).toBe(1);
    const d = /<path class="series" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const pts = [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const bottom = Math.max(...pts.map(([, y]) => y));
    // The gap between base+47 and base+400 is drawn on the zero line, not as a plateau.
    const before = pts.findIndex(([x], i) => i > 0 && pts[i - 1]![0] === x && pts[i]![1] === bottom && i < pts.length - 1 && pts[i + 1]![1] === bottom);
    expect(before).toBeGreaterThan(0);
    expect(pts[0]![1]).toBe(bottom);
    expect(pts.at(-1)![1]).toBe(bottom);
  });

  it('draws a percentile spectrum with 90 %, 99 %, 99.9 % ticks', () => {
    const points = Array.from({ length: 10000 }, (_, i) => [3000 + i / 10, (i + 1) / 10001] as [number, number]);
    const spec = cdfChart([{ label: 'a', points }, { label: 'b', points: points.map(([v, p]) => [v + 20, p] as [number, number]) }], 'cycles', 'spectrum');
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(pathCount(svg)).toBe(2);
    for (const t of ['90%', '99%', '99.9%']) expect(svg).toContain(`>${t}<`);
    // The spectrum is thinned for plotting.
    expect(spec.series[0]?.points.length).toBeLessThanOrEqual(2001);
  });

  it('draws a plain CDF and accepts percent probabilities', () => {
    const spec = cdfChart([{ label: 'pct', points: [[1, 10], [2, 50], [3, 100]] }], 'ns', 'cdf');
    expect(spec.series[0]?.points.map((p) => p.y)).toEqual([10, 50, 100]);
    expectWellFormed(renderSvg(spec));
  });

  it('draws a trace as tracks of slices: exits and guest time on the vCPU, handlers on the host, the housekeeping CPU apart', () => {
    const spec = traceTimeline(
      [
        { t: 0, cpu: 3, event: 'kvm_entry', text: 'vcpu 0' },
        { t: 1000, cpu: 3, event: 'kvm_exit', text: 'reason HLT rip 0x1 info 0 0' },
        { t: 2000, cpu: 3, event: 'hrtimer_expire_entry', text: 'hrtimer=0x1 function=apic_timer_fn/0x0' },
        { t: 2400, cpu: 3, event: 'hrtimer_expire_exit', text: 'hrtimer=0x1' },
        { t: 2600, cpu: 3, event: 'kvm_inj_virq', text: 'irq 236' },
        { t: 3000, cpu: 3, event: 'kvm_entry', text: 'vcpu 0' },
        { t: 3500, cpu: 0, event: 'sched_switch', text: 'prev=rcu next=swapper', pid: 0 },
        { t: 4000, cpu: 3, event: 'kvm_exit', text: 'reason MSR_WRITE' },
      ],
      2_000_000,
    );
    expect(spec.tracks).toEqual(['vCPU 0', 'host CPU 3', 'timer expiry → VM entry', 'housekeeping CPU 0']);
    const on = (track: number) => spec.slices.filter((s) => s.track === track);
    expect(on(0).map((s) => [s.name, s.start, s.end])).toEqual([
      ['guest', 0, 0.5],
      ['exit HLT', 0.5, 1.5],
      ['guest', 1.5, 2],
      ['exit MSR_WRITE', 2, 2],
    ]);
    const handler = on(1).find((s) => s.name === 'hrtimer_expire');
    expect(handler).toMatchObject({ start: 1, end: 1.2 }); // 400 cycles at 2 GHz = 0.2 µs
    expect(on(1).find((s) => s.name === 'kvm_inj_virq')).toMatchObject({ start: 1.3, end: 1.3 });
    expect(on(2)).toEqual([expect.objectContaining({ name: 'expiry → entry', start: 1, end: 1.5 })]);
    expect(on(3).length).toBeGreaterThan(0);
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(svg).toContain('>vCPU 0<');
    expect(svg).toContain('data-x-range="');
  });

  it('has no housekeeping track when every event is on the vCPU\'s CPU', () => {
    const spec = traceTimeline(
      [
        { t: 0, cpu: 3, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER' },
        { t: 100, cpu: 3, event: 'kvm_entry', text: 'vcpu 0' },
      ],
      1_000_000,
    );
    expect(spec.tracks.some((t) => t.startsWith('housekeeping'))).toBe(false);
    expect(spec.slices.find((s) => s.track === 2)?.name).toBe('expiry → entry');
  });

  it('escapes text and survives empty series', () => {
    const spec: ChartSpec = {
      kind: 'xy',
      title: 'a < b & "c"',
      x: { label: 'x' },
      y: { label: 'y', log: true },
      series: [{ label: '<evil>', color: '#000', style: 'line', points: [] }],
    };
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(pathCount(svg)).toBe(1);
    expect(escapeXml("'")).toBe('&apos;');
  });

  it('gives several charts distinct clip ids (one HTML report holds many)', () => {
    const a = renderSvg(overlaidHistogramChart([{ label: 'a', histogram: hist(1) }], 'cycles', { logY: false }));
    const b = renderSvg(overlaidHistogramChart([{ label: 'b', histogram: hist(1) }], 'cycles', { logY: false }));
    const id = (s: string): string | undefined => /clipPath id="([^"]+)"/.exec(s)?.[1];
    expect(id(a)).not.toBe(id(b));
  });

  it('picks nice linear ticks', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('leaves out x tick labels that would overlap and writes a footer', () => {
    const ticks = Array.from({ length: 40 }, (_, i) => ({ value: i, label: `${i * 1000}00` }));
    const spec: ChartSpec = {
      kind: 'xy',
      title: 't',
      footer: 'runs #1 hrtimer · profile HSW-2016 · seed 1 · Timer Lab engine 1.0.0',
      x: { label: 'x', min: 0, max: 39, ticks },
      y: { label: 'y' },
      series: [{ label: 's', color: '#000', style: 'line', points: [{ x: 0, y: 0 }, { x: 39, y: 1 }] }],
    };
    const svg = renderSvg(spec, { width: 600 });
    const xs = [...svg.matchAll(/<text class="x-tick" x="([\d.]+)"[^>]*>([^<]*)</g)].map((m) => ({ x: Number(m[1]), w: (m[2] as string).length * 7 }));
    expect(xs.length).toBeGreaterThan(2);
    expect(xs.length).toBeLessThan(40);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!.x - xs[i]!.w / 2).toBeGreaterThan(xs[i - 1]!.x + xs[i - 1]!.w / 2);
    expect(svg).toContain('class="footer"');
    expect(svg).toContain('profile HSW-2016');
  });
});

describe('checkXml', () => {
  it('rejects broken documents', () => {
    expect(() => checkXml('<svg><g></svg>')).toThrow();
    expect(() => checkXml('<svg a=1></svg>')).toThrow();
    expect(() => checkXml('<svg>a & b</svg>')).toThrow();
    expect(checkXml('<svg><g/></svg>')).toEqual(['svg', 'g']);
  });
});
