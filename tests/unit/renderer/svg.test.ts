import { describe, expect, it } from 'vitest';
import {
  breakdownChart,
  cdfChart,
  histogramChart,
  overlaidHistogramChart,
  traceChart,
} from '../../../src-shared/charts/shape.js';
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
      true,
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

  it('draws bars for a single histogram', () => {
    const svg = renderSvg(histogramChart({ label: 'run 1', histogram: hist(3000) }, 'cycles', false));
    expectWellFormed(svg);
    expect(pathCount(svg)).toBe(1);
    expect(svg).toMatch(/<path d="M[^"]+Z/);
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

  it('draws stacked horizontal bars with one path per step', () => {
    const spec = breakdownChart(
      [
        { label: 'hrtimer', steps: { vmexit_hw: 500, hrtimer_interrupt: 900, guest_deliver: 300 } },
        { label: 'vmx', steps: { vmexit_hw: 500, hv_handler: 400, guest_deliver: 300 } },
      ],
      'Where the cycles go',
      'cycles',
    );
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(pathCount(svg)).toBe(4);
    expect(spec.series.find((s) => s.label === 'hv_handler')?.values).toEqual([0, 400]);
  });

  it('draws a trace timeline with one row per event type', () => {
    const spec = traceChart(
      [
        { t: 1000, cpu: 1, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER' },
        { t: 3000, cpu: 1, event: 'kvm_inj_virq', text: 'irq 236' },
        { t: 4000, cpu: 1, event: 'kvm_entry', text: 'vcpu 0' },
      ],
      2_000_000,
    );
    expect(spec.series.map((s) => s.label)).toEqual(['kvm_exit', 'kvm_inj_virq', 'kvm_entry']);
    expect(spec.series[0]?.points[0]).toMatchObject({ x: 0, text: 'kvm_exit: reason PREEMPTION_TIMER' });
    expect(spec.series[2]?.points[0]?.x).toBeCloseTo(1.5); // 3000 cycles at 2 GHz = 1.5 µs
    const svg = renderSvg(spec);
    expectWellFormed(svg);
    expect(pathCount(svg)).toBe(3);
    expect(svg).toContain('>kvm_wait_lapic_expire<');
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
    const a = renderSvg(histogramChart({ label: 'a', histogram: hist(1) }, 'cycles', false));
    const b = renderSvg(histogramChart({ label: 'b', histogram: hist(1) }, 'cycles', false));
    const id = (s: string): string | undefined => /clipPath id="([^"]+)"/.exec(s)?.[1];
    expect(id(a)).not.toBe(id(b));
  });

  it('picks nice linear ticks', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
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
