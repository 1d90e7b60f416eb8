// Sweep view: delta on tscdeadline-busy for both strategies → one experiment of 6 runs → chart
// and table, numbers checked against the API; CSV export; reopened from History.
import type { RunDetail } from '../../src-shared/contract.js';
import { expect, expectChartDrawn, fmtStat, openApp, readDownload, shot, test } from './fixtures.js';

const VALUES = [100_000, 200_000, 400_000];

test('sweep of delta on tscdeadline-busy: chart, table equal to the API, vmx-preemption below hrtimer', async ({ page, lab }, testInfo) => {
  await openApp(page, '#/history');
  // The `s` shortcut opens the view.
  await page.locator('main h1').click();
  await page.keyboard.press('s');
  await expect(page.getByRole('heading', { level: 1, name: 'Sweep' })).toBeVisible();
  await expect(page).toHaveURL(/#\/sweep$/);
  await expect(page.getByRole('button', { name: 'Sweep', exact: true })).toHaveAttribute('aria-current', 'page');

  await page.getByLabel('Workload').selectOption('tscdeadline-busy');
  await page.getByLabel('Parameter', { exact: true }).selectOption('delta');
  const values = page.getByLabel('Values', { exact: true });
  // Inline validation: a value below the limit and a single value are refused.
  await values.fill('500, 200000');
  await expect(page.locator('#sweep-values-err')).toContainText('"500": must be between 1000');
  await expect(page.getByRole('button', { name: 'Run sweep' })).toBeDisabled();
  await values.fill('100000');
  await expect(page.locator('#sweep-values-err')).toContainText('at least 2 values');
  await values.fill(VALUES.join(', '));
  await expect(page.locator('#sweep-values-err')).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: /^hrtimer/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /^VMX preemption timer/ })).toBeChecked();
  await expect(page.getByLabel('Samples', { exact: true })).toHaveValue('5000');
  await page.getByLabel('Samples', { exact: true }).fill('3000');
  await expect(page.getByTestId('sweep-summary')).toContainText('6 runs: 3 values of delta × 2 strategies');

  const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const body = (await (await submitted).json()) as { ok: boolean; result: { experimentId: number; runIds: number[] } };
  expect(body.ok).toBe(true);
  const { experimentId, runIds } = body.result;
  expect(runIds).toHaveLength(6);
  await expect(page).toHaveURL(new RegExp(`#/sweep/${experimentId}$`));

  const view = page.getByTestId('sweep-view');
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expectChartDrawn(page.getByTestId('sweep-chart'));

  // The API's view of the same runs.
  const runs: RunDetail[] = await lab.waitForRuns(runIds, ['done'], 10_000);
  expect(runs.every((r) => r.experimentId === experimentId)).toBe(true);
  expect(runs.map((r) => r.config?.params.delta).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([...VALUES, ...VALUES].sort((a, b) => a - b));
  expect(runs.every((r) => r.samples === 3000 && r.workload === 'tscdeadline-busy')).toBe(true);

  const rows = page.getByTestId('sweep-table').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  for (const r of runs) {
    const mean = r.summary?.latency.mean;
    expect(mean, `summary of run ${r.id}`).toEqual(expect.any(Number));
    await expect(page.getByTestId(`sweep-${r.id}-value`)).toHaveText(fmtStat(r.config?.params.delta));
    await expect(page.getByTestId(`sweep-${r.id}-strategy`)).toHaveText(r.strategy);
    await expect(page.getByTestId(`sweep-${r.id}-mean`), `mean of run ${r.id}`).toHaveText(fmtStat(mean));
    await expect(page.getByTestId(`sweep-${r.id}-p99`)).toHaveText(fmtStat(r.summary?.latency.p99));
    await expect(page.getByTestId(`sweep-row-${r.id}`).getByRole('link', { name: `Open run ${r.id}` })).toHaveAttribute('href', `#/run/${r.id}`);
  }
  // Rows sorted by value, hrtimer first.
  const order = runs
    .slice()
    .sort((a, b) => (a.config?.params.delta ?? 0) - (b.config?.params.delta ?? 0) || a.strategy.localeCompare(b.strategy))
    .map((r) => `sweep-row-${r.id}`);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual(order);

  // The preemption timer beats the hrtimer path at every delta.
  for (const v of VALUES) {
    const at = (s: string): number => runs.find((r) => r.config?.params.delta === v && r.strategy === s)?.summary?.latency.mean ?? NaN;
    const hr = at('hrtimer');
    const vmx = at('vmx-preemption');
    testInfo.annotations.push({ type: `delta ${v}`, description: `hrtimer ${hr.toFixed(1)}, vmx-preemption ${vmx.toFixed(1)} cycles` });
    expect(vmx, `vmx-preemption mean at delta ${v}`).toBeLessThan(hr);
  }
  // Screenshot once the queue panel has let go of the finished runs.
  await expect(page.getByTestId('queue')).toHaveCount(0, { timeout: 8_000 });
  await shot(page, testInfo, 'sweep-1d');

  // CSV of the table: a header and one row per run, with the run ids.
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export sweep table as CSV' }).click();
  const csv = (await readDownload(await dl)).toString('utf8');
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(7);
  expect(lines[0]).toMatch(/^"?delta \(guest cycles\)"?,strategy,seed,mean \(cycles\)/);
  expect(lines[1]).toMatch(/^100000,hrtimer,1,/);
  for (const r of runs) expect(csv).toContain(`,${r.id},done`);

  // Reopened from History: the sweep's runs carry an "Open … as sweep" button.
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const first = runs[0] as RunDetail;
  await page.getByTestId(`run-row-${first.id}`).getByRole('button', { name: /as sweep$/ }).click();
  await expect(page).toHaveURL(new RegExp(`#/sweep/${experimentId}$`));
  await expect(view).toHaveAttribute('data-state', 'ready');
  await expect(rows).toHaveCount(6);
  await expectChartDrawn(page.getByTestId('sweep-chart'));
});

