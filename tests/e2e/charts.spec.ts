// What a performance engineer sees in the charts: a two-run histogram drops to zero across a gap
// (no line joining the runs' buckets over it), zoom narrows the axis and double-click restores it,
// SVG and PNG exports carry the axis range on screen, the report writes p as "< 1e-15", and the
// views fit 1024 and 1280 px without horizontal scrolling.
import type { Locator, Page } from '@playwright/test';
import type { CompareResult } from '../../src-shared/contract.js';
import { expect, openApp, readDownload, shot, test, type LabClient } from './fixtures.js';

interface Plot {
  left: number;
  top: number;
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
}

async function plotOf(canvas: Locator): Promise<Plot> {
  const a = async (n: string) => (await canvas.getAttribute(n)) ?? '';
  const range = (t: string) => t.split(' ').map(Number) as [number, number];
  return {
    left: Number(await a('data-plot-left')),
    top: Number(await a('data-plot-top')),
    width: Number(await a('data-plot-width')),
    height: Number(await a('data-plot-height')),
    x: range(await a('data-x-range')),
    y: range(await a('data-y-range')),
  };
}

/** Pixels of one of `colors` inside the plot between x values lo and hi (CSS px rows above the bottom 4). */
async function inkBetween(canvas: Locator, plot: Plot, lo: number, hi: number, colors: string[]): Promise<number> {
  const px = (v: number) => plot.left + ((v - plot.x[0]) / (plot.x[1] - plot.x[0])) * plot.width;
  return canvas.evaluate(
    (el, args) => {
      const c = el as unknown as { width: number; clientWidth: number; getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const r = c.width / c.clientWidth;
      const x0 = Math.ceil(args.from * r);
      const x1 = Math.floor(args.to * r);
      const y0 = Math.ceil(args.top * r);
      const y1 = Math.floor((args.top + args.height - 4) * r);
      if (x1 <= x0 || y1 <= y0) return -1;
      const img = c.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
      const rgb = args.colors.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
      let n = 0;
      for (let k = 0; k < img.length; k += 4) {
        if (rgb.some(([R, G, B]) => Math.abs(img[k]! - R!) + Math.abs(img[k + 1]! - G!) + Math.abs(img[k + 2]! - B!) < 60)) n++;
      }
      return n;
    },
    { from: px(lo), to: px(hi), top: plot.top, height: plot.height, colors },
  );
}

async function busyPair(lab: LabClient, tag: string): Promise<{ ids: number[]; cmp: CompareResult }> {
  const ids = await lab.simulate({ name: `e2e charts ${tag} ${Date.now().toString(36)}`, workload: 'tscdeadline-busy', samples: 20_000 });
  return { ids, cmp: await lab.call('compare', { ids }) };
}

async function dragAcross(page: Page, canvas: Locator, plot: Plot, fromFrac: number, toFrac: number): Promise<void> {
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const y = box.y + plot.top + plot.height / 2;
  await page.mouse.move(box.x + plot.left + plot.width * fromFrac, y);
  await page.mouse.down();
  await page.mouse.move(box.x + plot.left + plot.width * ((fromFrac + toFrac) / 2), y + 2, { steps: 4 });
  await page.mouse.move(box.x + plot.left + plot.width * toFrac, y + 3, { steps: 4 });
  await page.mouse.up();
}

function svgRange(svg: string, axis: 'x' | 'y'): [number, number] {
  const m = new RegExp(`data-${axis}-range="([^"]+)"`).exec(svg);
  if (!m) throw new Error(`the SVG has no ${axis} range`);
  return (m[1] as string).split(' ').map(Number) as [number, number];
}

test('a histogram of two runs with a gap has no line across the gap', async ({ page, lab }) => {
  const { ids, cmp } = await busyPair(lab, 'gap');
  // The gap: between the preemption timer's largest bucket and the hrtimer path's smallest.
  const hist = new Map(cmp.histograms.map((h) => [h.id, h.histogram]));
  const vmx = hist.get(ids[1]!)!;
  const hr = hist.get(ids[0]!)!;
  const gapLo = vmx.buckets.at(-1)![1] + 1;
  const gapHi = hr.buckets[0]![0];
  expect(gapHi - gapLo, 'the two runs leave an empty range between them').toBeGreaterThan(100);
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready');
  const canvas = page.getByTestId('cmp-histogram').locator('canvas');
  await expect(canvas).toHaveAttribute('data-x-range', /\d/);
  const plot = await plotOf(canvas);
  expect(plot.x[0]).toBeLessThan(gapLo);
  expect(plot.x[1]).toBeGreaterThan(gapHi);
  const colors = ['#0072B2', '#E69F00'];
  const margin = (gapHi - gapLo) * 0.1;
  // Nothing drawn above the zero line inside the gap…
  expect(await inkBetween(canvas, plot, gapLo + margin, gapHi - margin, colors)).toBe(0);
  // …while the runs themselves are drawn (the check can see ink where there is some).
  const p50 = cmp.runs.find((r) => r.id === ids[0])!.p50!;
  expect(await inkBetween(canvas, plot, p50 - 40, p50 + 40, colors)).toBeGreaterThan(20);
  // The same on a linear count axis.
  await page.getByLabel('Log y').uncheck();
  await expect(canvas).toHaveAttribute('data-y-range', /^0 /);
  expect(await inkBetween(canvas, await plotOf(canvas), gapLo + margin, gapHi - margin, colors)).toBe(0);
});

test('zoom narrows the axis range; SVG and PNG exports keep the range on screen', async ({ page, lab }, testInfo) => {
  const { ids } = await busyPair(lab, 'zoom');
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready');
  const fig = page.getByTestId('cmp-histogram');
  const canvas = fig.locator('canvas');
  await expect(canvas).toHaveAttribute('data-x-range', /\d/);
  const full = await plotOf(canvas);

  // Exports of the full view: the PNG's range (read back from the chart that drew it) and the SVG's
  // range are the screen's.
  let dl = page.waitForEvent('download');
  await fig.getByRole('button', { name: /as PNG$/ }).click();
  const png = await dl;
  expect(png.suggestedFilename()).toBe(`compare-${ids.join('-')}-histogram.png`);
  await expect(fig).toHaveAttribute('data-png-x-range', `${full.x[0]} ${full.x[1]}`);
  dl = page.waitForEvent('download');
  await fig.getByRole('button', { name: /as SVG$/ }).click();
  const svgFile = await dl;
  expect(svgFile.suggestedFilename()).toBe(`compare-${ids.join('-')}-histogram.svg`);
  const svg = (await readDownload(svgFile)).toString('utf8');
  expect(svgRange(svg, 'x')).toEqual(full.x);
  expect(svgRange(svg, 'y')).toEqual(full.y);
  expect(`${svgRange(svg, 'x').join(' ')}`).toBe(await fig.getAttribute('data-png-x-range'));
  expect(`${svgRange(svg, 'y').join(' ')}`).toBe(await fig.getAttribute('data-png-y-range'));
  // A light figure with its footer, whatever the screen's theme.
  expect(svg).toContain('fill="#ffffff"');
  expect(svg).toMatch(/class="footer"[^>]*>runs #\d+ hrtimer, #\d+ vmx-preemption · profile HSW-2016/);

  // Drag across the middle of the plot: the x range narrows to it.
  await dragAcross(page, canvas, full, 0.3, 0.6);
  await expect(fig).toHaveAttribute('data-zoomed', 'true');
  const zoomed = await plotOf(canvas);
  testInfo.annotations.push({ type: 'x range', description: `${full.x.join('–')} → ${zoomed.x.join('–')}` });
  expect(zoomed.x[0]).toBeGreaterThan(full.x[0]);
  expect(zoomed.x[1]).toBeLessThan(full.x[1]);
  const span = full.x[1] - full.x[0];
  expect(Math.abs(zoomed.x[0] - (full.x[0] + 0.3 * span))).toBeLessThan(span * 0.02);
  expect(Math.abs(zoomed.x[1] - (full.x[0] + 0.6 * span))).toBeLessThan(span * 0.02);
  // The exports follow the zoom.
  dl = page.waitForEvent('download');
  await fig.getByRole('button', { name: /as SVG$/ }).click();
  const zsvg = (await readDownload(await dl)).toString('utf8');
  expect(svgRange(zsvg, 'x')).toEqual(zoomed.x);
  dl = page.waitForEvent('download');
  await fig.getByRole('button', { name: /as PNG$/ }).click();
  await dl;
  await expect(fig).toHaveAttribute('data-png-x-range', `${zoomed.x[0]} ${zoomed.x[1]}`);

  // Double-click: back to the full range.
  const box = (await canvas.boundingBox())!;
  await page.mouse.dblclick(box.x + full.left + full.width / 2, box.y + full.top + full.height / 2);
  await expect(fig).toHaveAttribute('data-zoomed', 'false');
  expect((await plotOf(canvas)).x).toEqual(full.x);

  // The spectrum zooms too (a box zooms both axes).
  const spec = page.getByTestId('cmp-cdf').locator('canvas');
  await spec.scrollIntoViewIfNeeded();
  const before = await plotOf(spec);
  const sbox = (await spec.boundingBox())!;
  await page.mouse.move(sbox.x + before.left + before.width * 0.2, sbox.y + before.top + before.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(sbox.x + before.left + before.width * 0.5, sbox.y + before.top + before.height * 0.7, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('cmp-cdf')).toHaveAttribute('data-zoomed', 'true');
  const after = await plotOf(spec);
  expect(after.x[1] / after.x[0]).toBeLessThan(before.x[1] / before.x[0]);
  expect(after.y[1] - after.y[0]).toBeLessThan(before.y[1] - before.y[0]);
});

test("the report writes the p-value as the app does, and is kept as a screenshot", async ({ page, lab }, testInfo) => {
  const { ids, cmp } = await busyPair(lab, 'report');
  const vmx = cmp.runs.find((r) => r.id === ids[1])!;
  expect(vmx.pValue).toBeLessThan(1e-15);
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId(`cmp-${vmx.id}-pvalue`)).toHaveText('< 1e-15');
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export report' }).click();
  const html = (await readDownload(await dl)).toString('utf8');
  const report = await page.context().newPage();
  await report.setContent(html);
  const pCells = report.locator('td.p');
  await expect(pCells).toHaveCount(2);
  await expect(pCells.nth(1)).toHaveText('< 1e-15');
  await expect(report.locator('body')).not.toContainText('0.00e+0');
  await expect(report.locator('figure svg')).toHaveCount(4);
  await shot(report, testInfo, 'report');
  await report.close();
});

test('History, Compare, Run detail and Sweep fit 1024 and 1280 px without horizontal scrolling', async ({ page, lab }) => {
  const ids = await lab.simulate({ name: `e2e layout with a long experiment name to wrap ${Date.now().toString(36)}`, workload: 'tscdeadline-halt', samples: 5_000, trace: true });
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    for (const hash of ['#/history', `#/compare/${ids.join(',')}`, `#/run/${ids[0]}`, '#/sweep']) {
      await openApp(page, hash);
      if (hash.startsWith('#/compare')) await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready');
      await page.waitForTimeout(300);
      const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as [number, number];
      expect(scroll, `${hash} at ${width} px: page ${scroll} px wide in a ${client} px window`).toBeLessThanOrEqual(client);
      // Buttons and verdicts are inside the window, not cut off.
      const outside = (await page.evaluate(`[...document.querySelectorAll('main button, main [data-testid$="-verdict"]')].filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > ${client} + 1; }).length`)) as number;
      expect(outside, `${hash} at ${width} px: buttons or verdicts beyond the right edge`).toBe(0);
    }
  }
});
