// Run detail of a simulated SKX run on kernel 6.8 with posted-timer (which falls back to the hv
// timer there): the modelled host, the warning, the overhead figures, perf kvm stat columns, the
// worst samples and one of them replayed as an event window (a drag across the histogram zooms
// and opens none); a run of another engine version is refused with the reason; Expand all opens
// the critical path's group of unknown steps too.
import Database from 'better-sqlite3';
import { expect, expectChartDrawn, fmtStat, openApp, shot, test, type LabClient } from './fixtures.js';

async function postedOnSkx(lab: LabClient, name: string): Promise<number> {
  const res = await lab.call('experiments:submit', {
    name,
    runs: [{ workload: 'tscdeadline-halt', strategy: 'posted-timer', profile: 'SKX', samples: 3000, seed: 3, set: { kernel: '6.8' } }],
  });
  await lab.waitForRuns(res.runIds);
  return res.runIds[0]!;
}

test('a simulated SKX run shows its host, warning, overhead figures, perf kvm stat columns and a replayed worst sample', async ({ page, lab }, testInfo) => {
  const id = await postedOnSkx(lab, `e2e host ${Date.now().toString(36)}`);
  const s = (await lab.call('runs:get', { id })).summary!;
  expect(s.host).toEqual({ kernel: '6.8', vendor: 'intel', apicv: true, mitigations: true });
  expect(s.warnings?.some((w) => w.includes('falls back to the hv timer'))).toBe(true);

  await openApp(page, `#/run/${id}`);
  await expect(page.getByTestId('run-host')).toHaveText('Host modelled: SKX · kernel 6.8 · intel · APICv on · mitigations on');
  const warnings = page.getByTestId('run-warnings');
  await expect(warnings.locator('li')).toHaveCount(s.warnings!.length);
  await expect(warnings).toContainText('posted-timer falls back to the hv timer');

  await expect(page.getByTestId('overhead-spinCyclesPerTimerEvent')).toHaveText(fmtStat(s.spinCyclesPerTimerEvent));
  await expect(page.getByTestId('overhead-housekeepingCyclesPerTimerEvent')).toHaveText(fmtStat(s.housekeepingCyclesPerTimerEvent));
  await expect(page.getByText('wait_lapic_expire busy-waits')).toBeVisible();

  const exitTable = page.getByRole('table', { name: 'Exit reasons' });
  for (const h of ['Samples', 'Samples%', 'Time%', 'Avg time']) await expect(exitTable.getByRole('columnheader', { name: h, exact: true })).toBeVisible();
  const hlt = s.exits.HLT!.perfKvmStat!;
  await expect(page.getByTestId('perf-HLT-samples')).toHaveText(hlt.samples.toLocaleString('en-US'));
  await expect(page.getByTestId('perf-HLT-avg')).toHaveText(`${hlt.meanUs.toFixed(2)} µs`);

  // Worst samples: the API's ten largest, largest first.
  const worst = await lab.call('runs:worst', { id, n: 10 });
  const panel = page.getByTestId('worst-samples');
  await expect(panel.getByTestId('worst-index')).toHaveText(worst.map((w) => String(w.index)));
  await expect(panel.getByTestId('worst-value')).toHaveText(worst.map((w) => w.value.toLocaleString('en-US')));

  // Replay the third worst; hold the answer back a little so the progress can be seen.
  const pick = worst[2]!;
  await page.route(/\/api\/call\/runs(:|%3A)sampleTrace$/, async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await panel.getByRole('button', { name: `Show the events of sample ${pick.index}`, exact: true }).click();
  await expect(page.getByTestId('sample-replay-progress')).toBeVisible();
  const win = page.getByTestId('sample-window');
  await expect(win).toHaveAttribute('data-index', String(pick.index));
  await expect(page.getByTestId('sample-replay-progress')).toHaveCount(0);
  const replay = await lab.call('runs:sampleTrace', { id, index: pick.index });
  expect(replay.value).toBe(pick.value);
  const rows = page.getByTestId('sample-window-events').locator('tbody tr');
  await expect(rows).toHaveCount(replay.events.length + 1); // the events and the deadline line
  await expect(page.getByTestId('sample-window-deadline')).toHaveCount(1);
  // before the deadline: its arming (a negative time); the last event, after it
  await expect(rows.first().locator('td').first()).toHaveText(/^-\d+\.\d{3}$/);
  await expect(rows.last().locator('td').first()).toHaveText(/^\+\d+\.\d{3}$/);
  await expect(rows.first().locator('td').nth(4)).toHaveText(replay.events[0]!.event);
  await expect(rows.first().locator('td').nth(3)).toHaveText(`qemu-system-x86-${replay.events[0]!.pid}`);
  await expectChartDrawn(page.getByTestId('sample-window-timeline'));
  await shot(page, testInfo, 'run-detail-host-worst-samples');
});

test('a click in the histogram tail opens the worst sample nearest it, and a click before the tail says where it starts', async ({ page, lab }) => {
  const id = await postedOnSkx(lab, `e2e tail click ${Date.now().toString(36)}`);
  const worst = await lab.call('runs:worst', { id, n: 100 });
  await openApp(page, `#/run/${id}`);
  const canvas = page.getByTestId('detail-histogram').locator('canvas');
  await expectChartDrawn(page.getByTestId('detail-histogram'));
  const box = (await canvas.boundingBox())!;
  // far right of the plot: beyond every sample, so the largest one is nearest
  await canvas.click({ position: { x: box.width - 12, y: box.height / 2 } });
  await expect(page.getByTestId('tail-pick-note')).toContainText(`sample ${worst[0]!.index} (`);
  await expect(page.getByTestId('sample-window')).toHaveAttribute('data-index', String(worst[0]!.index));
  // the left edge of the plot is the body of the distribution, not its listed tail
  await canvas.click({ position: { x: 70, y: box.height / 2 } });
  await expect(page.getByTestId('tail-pick-note')).toContainText('only the 100 largest samples can be opened from the histogram');
});

test('a drag across the histogram zooms it and opens no sample', async ({ page, lab }) => {
  const id = await postedOnSkx(lab, `e2e histogram drag ${Date.now().toString(36)}`);
  await openApp(page, `#/run/${id}`);
  const fig = page.getByTestId('detail-histogram');
  const canvas = fig.locator('canvas');
  await expectChartDrawn(fig);
  await expect(page.getByTestId('worst-samples').getByTestId('worst-index')).toHaveCount(10);
  await fig.scrollIntoViewIfNeeded();
  const left = Number(await canvas.getAttribute('data-plot-left'));
  const width = Number(await canvas.getAttribute('data-plot-width'));
  const top = Number(await canvas.getAttribute('data-plot-top'));
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + left + width * 0.5, box.y + top + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + left + width * 0.95, box.y + top + 22, { steps: 5 });
  await page.mouse.up();
  await expect(fig).toHaveAttribute('data-zoomed', 'true');
  // the browser's click at the end of the drag is handled before the zoom shows; nothing opened
  await expect(page.getByTestId('tail-pick-note')).toHaveCount(0);
  await expect(page.getByTestId('sample-window')).toHaveCount(0);
  // the next click is a click again
  await canvas.click({ position: { x: left + width - 4, y: top + 20 } });
  await expect(page.getByTestId('tail-pick-note')).toBeVisible();
});