test('two-parameter sweep: a heat map of the difference between strategies; a switch swept with repeats; no-effect warning', async ({ page, lab }, testInfo) => {
  await openApp(page, '#/sweep');
  await page.getByLabel('Workload').selectOption('cyclictest');
  // Sweeping the host interrupt rate with host noise off changes nothing: the form says so.
  await page.getByLabel('Parameter', { exact: true }).selectOption('hostIrqRateHz');
  await expect(page.getByTestId('sweep-no-effect')).toContainText('hostIrqRateHz acts only while hostNoise is on');
  await page.getByLabel('Fixed settings').fill('hostNoise=on');
  await expect(page.getByTestId('sweep-no-effect')).toHaveCount(0);
  await page.getByLabel('Fixed settings').fill('');

  // Host noise itself is sweepable (a switch), here with 2 seeds per point.
  await page.getByLabel('Parameter', { exact: true }).selectOption('hostNoise');
  await expect(page.getByLabel('Values', { exact: true })).toHaveValue('off, on');
  await page.getByLabel('Samples', { exact: true }).fill('1500');
  await page.getByLabel('Repeat', { exact: true }).fill('2');
  await expect(page.getByTestId('sweep-summary')).toContainText('8 runs: 2 values of hostNoise × 2 strategies × 2 seeds');
  let submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Run sweep' }).click();
  let body = (await (await submitted).json()) as { result: { experimentId: number; runIds: number[] } };
  const noise = await lab.waitForRuns(body.result.runIds, ['done'], 90_000);
  expect(noise.map((r) => r.config?.params.hostNoise).sort()).toEqual([false, false, false, false, true, true, true, true]);
  expect(new Set(noise.map((r) => r.seed))).toEqual(new Set([1, 2]));
  const view = page.getByTestId('sweep-view');
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expectChartDrawn(page.getByTestId('sweep-chart'));
  await expect(page.getByTestId('sweep-chart').getByRole('button', { name: /as SVG$/ })).toBeVisible();
  let dl = page.waitForEvent('download');
  await page.getByTestId('sweep-chart').getByRole('button', { name: /as SVG$/ }).click();
  const svg = (await readDownload(await dl)).toString('utf8');
  expect(svg).toContain('class="band"'); // repeats: the 95 % band across runs
  expect(svg).toContain('>off<');
  expect(svg).toContain('>on<');

  // Two parameters: delta × X on tscdeadline-busy, both strategies → a heat map with one cell per pair.
  await openApp(page, '#/sweep');
  await page.getByLabel('Workload').selectOption('tscdeadline-busy');
  await page.getByLabel('Parameter', { exact: true }).selectOption('delta');
  await page.getByLabel('Values', { exact: true }).fill('100000, 400000');
  await page.getByLabel('Second parameter').selectOption('X');
  await page.getByLabel('Second values').fill('2, 6, 10');
  await page.getByLabel('Repeat', { exact: true }).fill('1');
  await page.getByLabel('Samples', { exact: true }).fill('2000');
  await expect(page.getByTestId('sweep-no-effect')).toContainText('hrtimer does not read X');
  await expect(page.getByTestId('sweep-summary')).toContainText('12 runs: 2 values of delta × 3 of X × 2 strategies');
  submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Run sweep' }).click();
  body = (await (await submitted).json()) as { result: { experimentId: number; runIds: number[] } };
  const runs = await lab.waitForRuns(body.result.runIds, ['done'], 90_000);
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  const heat = page.getByTestId('sweep-chart').locator('svg');
  await expect(heat).toHaveAttribute('data-cells', '6');
  // Each cell is mean(vmx-preemption) − mean(hrtimer) at its pair, as the API has them.
  const mean = (d: number, x: number, s: string) => runs.find((r) => r.config?.params.delta === d && r.config?.profile.X === x && r.strategy === s)!.summary!.latency.mean;
  const cell = heat.locator('rect.cell').first();
  await expect(cell.locator('title')).toContainText(`delta 100,000, X 2: `);
  const text = (await cell.locator('title').textContent()) ?? '';
  const shown = Number(text.split(': ').at(-1)!.replace(/,/g, ''));
  expect(shown).toBeCloseTo(mean(100_000, 2, 'vmx-preemption') - mean(100_000, 2, 'hrtimer'), 0);
  // The x labels do not overlap.
  const labels = await heat.locator('text.x-tick').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.right]; }));
  for (let i = 1; i < labels.length; i++) expect(labels[i]![0]).toBeGreaterThan(labels[i - 1]![1]);
  await expect(page.getByTestId('queue')).toHaveCount(0, { timeout: 8_000 });
  await shot(page, testInfo, 'sweep-2d');
  dl = page.waitForEvent('download');
  await page.getByTestId('sweep-chart').getByRole('button', { name: /as PNG$/ }).click();
  expect((await readDownload(await dl)).subarray(1, 4).toString()).toBe('PNG');
});
