// The host of a run — CPU profile, kernel, APICv, mitigations — in New experiment and Sweep: a
// strategy the host refuses is disabled with its reason, a run on another host says so in its
// name, and a sweep over kernels draws and lists the releases in release order.
import { expect, expectChartDrawn, openApp, readDownload, shot, test } from './fixtures.js';

test('New experiment on EPYC: the preemption timer is disabled with its reason and unticked with a note', async ({ page }, testInfo) => {
  await openApp(page, '#/new');
  const vmx = page.getByRole('checkbox', { name: /^VMX preemption timer/ });
  await expect(page.getByLabel('Profile', { exact: true })).toHaveValue('HSW-2016');
  await expect(vmx).toBeChecked();
  // HSW-2016 runs 4.9: no posted timer interrupts yet.
  await expect(page.getByRole('checkbox', { name: /^posted timer interrupt/ })).toBeDisabled();
  await expect(page.getByTestId('strategy-posted-timer-refused')).toContainText('pi_inject_timer arrived in 5.3; kernel 4.9');

  await page.getByLabel('Profile', { exact: true }).selectOption('EPYC');
  await expect(vmx).toBeDisabled();
  await expect(vmx).not.toBeChecked();
  await expect(page.getByTestId('strategy-vmx-preemption-refused')).toHaveText(/^not on EPYC 6\.1: AMD SVM has no preemption timer/);
  await expect(page.getByTestId('strategy-notes')).toContainText('VMX preemption timer unticked: EPYC 6.1 cannot run it');
  // The host's defaults are the profile's.
  const kernel = page.getByLabel('Kernel', { exact: true });
  await expect(kernel).toHaveValue('');
  await expect(kernel).toHaveAttribute('placeholder', "6.1 (EPYC's kernel)");
  await expect(page.getByLabel('APICv', { exact: true }).locator('option[value="default"]')).toHaveText("default (off, EPYC's)");
  // With AVIC off the posted timer still runs (it falls back), and the kernel, APICv and
  // mitigations are not listed again among the parameters.
  await expect(page.getByRole('checkbox', { name: /^posted timer interrupt/ })).toBeEnabled();
  await expect(page.locator('#param-kernel, #param-apicv, #param-mitigations')).toHaveCount(0);
  // The advance's default is the kernel's: left empty, it shows what 6.1 gives.
  await expect(page.locator('#param-timerAdvanceNs')).toHaveValue('');
  await expect(page.locator('#param-timerAdvanceNs')).toHaveAttribute('placeholder', "-1 (kernel 6.1's)");
  // A kernel the lab does not model is refused inline.
  await kernel.fill('4.8');
  await expect(page.locator('#exp-kernel-err')).toContainText('from 4.9 on');
  await expect(page.getByRole('button', { name: 'Submit' })).toBeDisabled();
  await kernel.fill('');
  await expect(page.getByRole('button', { name: 'Submit' })).toBeEnabled();
  await shot(page, testInfo, 'new-experiment-epyc');
});

test('a run on SKX with kernel 6.8 says its host in its name', async ({ page, lab }) => {
  await openApp(page, '#/new');
  await page.getByLabel('Name', { exact: true }).fill('host check');
  await page.getByLabel('Profile', { exact: true }).selectOption('SKX');
  await expect(page.getByLabel('Kernel', { exact: true })).toHaveAttribute('placeholder', "5.15 (SKX's kernel)");
  await page.getByLabel('Kernel', { exact: true }).fill('6.8');
  for (const name of [/^VMX preemption timer/, /^posted timer interrupt/]) await page.getByRole('checkbox', { name }).uncheck();
  await expect(page.getByRole('checkbox', { name: /^hrtimer/ })).toBeChecked();
  await page.getByLabel('Samples', { exact: true }).fill('2000');
  const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Submit' }).click();
  const body = (await (await submitted).json()) as { ok: boolean; result: { runIds: number[]; runNames: string[] } };
  expect(body.ok).toBe(true);
  expect(body.result.runNames).toEqual(['host check · SKX 6.8']);
  const [run] = await lab.waitForRuns(body.result.runIds);
  expect(run!.config?.params.kernel).toBe('6.8');
  expect(run!.config?.profile.name).toBe('SKX');
  await expect(page.getByText('host check · SKX 6.8').first()).toBeVisible();
});

