// Every strategy and every workload of the registries is offered where a user looks for it: the
// New-experiment form, the Sweep form and the legend of a comparison (CLI help is checked in
// tests/unit/cli/registries.test.ts).
import { STRATEGIES, STRATEGY_INFO } from '../../src-shared/strategies.js';
import { WORKLOADS } from '../../src-shared/workloads.js';
import { expect, openApp, test } from './fixtures.js';

for (const [view, hash] of [
  ['New experiment', '#/new'],
  ['Sweep', '#/sweep'],
] as const) {
  test(`the ${view} form offers every workload and every strategy`, async ({ page }) => {
    await openApp(page, hash);
    const options = await page.getByLabel('Workload').locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(options.sort()).toEqual([...WORKLOADS].sort());
    for (const s of STRATEGIES) await expect(page.getByRole('checkbox', { name: STRATEGY_INFO[s].title, exact: true })).toBeVisible();
  });
}

test('a comparison of every strategy names each one in its chart legends, in its own colour', async ({ page, lab }) => {
  const ids = await lab.simulate({ name: `e2e registry ${Date.now().toString(36)}`, workload: 'tscdeadline-busy', samples: 2_000, strategies: [...STRATEGIES] });
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  const legend = page.getByTestId('cmp-histogram').getByTestId('legend-item');
  await expect(legend).toHaveCount(STRATEGIES.length);
  const texts = await legend.allTextContents();
  for (const s of STRATEGIES) {
    const i = texts.findIndex((t) => t.includes(s) || t.includes(STRATEGY_INFO[s].title));
    expect(i, `${s} in the legend (${texts.join(' | ')})`).toBeGreaterThanOrEqual(0);
    const color = await legend.nth(i).locator('.swatch').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(el).borderTopColor);
    const hex = STRATEGY_INFO[s].color;
    const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
    expect(color).toBe(rgb);
  }
});
