// Time from the compare data arriving to the charts' first paint, for two 1M-sample runs.
// Reported (console + test report), not asserted against a threshold.
import { expect, openApp, shot, test } from './fixtures.js';

test('compare paint time for two 1,000,000-sample runs (reported)', async ({ page, lab }, testInfo) => {
  const ids = await lab.simulate({ name: `e2e 1M ${Date.now().toString(36)}`, workload: 'tscdeadline-halt', samples: 1_000_000 });
  expect(ids).toHaveLength(2);
  const t0 = Date.now();
  await openApp(page, `#/compare/${ids.join(',')}`);
  const view = page.getByTestId('compare-view');
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(view).toHaveAttribute('data-paint-ms', /\d/, { timeout: 30_000 });
  const wallMs = Date.now() - t0;
  const paintMs = Number(await view.getAttribute('data-paint-ms'));
  expect(Number.isFinite(paintMs) && paintMs >= 0, `data-paint-ms = ${paintMs}`).toBe(true);
  await expect(view.locator('canvas')).toHaveCount(4); // histograms, spectrum, difference by percentile, critical path
  for (const id of ids) await expect(page.getByTestId(`cmp-${id}-samples`)).toHaveText('1,000,000');
  console.log(`[e2e] compare of 2 × 1,000,000 samples: data-paint-ms = ${paintMs} ms (navigation to painted: ${wallMs} ms)`);
  testInfo.annotations.push({ type: 'paint ms (2 × 1M compare)', description: String(paintMs) });
  await testInfo.attach('paint-ms.json', { body: JSON.stringify({ runs: ids, samplesPerRun: 1_000_000, paintMs, navigationToPaintedMs: wallMs }, null, 2), contentType: 'application/json' });
  await shot(page, testInfo, 'compare-1M');
});