test('a sweep over kernels 4.9, 5.15, 6.8 of vmx-preemption on SKX: chart and table in release order', async ({ page, lab }, testInfo) => {
  await openApp(page, '#/sweep');
  await page.getByLabel('Workload').selectOption('tscdeadline-busy');
  await page.getByLabel('Profile', { exact: true }).selectOption('SKX');
  await page.getByLabel('Parameter', { exact: true }).selectOption('kernel');
  await page.getByLabel('Values', { exact: true }).fill('6.8, 4.9, 5.15');
  // Posting arrived in 5.3: the sweep's 4.9 refuses it.
  await expect(page.getByTestId('sweep-strategy-posted-timer-refused')).toContainText('kernel 4.9: pi_inject_timer arrived in 5.3');
  await expect(page.getByLabel('Kernel', { exact: true })).toBeDisabled();
  await page.getByRole('checkbox', { name: /^hrtimer/ }).uncheck();
  await expect(page.getByRole('checkbox', { name: /^VMX preemption timer/ })).toBeChecked();
  await page.getByLabel('Samples', { exact: true }).fill('2000');
  await expect(page.getByTestId('sweep-summary')).toContainText('3 runs: 3 values of kernel × 1 strategy');

  const submitted = page.waitForResponse((r) => decodeURIComponent(r.url()).endsWith('/api/call/experiments:submit'));
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const body = (await (await submitted).json()) as { ok: boolean; result: { runIds: number[]; runNames: string[] } };
  expect(body.ok).toBe(true);
  expect(body.result.runNames).toEqual(['SKX 4.9 · vmx-preemption', 'SKX 5.15 · vmx-preemption', 'SKX 6.8 · vmx-preemption']);
  const runs = await lab.waitForRuns(body.result.runIds, ['done'], 90_000);
  expect(runs.map((r) => [r.config?.profile.name, r.config?.params.kernel, r.strategy])).toEqual([
    ['SKX', '4.9', 'vmx-preemption'],
    ['SKX', '5.15', 'vmx-preemption'],
    ['SKX', '6.8', 'vmx-preemption'],
  ]);

  await expect(page.getByTestId('sweep-view')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  const fig = page.getByTestId('sweep-chart');
  await expectChartDrawn(fig);
  // One strategy, mean and p99: three points each.
  await expect(fig.locator('canvas')).toHaveAttribute('data-points', '6');
  const rows = page.getByTestId('sweep-table').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent?.trim()))).toEqual(['4.9', '5.15', '6.8']);

  // The exported figure: a categorical axis with the releases in release order.
  const dl = page.waitForEvent('download');
  await fig.getByRole('button', { name: /as SVG$/ }).click();
  const svg = (await readDownload(await dl)).toString('utf8');
  const at = (label: string) => svg.indexOf(`>${label}</text>`);
  expect([at('4.9'), at('5.15'), at('6.8')].every((i) => i > 0)).toBe(true);
  expect(at('4.9')).toBeLessThan(at('5.15'));
  expect(at('5.15')).toBeLessThan(at('6.8'));
  await shot(page, testInfo, 'sweep-kernels');
});

test('a preset sets the host back to its defaults: kernel, APICv and mitigations edited before it do not stay', async ({ page }) => {
  await openApp(page, '#/new');
  const kernel = page.getByLabel('Kernel', { exact: true });
  const apicv = page.getByLabel('APICv', { exact: true });
  const mitigations = page.getByLabel('Mitigations', { exact: true });
  const posted = page.getByRole('checkbox', { name: /^posted timer interrupt/ });
  await expect(page.getByLabel('Profile', { exact: true })).toHaveValue('HSW-2016');
  // HSW-2016's 4.9 refuses posting; 6.8 runs it.
  await expect(posted).toBeDisabled();
  await kernel.fill('6.8');
  await apicv.selectOption('off');
  await mitigations.selectOption('off');
  await expect(posted).toBeEnabled();
  await posted.check();

  await page.getByRole('button', { name: /^cyclictest \(idle=poll\)/ }).click();
  await expect(kernel).toHaveValue('');
  await expect(apicv).toHaveValue('default');
  await expect(mitigations).toHaveValue('default');
  // Back on the profile's 4.9: posting is refused again and not ticked.
  await expect(posted).toBeDisabled();
  await expect(posted).not.toBeChecked();
  await expect(page.getByLabel('Workload')).toHaveValue('cyclictest');
  await expect(page.getByRole('button', { name: 'Submit' })).toBeEnabled();
});
