// Every strategy and every workload of the registries is offered where a user looks for it: the
// New-experiment form, the Sweep form and the legend of a comparison (CLI help is checked in
// tests/unit/cli/registries.test.ts).
import { compareStyles } from '../../src-shared/charts/index.js';
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

test('a comparison of every strategy names each one in its chart legends, in its own colour (shaded for its host)', async ({ page, lab }) => {
  // SKX (5.15, APICv) runs every strategy; HSW-2016's 4.9 predates posted timer interrupts.
  const ids = await lab.simulate({ name: `e2e registry ${Date.now().toString(36)}`, workload: 'tscdeadline-busy', samples: 2_000, strategies: [...STRATEGIES], profile: 'SKX' });
  await openApp(page, `#/compare/${ids.join(',')}`);
  await expect(page.getByTestId('compare-view')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  const legend = page.getByTestId('cmp-histogram').getByTestId('legend-item');
  await expect(legend).toHaveCount(STRATEGIES.length);
  const texts = await legend.allTextContents();
  const styles = compareStyles(await lab.call('compare', { ids }));
  expect(new Set([...styles.values()].map((st) => st.color)).size, 'one colour per strategy').toBe(STRATEGIES.length);
  for (const s of STRATEGIES) {
    const i = texts.findIndex((t) => t.includes(s) || t.includes(STRATEGY_INFO[s].title));
    expect(i, `${s} in the legend (${texts.join(' | ')})`).toBeGreaterThanOrEqual(0);
    const color = await legend.nth(i).locator('.swatch').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(el).borderTopColor);
    // Runs off the base host (HSW-2016 on 4.9) take their strategy's colour shaded by profile and kernel.
    const hex = styles.get(ids[STRATEGIES.indexOf(s)]!)!.color;
    expect(hex, `${s} is not drawn in another strategy's colour`).not.toBe(STRATEGY_INFO[STRATEGIES.find((o) => o !== s)!].color);
    const rgb = `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
    expect(color).toBe(rgb);
  }
});
