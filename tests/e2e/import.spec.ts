// Importing a cyclictest histogram through the app's file picker, comparing it with a simulated
// cyclictest run (unit ns), and a malformed file that is refused with its line number.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectChartDrawn, fmtStat, openApp, shot, test } from './fixtures.js';
import { sharedSample } from './paths.js';

const SAMPLE = sharedSample('cyclictest-histogram-4threads-h400.txt');

async function importedRunId(page: Page, fileName: string): Promise<number> {
  const status = page.getByTestId('import-status');
  await expect(status).toContainText(`Imported ${fileName}`, { timeout: 30_000 });
  const m = /\(run (\d+)\)/.exec(await status.innerText());
  if (!m) throw new Error(`no run id in "${await status.innerText()}"`);
  return Number(m[1]);
}

test('import a cyclictest histogram, compare it with a simulated cyclictest run (ns)', async ({ page, lab }, testInfo) => {
  expect(existsSync(SAMPLE), `sample file ${SAMPLE} (../shared/samples beside the clone)`).toBe(true);
  await openApp(page, '#/history');
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();

  await page.getByLabel('Import file').setInputFiles(SAMPLE);
  const importedId = await importedRunId(page, basename(SAMPLE));
  const row = page.getByTestId(`run-row-${importedId}`);
  await expect(row).toBeVisible();
  await expect(row.locator('.badge.measured')).toHaveText('measured');
  await expect(row.getByTestId('status-badge')).toHaveText('done');
  const imported = await lab.call('runs:get', { id: importedId });
  expect(imported.kind).toBe('measured');
  expect(imported.source?.format).toBe('cyclictest-hist');
  expect(imported.source?.fileName).toBe(basename(SAMPLE));
  await expect(row).toContainText(fmtStat(imported.mean));
  await shot(page, testInfo, 'history-imported');

  // A simulated cyclictest run, through the API.
  const [simId] = (await lab.simulate({ name: `e2e cyclictest ${Date.now().toString(36)}`, workload: 'cyclictest', samples: 20_000, strategies: ['hrtimer'] })) as [number];
  const simRow = page.getByTestId(`run-row-${simId}`);
  await expect(simRow.getByTestId('status-badge')).toHaveText('done'); // History refreshes on run:finished
  await expect(simRow.locator('.badge.measured')).toHaveCount(0);

  await row.getByRole('checkbox').check();
  await simRow.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const view = page.getByTestId('compare-view');
  await expect(view).toHaveAttribute('data-state', 'ready');
  const cmp = await lab.call('compare', { ids: [importedId, simId] });
  expect(cmp.unit).toBe('ns');
  await expect(page.locator('#table-h')).toContainText('(ns;');
  for (const r of cmp.runs) {
    for (const stat of ['samples', 'mean', 'p50', 'p99', 'max'] as const) {
      await expect(page.getByTestId(`cmp-${r.id}-${stat}`), `${stat} of run ${r.id}`).toHaveText(fmtStat(r[stat]));
    }
  }
  // Deltas are shown for the run that is not the baseline (the API picks the baseline), in ns.
  const other = cmp.runs.find((r) => r.id !== cmp.baseline)?.id;
  await expect(page.getByTestId(`cmp-${other}-mean-abs`)).toContainText(' ns');
  await expect(view.locator('tbody tr')).toHaveCount(2);
  // Charts: both runs drawn; the simulated run's critical path (~26 steps in the legend) keeps a visible bar.
  for (const chart of ['cmp-histogram', 'cmp-cdf', 'cmp-critical-path']) await expectChartDrawn(page.getByTestId(chart));
  await shot(page, testInfo, 'compare-measured');
});

test('a malformed histogram is refused with the line number and adds no run', async ({ page, lab }) => {
  const before = await lab.call('runs:list', { limit: 10_000 });
  await openApp(page, '#/history');
  const bad = '# Histogram\n000000 000001\t000002\n000001 00000x\t000002\n000002 000003\t000004\n';
  await page.getByLabel('Import file').setInputFiles({ name: 'broken-hist.txt', mimeType: 'text/plain', buffer: Buffer.from(bad) });
  const status = page.getByTestId('import-status');
  await expect(status).toHaveAttribute('role', 'alert');
  await expect(status).toContainText('Could not import broken-hist.txt');
  await expect(status).toContainText(/line 3\b/);
  const after = await lab.call('runs:list', { limit: 10_000 });
  expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
  await expect(page.locator('tbody tr .badge.measured')).toHaveCount(before.filter((r) => r.kind === 'measured').length);
});
