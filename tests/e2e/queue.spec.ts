// A long run shows progress in the queue and can be cancelled from there.
import { expect, openApp, shot, test } from './fixtures.js';

test('cancel a 20M-sample (the maximum) run from the queue: it ends cancelled in History and in the API', async ({ page, lab }, testInfo) => {
  await openApp(page, '#/new');
  await page.getByRole('button', { name: /^tscdeadline halt/ }).click();
  await page.getByLabel('Name', { exact: true }).fill(`e2e long ${Date.now().toString(36)}`);
  await page.getByLabel('Samples', { exact: true }).fill('20000000');
  await page.getByRole('checkbox', { name: /^VMX preemption timer/ }).uncheck();
  await expect(page.getByText('1 run(s) of tscdeadline-halt')).toBeVisible();

  const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const body = (await (await submitted).json()) as { ok: boolean; result: { runIds: number[] } };
  expect(body.result.runIds).toHaveLength(1);
  const id = body.result.runIds[0] as number;

  // Progress shows up in the queue panel.
  const entry = page.getByTestId(`queue-run-${id}`);
  const bar = entry.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { message: 'progress above 0 %', timeout: 30_000 })
    .toBeGreaterThan(0);
  await expect(entry).toContainText(/\/ 20,000,000 samples/);
  await expect(entry.locator('.badge')).toHaveText('running');
  // The queue names the run as History and the API do.
  const apiName = (await lab.call('runs:get', { id })).name;
  await expect(entry.locator('strong')).toHaveText(apiName);
  await expect(page.getByTestId(`run-row-${id}`).locator('.run-link')).toHaveText(apiName);
  const pct = Number(await bar.getAttribute('aria-valuenow'));
  expect(pct).toBeLessThan(100);
  await shot(page, testInfo, 'queue');

  // Cancel: the run ends `cancelled` within a few seconds, with the samples it finished; its queue entry says so, then leaves.
  const t0 = Date.now();
  await entry.getByRole('button', { name: /^Cancel run / }).click();
  const [run] = await lab.waitForRuns([id], ['cancelled'], 5_000);
  const ms = Date.now() - t0;
  await expect(entry.locator('.badge')).toHaveText('cancelled', { timeout: 5_000 });
  await expect(page.getByTestId(`run-row-${id}`).getByTestId('status-badge')).toHaveText('cancelled', { timeout: 5_000 });
  await expect(entry).toHaveCount(0, { timeout: 8_000 });
  console.log(`[e2e] run ${id} cancelled at ${pct} % → status cancelled after ${ms} ms`);
  testInfo.annotations.push({ type: 'cancel latency', description: `${ms} ms (cancelled at ${pct} %)` });
  expect(run?.status).toBe('cancelled');
  // It keeps the samples it finished, counted as they are, not the 20 M asked for.
  expect(run?.summary?.stoppedBy).toBe('cancelled');
  const kept = run?.summary?.samples ?? 0;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(20_000_000);
  expect(run?.samples).toBe(kept);
  await expect(page.getByTestId(`run-row-${id}`)).toContainText(kept.toLocaleString('en-US'));
  await page.getByTestId(`run-row-${id}`).locator('.run-link').click();
  await expect(page.getByTestId('run-cancelled')).toContainText(`${kept.toLocaleString('en-US')} samples it finished of the 20,000,000 asked for`);
  expect(ms).toBeLessThan(5_000);
});

test('runs that finish at once do not linger in the queue', async ({ page, lab }) => {
  // A 1-sample run can finish before the submit answer reaches the page; it must not come back
  // as "queued" when the page then seeds the queue with the runs it submitted.
  await openApp(page, '#/new');
  for (let i = 0; i < 4; i++) {
    await page.getByRole('button', { name: /^tscdeadline busy-wait/ }).click();
    await page.getByLabel('Samples', { exact: true }).fill('1');
    const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const body = (await (await submitted).json()) as { ok: boolean; result: { runIds: number[] } };
    const runs = await lab.waitForRuns(body.result.runIds, ['done']);
    for (const r of runs) await expect(page.getByTestId(`run-row-${r.id}`).getByTestId('status-badge')).toHaveText('done');
    // finished runs show their final state briefly, never "queued" or "running" again, then leave
    for (const r of runs) {
      await expect(page.getByTestId(`queue-run-${r.id}`).locator('.badge.queued, .badge.running')).toHaveCount(0);
    }
    await expect(page.getByTestId('queue'), `queue after submission ${i + 1}`).toHaveCount(0, { timeout: 8_000 });
    await expect(page.getByText(/\d+ running/)).toHaveCount(0);
    await page.getByRole('button', { name: 'New experiment' }).click();
  }
});
