// Experiment → queue → History → Compare, numbers checked against the API; exports from Compare.
import type { Page } from '@playwright/test';
import type { CompareResult } from '../../src-shared/contract.js';
import { CI_P99_LABEL, formatPValue, intervalText, verdict } from '../../src-shared/verdict.js';
import { expect, expectChartDrawn, fmtStat, openApp, readDownload, shot, test } from './fixtures.js';

const STATS = ['samples', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;

/** Records every value the queue's progress bars show (they live only while a run is in flight). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.__progress = { bars: {}, runs: [] });
    const scan = () => {
      for (const li of document.querySelectorAll('[data-testid^="queue-run-"]')) {
        const id = li.getAttribute('data-testid').slice('queue-run-'.length);
        if (!seen.runs.includes(id)) seen.runs.push(id);
        const bar = li.querySelector('[role=progressbar]');
        if (bar) (seen.bars[id] ??= []).push(Number(bar.getAttribute('aria-valuenow')));
      }
    };
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    scan();
  })()`);
}

async function progressSeen(page: Page): Promise<{ bars: Record<string, number[]>; runs: string[] }> {
  return (await page.evaluate('window.__progress')) as { bars: Record<string, number[]>; runs: string[] };
}

async function expectCompareMatchesApi(page: Page, cmp: CompareResult): Promise<void> {
  for (const row of cmp.runs) {
    for (const stat of STATS) {
      await expect(page.getByTestId(`cmp-${row.id}-${stat}`), `${stat} of run ${row.id}`).toHaveText(fmtStat(row[stat]));
    }
  }
}

test('preset experiment with both strategies → queue → History → Compare equals the API', async ({ page, lab }, testInfo) => {
  const name = `e2e busy ${Date.now().toString(36)}`;
  await openApp(page, '#/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New experiment' })).toBeVisible();

  await page.getByRole('button', { name: /^tscdeadline busy-wait/ }).click();
  await expect(page.getByRole('button', { name: /^tscdeadline busy-wait/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('Workload')).toHaveValue('tscdeadline-busy');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Samples', { exact: true }).fill('20000');
  await expect(page.getByRole('checkbox', { name: /^hrtimer/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /^VMX preemption timer/ })).toBeChecked();
  await shot(page, testInfo, 'new-experiment');

  await recordProgress(page);
  const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const body = (await (await submitted).json()) as { ok: boolean; result: { runIds: number[] } };
  expect(body.ok).toBe(true);
  const [hrId, vmxId] = body.result.runIds as [number, number];
  expect(body.result.runIds).toHaveLength(2);

  // The view moves to History; the queue shows both runs until they finish.
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  for (const id of [hrId, vmxId]) {
    await expect(page.getByTestId(`queue-run-${id}`)).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId(`run-row-${id}`).getByTestId('status-badge')).toHaveText('done', { timeout: 30_000 });
  }
  await expect(page.getByTestId('queue')).toHaveCount(0, { timeout: 8_000 });
  const seen = await progressSeen(page);
  testInfo.annotations.push({ type: 'progress seen', description: JSON.stringify(seen) });
  // Both runs were in the queue panel; every value a bar showed was a percentage that only grew.
  expect(seen.runs).toEqual(expect.arrayContaining([String(hrId), String(vmxId)]));
  for (const [id, values] of Object.entries(seen.bars)) {
    for (let i = 0; i < values.length; i++) {
      expect(values[i], `progress of run ${id}`).toBeGreaterThanOrEqual(i > 0 ? (values[i - 1] as number) : 0);
      expect(values[i]).toBeLessThanOrEqual(100);
    }
  }
  // Each bar reached 100 % (a finished run stays on screen for a moment with a full bar).
  for (const id of [hrId, vmxId]) expect(seen.bars[String(id)]?.at(-1), `last value of run ${id}`).toBe(100);
  // …and the API agrees that they finished.
  const runs = await lab.waitForRuns([hrId, vmxId], ['done'], 5_000);
  expect(runs.map((r) => r.samples)).toEqual([20000, 20000]);
  expect(runs.map((r) => r.strategy)).toEqual(['hrtimer', 'vmx-preemption']);
  for (const r of runs) await expect(page.getByTestId(`run-row-${r.id}`)).toContainText(r.name);
  // History's own numbers match the API's list.
  await expect(page.getByTestId(`run-row-${hrId}`)).toContainText(fmtStat(runs[0]?.mean));
  await shot(page, testInfo, 'history');

  // Select both (hrtimer first: it becomes the baseline) and compare.
  await page.getByTestId(`run-row-${hrId}`).getByRole('checkbox').check();
  await page.getByTestId(`run-row-${vmxId}`).getByRole('checkbox').check();
  await expect(page.getByTestId('selection-count')).toHaveText(/^2 of/);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/compare/${hrId},${vmxId}$`));
  const view = page.getByTestId('compare-view');
  await expect(view).toHaveAttribute('data-state', 'ready');

  const cmp = await lab.call('compare', { ids: [hrId, vmxId] });
  expect(cmp.baseline).toBe(hrId);
  expect(cmp.unit).toBe('cycles');
  await expectCompareMatchesApi(page, cmp);
  const hr = cmp.runs.find((r) => r.id === hrId);
  const vmx = cmp.runs.find((r) => r.id === vmxId);
  if (!hr || !vmx) throw new Error('compare result misses a run');
  // The preemption timer saves about a quarter of the hrtimer path's latency in busy-wait.
  const saving = ((hr.mean ?? NaN) - (vmx.mean ?? NaN)) / (hr.mean ?? NaN);
  testInfo.annotations.push({ type: 'vmx-preemption mean vs hrtimer', description: `${(-saving * 100).toFixed(2)} %` });
  expect(saving).toBeGreaterThan(0.2);
  expect(saving).toBeLessThan(0.3);
  await expect(page.getByTestId(`cmp-${vmxId}-mean-pct`)).toHaveText(`${(vmx.deltaPct.mean ?? NaN).toFixed(2)} %`);
  // p-value and verdict in the shared wording ("p < 1e-15", never "p = < 1e-15", "0" or "0.00e+0").
  await expect(page.getByTestId(`cmp-${vmxId}-pvalue`)).toHaveText(formatPValue(vmx.pValue));
  await expect(page.locator('td.verdict', { has: page.getByTestId(`cmp-${vmxId}-pvalue`) })).not.toContainText('= <');
  await expect(page.getByTestId(`cmp-${vmxId}-verdict`)).toHaveText(verdict(vmx, cmp.baseline, cmp.noiseThresholdPct));
  expect(vmx.significant, 'busy-wait: the preemption timer differs from hrtimer').toBe(true);
  // Both intervals of the difference in the shared format; the baseline has none.
  expect(vmx.ci95P99).not.toBeNull();
  await expect(page.getByTestId(`cmp-${vmxId}-ci95`)).toHaveText(intervalText(vmx.ci95));
  await expect(page.getByTestId(`cmp-${vmxId}-ci95-p99`)).toHaveText(intervalText(vmx.ci95P99));
  await expect(page.getByTestId(`cmp-${hrId}-ci95-p99`)).toHaveCount(0);
  for (const chart of ['cmp-histogram', 'cmp-cdf', 'cmp-critical-path']) await expectChartDrawn(page.getByTestId(chart));
  await shot(page, testInfo, 'compare');
});

test('exports from the compare view: PNG, SVG, CSV and the HTML report', async ({ page, lab }) => {
  const name = `e2e export ${Date.now().toString(36)}`;
  const ids = await lab.simulate({ name, workload: 'tscdeadline-busy', samples: 20_000 });
  const runs = await Promise.all(ids.map((id) => lab.call('runs:get', { id })));
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready');
  const hist = page.getByTestId('cmp-histogram');
  await expect(hist.locator('canvas')).toBeVisible();

  // PNG of the histogram chart.
  let dl = page.waitForEvent('download');
  await hist.getByRole('button', { name: /as PNG$/ }).click();
  const png = await dl;
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const pngBytes = await readDownload(png);
  expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(pngBytes.length).toBeGreaterThan(5 * 1024);

  // SVG: well-formed for the browser's XML parser, with a viewBox.
  dl = page.waitForEvent('download');
  await hist.getByRole('button', { name: /as SVG$/ }).click();
  const svgDl = await dl;
  expect(svgDl.suggestedFilename()).toMatch(/\.svg$/);
  const svg = (await readDownload(svgDl)).toString('utf8');
  expect(svg.trimStart()).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
  const parsed = await page.evaluate((text) => {
    interface El {
      nodeName: string;
      getAttribute(n: string): string | null;
    }
    interface Doc {
      documentElement: El;
      getElementsByTagName(n: string): { length: number };
    }
    const P = (globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, t: string): Doc } }).DOMParser;
    const doc = new P().parseFromString(text, 'image/svg+xml');
    return {
      root: doc.documentElement.nodeName,
      viewBox: doc.documentElement.getAttribute('viewBox'),
      errors: doc.getElementsByTagName('parsererror').length,
    };
  }, svg);
  expect(parsed).toEqual({ root: 'svg', viewBox: expect.stringMatching(/^[\d.]+ [\d.]+ [\d.]+ [\d.]+$/), errors: 0 });

  // CSV of the comparison table: a header and one row per run.
  dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export comparison table as CSV' }).click();
  const csv = (await readDownload(await dl)).toString('utf8');
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1 + ids.length);
  expect(lines[0]).toMatch(/^"?run id"?,"?name"?/);
  expect(lines[0]).toContain('mean (cycles)');
  expect(lines[0]).toContain(`${CI_P99_LABEL}: low (cycles)`);
  ids.forEach((id, i) => expect(lines[i + 1]).toMatch(new RegExp(`^"?${id}"?,`)));

  // The self-contained HTML report: inline SVG charts, the run names, no script.
  dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export report' }).click();
  const report = await dl;
  expect(report.suggestedFilename()).toMatch(/\.html?$/);
  const html = (await readDownload(report)).toString('utf8');
  expect(html).toContain('<svg');
  for (const r of runs) expect(html).toContain(r.name.replace(/&/g, '&amp;'));
  expect(html.toLowerCase()).not.toContain('<script');
});
