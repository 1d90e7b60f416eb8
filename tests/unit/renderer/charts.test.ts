import { describe, expect, it } from 'vitest';
import { logTickLabel, resolveAxis, resolveXYAxes } from '../../../src-shared/charts/axes.js';
import { histogramOutline, histogramYMode, overlaidHistogramChart } from '../../../src-shared/charts/histogram-chart.js';
import { waterfallChart } from '../../../src-shared/charts/path-chart.js';
import { STEP_COLORS, runStyles, stepColorByName, type CategoryChartSpec } from '../../../src-shared/charts/spec.js';
import { pathRows, STEP_ORDER, stepGroup } from '../../../src-shared/critical-path.js';
import { AVG_CHAR_PX, MAX_LABEL_SHARE, categoryLabelMargin, fitLabel, renderSvg } from '../../../src-shared/charts/svg.js';
import { COST_NAMES } from '../../../src-shared/profile.js';
import { STEP_NAMES } from '../../../src-main/engine/steps.js';
import type { Histogram } from '../../../src-shared/result.js';
import { checkXml } from './xml-check.js';

const hist: Histogram = {
  subBucketBits: 11,
  buckets: [
    [3000, 3015, 10],
    [3016, 3031, 250],
    [3400, 3415, 1],
  ],
  underflow: 0,
  total: 261,
};

/** Category label texts of a horizontal bar chart: the right-anchored texts left of the plot. */
function categoryTexts(svg: string): Array<{ x: number; text: string }> {
  return [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end" dominant-baseline="middle"[^>]*>(?:<title>[^<]*<\/title>)?([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    text: m[2] as string,
  }));
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function distance(a: string, b: string): number {
  const [r1, g1, b1] = rgb(a);
  const [r2, g2, b2] = rgb(b);
  return Math.hypot(r1 - r2, g1 - g2, b1 - b2);
}

function categoryChart(rows: Array<{ label: string; v: number }>): CategoryChartSpec {
  return {
    kind: 'category',
    title: 'Where the cycles go',
    categories: rows.map((r) => r.label),
    horizontal: true,
    stacked: true,
    value: { label: 'cycles' },
    series: [{ label: 'vmexit_hw', color: '#123456', values: rows.map((r) => r.v) }],
  };
}

describe('category label margin', () => {
  it('fits the longest label so names are never clipped', () => {
    const long = '#12 tscdeadline halt · vmx-preemption';
    const spec = categoryChart([
      { label: '#3 short', v: 10 },
      { label: long, v: 12 },
    ]);
    const svg = renderSvg(spec, { width: 900 });
    checkXml(svg);
    const labels = categoryTexts(svg);
    const longText = labels.find((l) => l.text === long);
    expect(longText).toBeDefined();
    // The whole label (estimated width) starts inside the image.
    expect(longText!.x - long.length * AVG_CHAR_PX).toBeGreaterThanOrEqual(0);
    const frame = /<rect x="([\d.]+)" y="34"[^>]*fill="none"/.exec(svg);
    expect(Number(frame?.[1])).toBe(categoryLabelMargin(spec.categories, 900));
  });

  it('caps the margin at ~45 % of the width and ellipsizes longer labels', () => {
    const huge = 'x'.repeat(200);
    expect(categoryLabelMargin([huge], 900)).toBe(Math.floor(900 * MAX_LABEL_SHARE));
    expect(categoryLabelMargin(['a'], 900)).toBe(70);
    const svg = renderSvg(categoryChart([{ label: huge, v: 1 }]), { width: 900 });
    const [label] = categoryTexts(svg);
    expect(label?.text.endsWith('…')).toBe(true);
    expect(label!.x - label!.text.length * AVG_CHAR_PX).toBeGreaterThanOrEqual(0);
    // The full name stays available as a tooltip.
    expect(svg).toContain(`<title>${huge}</title>`);
    expect(fitLabel('abcdef', 70)).toBe('abcdef');
    expect(fitLabel('abcdefghijklmnop', 70)).toBe('abcdefghi…');
  });
});

