// The run detail view of a finished, traced run: stats = the API's summary, exits, trace chart.
import { expect, expectChartDrawn, fmtStat, openApp, shot, test } from './fixtures.js';
import { EXIT_TABLE_LIMITS, exitReasonTable, sharePctText } from '../../src-shared/exit-reason-rows.js';

const STAT_KEYS = ['mean', 'min', 'p50', 'p90', 'p99', 'p999', 'max', 'stddev'] as const;

test('run detail of a traced run: stats equal runs:get, exit reasons, trace timeline', async ({ page, lab }, testInfo) => {
  const [id] = (await lab.simulate({ name: `e2e traced ${Date.now().toString(36)}`, workload: 'tscdeadline-halt', samples: 20_000, strategies: ['hrtimer'], trace: true })) as [number];
  const run = await lab.call('runs:get', { id });
  expect(run.hasTrace).toBe(true);
  const s = run.summary;
  if (!s) throw new Error('finished run without summary');

  await openApp(page, `#/run/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: run.name })).toBeVisible();
  await expect(page.getByTestId('status-badge').first()).toHaveText('done');

  for (const k of STAT_KEYS) {
    await expect(page.getByTestId(`stat-${k}-${s.latency.unit}`), `${k} (${s.latency.unit})`).toHaveText(fmtStat(s.latency[k] as number));
    await expect(page.getByTestId(`stat-${k}-${s.latencyNs.unit}`), `${k} (${s.latencyNs.unit})`).toHaveText(fmtStat(s.latencyNs[k] as number));
  }
  expect(s.latency.unit).toBe('cycles');
  expect(s.latencyNs.unit).toBe('ns');

  // Exit reasons: one row per reason with the API's counts.
  const exits = Object.entries(s.exits);
  expect(exits.length).toBeGreaterThan(0);
  const exitTable = page.getByRole('table', { name: 'Exit reasons' });
  await expect(exitTable.locator('tbody tr')).toHaveCount(exits.length);
  for (const [reason, e] of exits) {
    await expect(page.getByTestId(`exit-${reason}-count`)).toHaveText(Math.round(e.count).toLocaleString('en-US'));
    await expect(page.getByTestId(`exit-${reason}-cycles`)).toHaveText(Math.round(e.hostCycles).toLocaleString('en-US'));
  }
  // and each reason's share of the exits and of the exit time, from the same sums
  for (const e of exitReasonTable(s.exits).rows) {
    await expect(page.getByTestId(`exit-${e.reason}-count-pct`)).toHaveText(sharePctText(e.countPct));
    await expect(page.getByTestId(`exit-${e.reason}-time-pct`)).toHaveText(sharePctText(e.timePct));
  }
  await expect(page.getByTestId('exit-limits-note')).toContainText(EXIT_TABLE_LIMITS);
  await expect(page.getByTestId('overhead-per-event')).toHaveText(fmtStat(s.overheadCyclesPerTimerEvent));

  // Charts: histogram and the trace timeline are drawn on canvases.
  await expectChartDrawn(page.getByTestId('detail-histogram'));
  await expectChartDrawn(page.getByTestId('detail-critical-path'));
  await expectChartDrawn(page.getByTestId('detail-trace'), 100);
  const traceCanvas = page.getByTestId('detail-trace').locator('canvas');
  await expect(traceCanvas).toBeVisible();
  const size = await traceCanvas.evaluate((c) => ({ w: (c as unknown as { width: number }).width, h: (c as unknown as { height: number }).height }));
  expect(size.w).toBeGreaterThan(100);
  expect(size.h).toBeGreaterThan(100);
  const trace = await lab.call('runs:trace', { id, limit: 400 });
  expect(trace.length).toBeGreaterThan(0);
  // The timeline zooms in time: drag across a tenth of it.
  const traceFig = page.getByTestId('detail-trace');
  await traceFig.scrollIntoViewIfNeeded();
  const full = ((await traceCanvas.getAttribute('data-x-range')) ?? '').split(' ').map(Number);
  const left = Number(await traceCanvas.getAttribute('data-plot-left'));
  const width = Number(await traceCanvas.getAttribute('data-plot-width'));
  const top = Number(await traceCanvas.getAttribute('data-plot-top'));
  const box = (await traceCanvas.boundingBox())!;
  await page.mouse.move(box.x + left + width * 0.1, box.y + top + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + left + width * 0.2, box.y + top + 22, { steps: 5 });
  await page.mouse.up();
  await expect(traceFig).toHaveAttribute('data-zoomed', 'true');
  const zoomed = ((await traceCanvas.getAttribute('data-x-range')) ?? '').split(' ').map(Number);
  expect(zoomed[1]! - zoomed[0]!).toBeLessThan((full[1]! - full[0]!) / 5);
  await traceFig.getByRole('button', { name: /^Reset zoom/ }).click();
  await expect(traceFig).toHaveAttribute('data-zoomed', 'false');

  // Where the cycles go: groups in execution order, a group opens into its steps.
  const path = page.getByTestId('detail-critical-path');
  const keys = await path.locator('tbody tr[data-testid^="path-row-"]').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-testid')));
  expect(keys).toEqual(['path-row-host-irq', 'path-row-hrtimer', 'path-row-inject', 'path-row-entry', 'path-row-guest']);
  await path.getByRole('button', { name: /host IRQ/ }).click();
  await expect(path.getByTestId('path-row-host_irq_dispatch')).toBeVisible();
  await expect(path.getByTestId('path-row-host_irq_dispatch')).toContainText(fmtStat(s.criticalPath.host_irq_dispatch));
  await page.getByTestId('detail-trace').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'run-detail');
});
