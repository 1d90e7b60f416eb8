// Importing a cyclictest histogram through the app's file picker (one run per thread plus the
// merged run), comparing it with a simulated cyclictest run (unit ns), the unit choice, a
// summary-only file shown without invented statistics, runs that measure different things
// compared without a verdict, and a malformed file that is refused with its line number.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectChartDrawn, fmtStat, openApp, server, shot, test } from './fixtures.js';
import { REPO_ROOT, sharedSample } from './paths.js';

const SAMPLE = sharedSample('cyclictest-histogram-4threads-h400.txt');

async function importedRunId(page: Page, fileName: string): Promise<number> {
  const status = page.getByTestId('import-status');
  // "Already imported …" when a retry meets the runs of the first attempt (same file, same SHA-256)
  await expect(status).toContainText(new RegExp(`(Imported|Already imported) ${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), { timeout: 30_000 });
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
  // one run per thread beside the merged one, all in the file's experiment
  await expect(page.getByTestId('import-status')).toContainText(`5 runs`);
  const siblings = (await lab.call('runs:list', { experimentId: imported.experimentId, limit: 10 })).sort((a, b) => a.id - b.id);
  expect(siblings.map((r) => r.name.split(' · ')[1])).toEqual(['all 4 threads', 'thread 0', 'thread 1', 'thread 2', 'thread 3']);
  for (const r of siblings) await expect(page.getByTestId(`run-row-${r.id}`)).toBeVisible();
  await shot(page, testInfo, 'history-imported');

  // Run detail of the merged run: what it measures, its context and the per-thread table
  await page.goto(`${server().url}#/run/${importedId}`);
  await expect(page.getByTestId('run-measures')).toContainText('wake-up latency');
  await expect(page.getByTestId('ctx-gaps')).toContainText('kernel');
  await expect(page.getByTestId('measured-sources').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('measured-sources')).toContainText('thread 3');
  await shot(page, testInfo, 'run-detail-imported');
  await openApp(page, '#/history');

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
  await expect(view.locator('table.cmp > tbody')).toHaveCount(2); // one row group per run (numbers, then its verdict)
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

test('the unit choice reads cyclictest -N text as ns; a status file shows "—" for what it does not give', async ({ page, lab }) => {
  await openApp(page, '#/history');
  const name = `ns-${Date.now().toString(36)}.txt`;
  await page.getByTestId('import-unit').selectOption('ns');
  await page.getByLabel('Import file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('# Histogram\n000000 000000\n000001 000007\n000002 000001\n# Total: 000000008\n') });
  const nsId = await importedRunId(page, name);
  const ns = await lab.call('runs:get', { id: nsId });
  expect(ns.summary?.latency.max).toBe(2); // 2 ns, read in the unit chosen
  expect(ns.measurement?.context.resolutionNote).toContain('ns');

  await page.getByTestId('import-unit').selectOption('us');
  const statusName = `status-${Date.now().toString(36)}.txt`;
  await page.getByLabel('Import file').setInputFiles({ name: statusName, mimeType: 'text/plain', buffer: Buffer.from('T: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650\n') });
  const statusId = await importedRunId(page, statusName);
  await page.goto(`${server().url}#/run/${statusId}`);
  for (const k of ['p50', 'p90', 'p99', 'p999', 'stddev']) await expect(page.getByTestId(`stat-${k}-ns`)).toHaveText('—');
  await expect(page.getByTestId('stat-max-ns')).toHaveText(fmtStat(1_650_000));
  await expect(page.getByTestId('detail-histogram-none')).toContainText('No distribution');
});

test('a host trace compared with a simulated tscdeadline run: side by side, no verdict, contexts listed', async ({ page, lab }) => {
  const text = readFileSync(join(REPO_ROOT, 'tests', 'fixtures', 'imports', 'trace-cmd-ns-new-kvm-exit.txt'), 'utf8');
  const name = `trace-${Date.now().toString(36)}.txt`;
  await openApp(page, '#/history');
  await page.getByLabel('Import file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(`${text}# ${name}\n`) });
  const traceId = await importedRunId(page, name);
  const [simId] = (await lab.simulate({ name: `e2e halt ${Date.now().toString(36)}`, workload: 'tscdeadline-halt', samples: 2000, strategies: ['hrtimer'] })) as [number];
  await page.goto(`${server().url}#/compare/${simId},${traceId}`);
  const view = page.getByTestId('compare-view');
  await expect(view).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId(`cmp-${traceId}-verdict`)).toHaveText('no verdict or p-value: they measure different things (guest deadline → ISR vs host expiry → VM entry)');
  await expect(page.getByTestId(`cmp-${traceId}-pvalue`)).toHaveCount(0);
  await expect(page.getByTestId('compare-warnings')).toContainText('these runs measure different things');
  await expect(page.getByTestId('compare-context')).toContainText('TSC rate estimated');
});

test('a file dropped on History is imported; the region is marked only while a file is dragged over it', async ({ page }) => {
  await openApp(page, '#/history');
  const region = page.getByTestId('history-drop');
  const text = readFileSync(SAMPLE, 'utf8');
  // Built in the page (the test's own types have no DOM): a drag carrying the histogram file.
  const transfer = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(basename(SAMPLE))}, { type: 'text/plain' }));
    return dt;
  })()`);
  await region.dispatchEvent('dragover', { dataTransfer: transfer });
  await expect(region).toHaveClass(/\bdrag\b/);
  await expect(page.getByText('Drop the file to import it')).toBeVisible();
  await region.dispatchEvent('dragleave', { dataTransfer: transfer });
  await expect(region).not.toHaveClass(/\bdrag\b/);
  await region.dispatchEvent('dragover', { dataTransfer: transfer });
  await region.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(region).not.toHaveClass(/\bdrag\b/);
  const id = await importedRunId(page, basename(SAMPLE));
  await expect(page.getByTestId(`run-row-${id}`)).toBeVisible();
});