describe('step colours and order', () => {
  it('knows every step the engine reports, in one execution order, each with its own colour', () => {
    for (const n of [...COST_NAMES, ...STEP_NAMES]) expect(STEP_ORDER, n).toContain(n);
    expect(new Set(STEP_ORDER).size).toBe(STEP_ORDER.length);
    for (const n of STEP_ORDER) expect(STEP_COLORS[n], n).toMatch(/^#[0-9A-F]{6}$/i);
    expect(new Set(STEP_ORDER.map(stepColorByName)).size).toBe(STEP_ORDER.length);
  });

  it('keeps every pair of steps apart and neighbours in execution order far apart', () => {
    for (let i = 0; i < STEP_ORDER.length; i++) {
      for (let j = i + 1; j < STEP_ORDER.length; j++) {
        const a = STEP_ORDER[i] as string;
        const b = STEP_ORDER[j] as string;
        expect(distance(stepColorByName(a), stepColorByName(b)), `${a} vs ${b}`).toBeGreaterThan(j === i + 1 ? 100 : 30);
      }
    }
  });

  it('hashes unknown step names to a stable colour', () => {
    expect(stepColorByName('some_new_step')).toBe(stepColorByName('some_new_step'));
    expect(stepColorByName('some_new_step')).toMatch(/^hsl\(/);
    expect(stepGroup('some_new_step').id).toBe('other');
  });

  it('orders a path by execution, not by the order of its keys, and groups it', () => {
    // The engine lists steps in its own (cost table) order; the rows follow the expiry.
    const path = { entry_prep: 300, vmentry_hw: 350, host_irq_dispatch: 250, hrtimer_interrupt: 280, pending_inject: 730, guest_deliver: 300, cstate_exit: 2, vmexit_hw: 350 };
    const rows = pathRows([path], new Set());
    expect(rows.map((r) => r.key)).toEqual(['exit', 'host-irq', 'hrtimer', 'inject', 'entry', 'guest']);
    const open = pathRows([path], new Set(['host-irq']));
    expect(open.map((r) => r.key)).toEqual(['exit', 'host-irq', 'cstate_exit', 'host_irq_dispatch', 'hrtimer', 'inject', 'entry', 'guest']);
  });
});

describe('critical-path waterfall', () => {
  const hr = { vmexit_hw: 350, exit_post: 100, ext_intr_handler: 20, host_irq_dispatch: 250, hrtimer_interrupt: 280, apic_timer_fn: 120, pending_inject: 730, entry_prep: 300, vmentry_hw: 350, guest_deliver: 300 };
  const vmx = { hv_countdown: 169, vmexit_hw: 351, exit_post: 100, hv_handler: 100, pending_inject: 728, entry_prep: 300, vmentry_hw: 350, guest_deliver: 300 };

  it('starts each bar where the previous part of the path ended and ends at the run\'s total', () => {
    const spec = waterfallChart(
      [
        { label: 'hrtimer', color: '#0072B2', steps: hr },
        { label: 'vmx', color: '#E69F00', steps: vmx },
      ],
      new Set(),
      'w',
      'cycles',
    );
    expect(spec.rows.map((r) => r.key)).toEqual(['exit', 'host-irq', 'hrtimer', 'inject', 'entry', 'guest']);
    for (const [i, run] of spec.runs.entries()) {
      const steps = i === 0 ? hr : vmx;
      let end = 0;
      for (const b of run.bars) {
        if (!b) continue;
        expect(b[0]).toBeCloseTo(end, 9);
        end = b[1];
      }
      expect(end).toBeCloseTo(Object.values(steps).reduce((a, v) => a + v, 0), 9);
    }
    // vmx has no host IRQ or hrtimer part: no bar there.
    expect(spec.runs[1]?.bars[1]).toBeNull();
    expect(spec.runs[1]?.bars[2]).toBeNull();
  });

  it('shows an expanded group\'s steps inside the group\'s span, each with its own colour', () => {
    const spec = waterfallChart([{ label: 'hrtimer', color: '#0072B2', steps: hr }], new Set(['exit']), 'w', 'cycles');
    expect(spec.rows.slice(0, 4).map((r) => r.key)).toEqual(['exit', 'vmexit_hw', 'exit_post', 'ext_intr_handler']);
    const bars = spec.runs[0]!.bars;
    expect(bars[0]).toEqual([0, 470]);
    expect(bars[1]).toEqual([0, 350]);
    expect(bars[2]).toEqual([350, 450]);
    expect(bars[3]).toEqual([450, 470]);
    expect(bars[4]?.[0]).toBe(470); // the next group starts where the expanded one ends
    expect(spec.rows[1]?.color).toBe(stepColorByName('vmexit_hw'));
    expect(spec.rows[1]?.inGroup).toBe(true);
    const svg = renderSvg(spec);
    checkXml(svg);
    expect(svg).toContain('>350<'); // cycles on the chart
  });
});

describe('histogram outlines', () => {
  const gap: Histogram = { subBucketBits: 7, buckets: [[100, 100, 5], [101, 101, 7], [200, 201, 3]], underflow: 0, total: 15 };

  it('drops to zero across an empty range instead of joining the buckets', () => {
    const pts = histogramOutline(gap, 'count', 0);
    expect(pts).toEqual([
      { x: 100, y: 0 },
      { x: 100, y: 5 },
      { x: 101, y: 5 },
      { x: 101, y: 7 },
      { x: 102, y: 7 },
      { x: 102, y: 0 },
      { x: 200, y: 0 },
      { x: 200, y: 3 },
      { x: 202, y: 3 },
      { x: 202, y: 0 },
    ]);
    // Between 102 and 200 the outline stays at zero.
    const inGap = pts.filter((p) => p.x > 102 && p.x < 200);
    expect(inGap).toEqual([]);
  });

  it('ends at the exact maximum, not at the last bucket\'s edge', () => {
    const h: Histogram = { subBucketBits: 7, buckets: [[3568, 3583, 2]], underflow: 0, total: 2 };
    expect(histogramOutline(h, 'count', 0, 3576).at(-1)).toEqual({ x: 3577, y: 0 });
  });

  it('divides by bucket width for density, and picks density when widths differ between runs', () => {
    const wide: Histogram = { subBucketBits: 0, step: 1000, buckets: [[5000, 5000, 100]], underflow: 0, total: 100 };
    expect(histogramOutline(wide, 'density', 0)[1]).toEqual({ x: 5000, y: 0.1 });
    expect(histogramYMode('auto', [gap, gap])).toBe('count');
    expect(histogramYMode('auto', [gap, wide])).toBe('density');
    expect(histogramYMode('count', [gap, wide])).toBe('count');
    const spec = overlaidHistogramChart([{ label: 'sim', histogram: gap }, { label: 'import', histogram: wide }], 'ns', { logY: true });
    expect(spec.y.label).toContain('density');
    expect(spec.title).toContain('density');
    // A log axis reaches low enough for one sample in the widest bucket.
    expect(spec.y.min).toBeLessThanOrEqual(1 / 1000);
  });
});

describe('axes', () => {
  it('writes log ticks in one style', () => {
    expect([0.01, 0.1, 1, 10, 100, 1000, 10_000, 100_000, 1e6, 2e6, 1e7].map(logTickLabel)).toEqual(['0.01', '0.1', '1', '10', '100', '1k', '10k', '100k', '1M', '2M', '10M']);
    const a = resolveAxis({ label: 'n', log: true, min: 0.7 }, 0.7, 45_000);
    expect(a.max).toBe(100_000);
    expect(a.ticks.map((t) => t.label)).toEqual(['1', '10', '100', '1k', '10k', '100k']);
  });

  it('hugs the data on tight axes and rounds open ends to a tick step', () => {
    const t = resolveAxis({ label: 'x', tight: true }, 3012, 15_790);
    expect(t.min).toBeLessThanOrEqual(3012);
    expect(t.min).toBeGreaterThan(0);
    expect(t.max).toBeGreaterThanOrEqual(15_790);
    expect(t.ticks[0]!.value).toBeGreaterThanOrEqual(t.min);
    const loose = resolveAxis({ label: 'x' }, 3012, 15_790);
    expect(loose.min).toBe(0);
  });

  it('gives a histogram chart the range of its data (the same for every renderer)', () => {
    const spec = overlaidHistogramChart([{ label: 'a', histogram: gap2() }], 'cycles', { logY: true });
    const r = resolveXYAxes(spec);
    expect(r.x.min).toBeGreaterThan(2000);
    expect(r.x.max).toBeLessThan(5000);
    const svg = renderSvg(spec);
    expect(svg).toContain(`data-x-range="${r.x.min} ${r.x.max}"`);
    expect(svg).toContain(`data-y-range="${r.y.min} ${r.y.max}"`);
  });
});

function gap2(): Histogram {
  return { subBucketBits: 7, buckets: [[3000, 3015, 10], [3016, 3031, 250], [3400, 3415, 1]], underflow: 0, total: 261 };
}

describe('run colours', () => {
  it('follow strategy and variant, whatever else is shown and in whatever order', () => {
    const a = runStyles([{ id: 1, strategy: 'hrtimer' }, { id: 2, strategy: 'vmx-preemption' }]);
    const b = runStyles([{ id: 2, strategy: 'vmx-preemption' }, { id: 1, strategy: 'hrtimer' }]);
    expect(a[0]).toEqual(b[1]);
    expect(a[1]).toEqual(b[0]);
    expect(a[0]?.color).toBe('#0072B2');
    const k = runStyles([{ id: 1, strategy: 'hrtimer' }, { id: 5, strategy: 'hrtimer', variant: 'HSW-2016 · Linux 6.8' }]);
    const alone = runStyles([{ id: 5, strategy: 'hrtimer', variant: 'HSW-2016 · Linux 6.8' }]);
    expect(k[1]?.color).toBe(alone[0]?.color);
    expect(k[1]?.color).not.toBe(k[0]?.color);
    // A related shade: the same hue family (blue stays bluest).
    const [r, g, bl] = rgb(k[1]!.color);
    expect(bl).toBeGreaterThan(r);
    expect(bl).toBeGreaterThanOrEqual(g);
  });

  it('dashes runs alike in strategy and variant (repeats), by id', () => {
    const s = runStyles([{ id: 9, strategy: 'hrtimer' }, { id: 3, strategy: 'hrtimer' }]);
    expect(s[1]?.dash).toBeUndefined();
    expect(s[0]?.dash?.length).toBeGreaterThan(0);
    expect(s[0]?.color).toBe(s[1]?.color);
  });
});

describe('histogram max in the axis title', () => {
  it('uses the exact max when given, else the last bucket edge', () => {
    expect(overlaidHistogramChart([{ label: 'r', histogram: hist }], 'cycles', { logY: true }).x.label).toBe('latency (cycles), max 3,415');
    expect(overlaidHistogramChart([{ label: 'r', histogram: hist }], 'cycles', { logY: true, exactMaxes: [3407] }).x.label).toBe('latency (cycles), max 3,407');
    expect(renderSvg(overlaidHistogramChart([{ label: 'r', histogram: hist }], 'ns', { logY: false, exactMaxes: [3407] }))).toContain('latency (ns), max 3,407');
  });

  it('takes per-run exact maxima for overlaid histograms', () => {
    const hs = [
      { label: 'a', histogram: hist },
      { label: 'b', histogram: hist },
    ];
    expect(overlaidHistogramChart(hs, 'cycles', { logY: true }).x.label).toBe('latency (cycles), max 3,415 / 3,415');
    expect(overlaidHistogramChart(hs, 'cycles', { logY: true, exactMaxes: [3401, undefined] }).x.label).toBe('latency (cycles), max 3,401 / 3,415');
    expect(overlaidHistogramChart(hs, 'cycles', { logY: true, exactMaxes: [3401, 3409.5] }).x.label).toBe('latency (cycles), max 3,401 / 3,410');
  });
});
