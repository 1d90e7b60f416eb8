// The Calibrate view: pick a host trace and its guest-side log (made by the lab itself, with
// costs the base does not have), see the detection, the fitted costs against the base with their
// intervals, the reproduction beside the measurement, predict in one click and compare the
// measured, reproduced and predicted runs, labelled; the real host excerpt's detection, saved
// again under its name only when Replace is ticked; a truncated file refused with its name and line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openApp, shot, test } from './fixtures.js';
import { sharedSample } from './paths.js';

test('calibrate from a trace and its guest log, check the reproduction, predict and compare', async ({ page, lab }, testInfo) => {
  test.setTimeout(180_000);
  const sub = await lab.call('experiments:submit', {
    name: `e2e calibration source ${Date.now().toString(36)}`,
    runs: [{ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 800, trace: true, traceTimerEvents: 801, set: { pending_inject: 950, entry_prep: 360 } }],
  });
  const [source] = await lab.waitForRuns(sub.runIds);
  const trace = await lab.call('export', { ids: [source!.id], format: 'trace-cmd', traceTs: 'ns' });
  const log = await lab.call('export', { ids: [source!.id], format: 'tscdeadline-latency' });
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-e2e-cal-'));
  const host = join(dir, 'host.report');
  const guest = join(dir, 'guest.log');
  writeFileSync(host, trace.content);
  writeFileSync(guest, log.content);

  await openApp(page, '#/calibrate');
  await expect(page.getByRole('heading', { level: 1, name: 'Calibrate to your host' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('button', { name: 'Calibrate', exact: true })).toBeDisabled();
  await page.getByLabel('Calibration files').setInputFiles([host, guest]);
  const inputs = page.getByTestId('calibrate-inputs');
  await expect(inputs.locator('tbody tr')).toHaveCount(2, { timeout: 30_000 });
  await expect(inputs).toContainText('host trace');
  await expect(inputs).toContainText('guest-side latencies');

  const name = `e2e-host-${Date.now().toString(36)}`;
  await page.getByLabel('Save as').fill(name);
  await page.getByRole('main').getByRole('button', { name: 'Calibrate', exact: true }).click();
  await expect(page.getByTestId('detected-strategy')).toHaveText('vmx-preemption', { timeout: 120_000 });
  await expect(page.getByTestId('detected-guest')).toHaveText('halts');
  await expect(page.getByTestId('detected-placement')).toContainText('at unblock (4.9–4.12 placement)');
  // the costs the trace changed are fitted near what the source run used, against the base
  const pending = page.getByTestId('cost-pending_inject');
  await expect(pending).toContainText('fitted');
  const api = await lab.call('calibrate:get', { profile: name });
  const fitted = api.profile.costs.pending_inject!.cycles;
  expect(Math.abs(fitted - 950) / 950).toBeLessThan(0.1);
  await expect(pending).toContainText(fitted.toLocaleString('en-US'));
  await expect(pending).toContainText('730'); // the base
  await expect(pending.locator('details summary')).toContainText('segment');
  await expect(page.getByTestId('calibrate-goodness')).toContainText('guest-side latency (deadline → ISR)');
  await expect(page.getByTestId('calibrate-saved')).toHaveText(name);
  await shot(page, testInfo, 'calibrate-result');

  await page.getByRole('button', { name: 'Predict the other strategies' }).click();
  const prediction = page.getByTestId('calibrate-prediction');
  await expect(prediction.locator('tbody tr')).toHaveCount(2, { timeout: 120_000 });
  await expect(prediction.locator('.badge.role-reproduced')).toHaveText('reproduced');
  await expect(prediction.locator('.badge.role-predicted')).toHaveText('predicted');
  await expect(prediction).toContainText('hrtimer');
  await shot(page, testInfo, 'calibrate-prediction');
  const ids = (await prediction.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid')?.split('-')[1]))));
  await lab.waitForRuns(ids, ['done'], 90_000);
  await page.getByRole('button', { name: 'Compare measured, reproduced and predicted' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Compare/ })).toBeVisible();
  const roles = page.locator('[data-testid$="-role"]');
  await expect(roles).toHaveText(['measured', 'reproduced', 'predicted'], { timeout: 30_000 });
  await shot(page, testInfo, 'calibrate-compare');
});

test('the real host excerpt: preemption timer, halting guest, post-4.9 placement, simulated on 6.10; a truncated file is refused', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, '#/calibrate');
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-e2e-cal-'));
  const cut = join(dir, 'cut.report');
  writeFileSync(cut, 'cpus=2\n qemu-system-x86-4242  [003] 10.000001: kvm_exit:             reason MSR_WRITE rip 0x4019c7 info 0 0\n qemu-system-x86-4242  [003] 10.0000');
  await page.getByLabel('Calibration files').setInputFiles(cut);
  await expect(page.getByTestId('calibrate-read-error')).toContainText(/cut\.report line 3: the last line is cut off/);
  await page.getByLabel('Calibration files').setInputFiles(sharedSample('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'));
  await expect(page.getByTestId('calibrate-inputs').locator('tbody tr')).toHaveCount(1, { timeout: 30_000 });
  const name = `e2e-excerpt-${Date.now().toString(36)}`;
  await page.getByLabel('Save as').fill(name);
  await page.getByRole('main').getByRole('button', { name: 'Calibrate', exact: true }).click();
  await expect(page.getByTestId('detected-strategy')).toHaveText('vmx-preemption', { timeout: 90_000 });
  await expect(page.getByTestId('calibrate-saved')).toHaveText(name);
  // the same name again is refused, naming the clash; ticking Replace overwrites it
  await page.getByRole('main').getByRole('button', { name: 'Calibrate', exact: true }).click();
  await expect(page.getByTestId('calibrate-error')).toContainText(`a calibrated profile named "${name}" exists already`, { timeout: 90_000 });
  await page.getByLabel('Replace a saved profile of that name').check();
  await page.getByRole('main').getByRole('button', { name: 'Calibrate', exact: true }).click();
  await expect(page.getByTestId('calibrate-saved')).toHaveText(name, { timeout: 90_000 });
  await expect(page.getByTestId('calibrate-error')).toHaveCount(0);
  await expect(page.getByTestId('detected-guest')).toHaveText('halts');
  await expect(page.getByTestId('detected-placement')).toContainText('before the vCPU blocks (post-4.9 placement)');
  await expect(page.getByTestId('detected-kernel')).toHaveText('5.19–6.10');
  await expect(page.getByTestId('calibrate-goodness')).toContainText('only 4 timer cycles: the intervals are wide');
  // simulated on the newest release that placement allows, so the scenario has the trace's events
  await expect(page.getByTestId('detected-kernel-note')).toContainText('simulated as Linux 6.10');
  await expect(page.getByTestId('calibrate-poor')).toHaveCount(0);
});
