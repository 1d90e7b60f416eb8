// Invalid values get an inline error next to their field, disable Submit and are never sent.
import { expect, openApp, shot, test } from './fixtures.js';

test('invalid values: inline errors, Submit disabled, nothing submitted', async ({ page, lab }, testInfo) => {
  const before = await lab.call('runs:list', { limit: 10_000 });
  const submits: string[] = [];
  page.on('request', (r) => {
    if (decodeURIComponent(r.url()).includes('/api/call/experiments:submit')) submits.push(r.postData() ?? '');
  });
  await openApp(page, '#/new');
  await page.getByRole('button', { name: /^tscdeadline busy-wait/ }).click();
  const submit = page.getByRole('button', { name: 'Submit', exact: true });
  await expect(submit).toBeEnabled();

  // delta below its minimum (1,000 guest cycles).
  const delta = page.locator('#param-delta');
  await delta.fill('5');
  await expect(delta).toHaveAttribute('aria-invalid', 'true');
  const deltaErr = page.locator('#param-delta-err');
  await expect(deltaErr).toBeVisible();
  await expect(deltaErr).toContainText(/1,?000/);
  // the error sits in the same field as the input
  await expect(page.locator('.field', { has: delta }).locator('.field-error')).toHaveText(await deltaErr.innerText());
  await expect(submit).toBeDisabled();

  // samples = 0
  const samples = page.getByLabel('Samples', { exact: true });
  await samples.fill('0');
  await expect(samples).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#exp-samples-err')).toBeVisible();
  await expect(page.locator('#exp-samples-err')).not.toBeEmpty();

  // a cost with negative cycles
  await page.locator('details.costs > summary').click();
  const cost = page.getByLabel('vmexit_hw cycles');
  await cost.fill('-1');
  await expect(cost).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('td', { has: cost }).locator('.field-error')).toBeVisible();

  await expect(submit).toBeDisabled();
  await expect(page.getByText(/3 fields to fix: .*samples.*delta.*vmexit_hw|3 fields to fix/)).toBeVisible();
  await shot(page, testInfo, 'new-experiment-invalid');

  // Enter in a field (implicit form submission) must not send anything either.
  await samples.press('Enter');
  await page.waitForTimeout(300); // give a (wrong) submission the chance to go out
  expect(submits).toEqual([]);

  // Fixing the values clears the errors one by one and re-enables Submit (not pressed).
  await delta.fill('200000');
  await expect(deltaErr).toHaveCount(0);
  await samples.fill('20000');
  await expect(page.locator('#exp-samples-err')).toHaveCount(0);
  await expect(submit).toBeDisabled();
  await cost.fill('350');
  await expect(submit).toBeEnabled();

  const after = await lab.call('runs:list', { limit: 10_000 });
  expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
  expect(submits).toEqual([]);
});

test('tags do not carry over from one preset or experiment to the next', async ({ page }) => {
  await openApp(page, '#/new');
  await page.getByRole('button', { name: /^tscdeadline busy-wait/ }).click();
  const tags = page.getByLabel('Tags', { exact: true });
  await tags.fill('hsw, baseline');
  await page.getByRole('button', { name: /^tscdeadline halt/ }).click();
  await expect(tags).toHaveValue('');
  // After a submit the next experiment starts without the last one's tags.
  await tags.fill('once');
  await page.getByLabel('Samples', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New experiment' }).click();
  await expect(page.getByLabel('Tags', { exact: true })).toHaveValue('');
});
