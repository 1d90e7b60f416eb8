import { describe, expect, it } from 'vitest';
import { breakdownChart, histogramChart, overlaidHistogramChart } from '../../../src-shared/charts/shape.js';
import { KNOWN_STEPS, stepColorByName } from '../../../src-shared/charts/spec.js';
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

describe('category label margin', () => {
  it('fits the longest label so names are never clipped', () => {
    const long = '#12 tscdeadline halt · vmx-preemption';
    const spec = breakdownChart(
      [
        { label: '#3 short', steps: { vmexit_hw: 10 } },
        { label: long, steps: { vmexit_hw: 12 } },
      ],
      'Where the cycles go',
      'cycles',
    );
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
    const svg = renderSvg(breakdownChart([{ label: huge, steps: { vmexit_hw: 1 } }], 't', 'cycles'), { width: 900 });
    const [label] = categoryTexts(svg);
    expect(label?.text.endsWith('…')).toBe(true);
    expect(label!.x - label!.text.length * AVG_CHAR_PX).toBeGreaterThanOrEqual(0);
    // The full name stays available as a tooltip.
    expect(svg).toContain(`<title>${huge}</title>`);
    expect(fitLabel('abcdef', 70)).toBe('abcdef');
    expect(fitLabel('abcdefghijklmnop', 70)).toBe('abcdefghi…');
  });
});

describe('step colours', () => {
  it('depend on the step name, not its position in the chart', () => {
    const a = breakdownChart([{ label: 'busy hrtimer', steps: { vmexit_hw: 1, host_lapic_irq_hw: 2, guest_deliver: 3 } }], 't', 'cycles');
    const b = breakdownChart([{ label: 'busy vmx', steps: { hv_countdown: 5, guest_deliver: 3 } }], 't', 'cycles');
    const both = breakdownChart(
      [
        { label: 'x', steps: { host_lapic_irq_hw: 2 } },
        { label: 'y', steps: { hv_countdown: 5, guest_deliver: 3, vmexit_hw: 1 } },
      ],
      't',
      'cycles',
    );
    const colours = new Map<string, string>();
    for (const spec of [a, b, both]) {
      for (const s of spec.series) {
        if (colours.has(s.label)) expect(s.color).toBe(colours.get(s.label));
        colours.set(s.label, s.color);
        expect(s.color).toBe(stepColorByName(s.label));
      }
    }
  });

  it('gives every step the engine knows a distinct colour', () => {
    for (const n of [...COST_NAMES, ...STEP_NAMES]) expect(KNOWN_STEPS).toContain(n);
    expect(new Set(KNOWN_STEPS).size).toBe(KNOWN_STEPS.length);
    expect(new Set(KNOWN_STEPS.map(stepColorByName)).size).toBe(KNOWN_STEPS.length);
  });

  it('keeps common neighbours clearly apart', () => {
    expect(distance(stepColorByName('hv_countdown'), stepColorByName('host_lapic_irq_hw'))).toBeGreaterThan(120);
    // Adjacent segments of the usual stacks (engine order), plus hv_countdown after guest_deliver.
    const stacks = [
      ['vmexit_hw', 'exit_post', 'entry_prep', 'vmentry_hw', 'ext_intr_handler', 'host_irq_dispatch', 'hrtimer_interrupt', 'apic_timer_fn', 'clockevent_program', 'clockevent_bias', 'host_lapic_irq_hw', 'pending_inject', 'guest_deliver'],
      ['vmexit_hw', 'exit_post', 'entry_prep', 'vmentry_hw', 'hv_handler', 'pending_inject', 'guest_deliver', 'hv_countdown'],
      ['entry_prep', 'vmentry_hw', 'host_irq_dispatch', 'host_lapic_irq_hw', 'pending_inject', 'guest_deliver', 'halt_poll_wake', 'post_block_switch_back_pending', 'sched_wakeup', 'cstate_exit'],
    ];
    for (const stack of stacks) {
      for (let i = 1; i < stack.length; i++) {
        const d = distance(stepColorByName(stack[i - 1] as string), stepColorByName(stack[i] as string));
        expect(d, `${stack[i - 1]} vs ${stack[i]}`).toBeGreaterThan(80);
      }
    }
  });

  it('hashes unknown step names to a stable colour', () => {
    expect(stepColorByName('some_new_step')).toBe(stepColorByName('some_new_step'));
    expect(stepColorByName('some_new_step')).toMatch(/^hsl\(/);
  });
});

describe('histogram max in the axis title', () => {
  it('uses the exact max when given, else the last bucket edge', () => {
    expect(histogramChart({ label: 'r', histogram: hist }, 'cycles', true).x.label).toBe('latency (cycles), max 3,415');
    expect(histogramChart({ label: 'r', histogram: hist }, 'cycles', true, 3407).x.label).toBe('latency (cycles), max 3,407');
    expect(renderSvg(histogramChart({ label: 'r', histogram: hist }, 'ns', false, 3407))).toContain('latency (ns), max 3,407');
  });

  it('takes per-run exact maxima for overlaid histograms', () => {
    const hs = [
      { label: 'a', histogram: hist },
      { label: 'b', histogram: hist },
    ];
    expect(overlaidHistogramChart(hs, 'cycles', true).x.label).toBe('latency (cycles), max 3,415 / 3,415');
    expect(overlaidHistogramChart(hs, 'cycles', true, [3401, undefined]).x.label).toBe('latency (cycles), max 3,401 / 3,415');
    expect(overlaidHistogramChart(hs, 'cycles', true, [3401, 3409.5]).x.label).toBe('latency (cycles), max 3,401 / 3,410');
  });
});