test('Expand all opens every group of the critical path, the one of unknown steps included', async ({ page, lab }) => {
  const id = await postedOnSkx(lab, `e2e path other ${Date.now().toString(36)}`);
  const db = new Database(process.env.E2E_DB!);
  db.prepare("UPDATE runs SET summary_json = json_set(summary_json, '$.criticalPath.vendor_extra_step', 123) WHERE id = ?").run(id);
  db.close();

  await openApp(page, `#/run/${id}`);
  const path = page.getByTestId('detail-critical-path');
  await expect(path.getByTestId('path-row-other')).toBeVisible();
  await expect(path.getByTestId('path-row-vendor_extra_step')).toHaveCount(0);
  await path.getByRole('button', { name: 'Expand all' }).click();
  await expect(path.getByTestId('path-row-vendor_extra_step')).toBeVisible();
});

test('a run simulated by another engine version lists its worst samples but refuses the replay, saying why', async ({ page, lab }) => {
  const id = await postedOnSkx(lab, `e2e old engine ${Date.now().toString(36)}`);
  const db = new Database(process.env.E2E_DB!);
  db.prepare("UPDATE runs SET summary_json = json_set(summary_json, '$.engineVersion', '0.9.0') WHERE id = ?").run(id);
  db.close();

  await openApp(page, `#/run/${id}`);
  const panel = page.getByTestId('worst-samples');
  await expect(panel.getByTestId('worst-index')).toHaveCount(10);
  const first = await panel.getByTestId('worst-index').first().textContent();
  await panel.getByRole('button', { name: `Show the events of sample ${first}`, exact: true }).click();
  const err = page.getByTestId('sample-replay-error');
  await expect(err).toContainText(`Sample ${first} cannot be replayed`);
  await expect(err).toContainText('engine 0.9.0');
  await expect(page.getByTestId('sample-window')).toHaveCount(0);
});
