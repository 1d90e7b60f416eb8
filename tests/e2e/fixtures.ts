/**
 * Shared e2e fixtures: the web-mode server started by global-setup.ts (URL + token), a small
 * client for its API (POST /api/call/<channel>, Bearer token) to check the UI against, helpers
 * to open a view and to keep screenshots, and a page that fails the test on uncaught errors.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { CallResults, RunDetail, RunStatus } from '../../src-shared/contract.js';
import { REPO_ROOT } from './paths.js';

export interface Server {
  /** `http://127.0.0.1:PORT/?token=TOKEN` as printed by `timer-lab serve --json`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  base: string;
  token: string;
  port: number;
}

export function server(): Server {
  const { E2E_URL, E2E_BASE, E2E_TOKEN, E2E_PORT } = process.env;
  if (!E2E_URL || !E2E_BASE || !E2E_TOKEN || !E2E_PORT) throw new Error('web mode is not running (global-setup.ts did not run)');
  return { url: E2E_URL, base: E2E_BASE, token: E2E_TOKEN, port: Number(E2E_PORT) };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`API answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** The web bridge's API, as the renderer uses it. */
export class LabClient {
  constructor(private readonly s: Server) {}

  async call<K extends keyof CallResults>(channel: K, args: unknown = {}): Promise<CallResults[K]> {
    const res = await fetch(`${this.s.base}/api/call/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.s.token}` },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as { ok: boolean; result?: unknown; error?: unknown };
    if (!res.ok || !body.ok) throw new ApiError(res.status, body);
    return body.result as CallResults[K];
  }

  /** Polls runs:get until every run reaches one of `statuses`. */
  async waitForRuns(ids: number[], statuses: RunStatus[] = ['done'], timeoutMs = 60_000): Promise<RunDetail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runs = await Promise.all(ids.map((id) => this.call('runs:get', { id })));
      if (runs.every((r) => statuses.includes(r.status))) return runs;
      const settled = runs.filter((r) => ['done', 'failed', 'cancelled'].includes(r.status) && !statuses.includes(r.status));
      if (settled.length > 0) throw new Error(`runs ended ${settled.map((r) => `${r.id}:${r.status}${r.error ? ` (${r.error})` : ''}`).join(', ')}, expected ${statuses.join('/')}`);
      if (Date.now() > deadline) throw new Error(`runs ${ids.join(', ')} not ${statuses.join('/')} after ${timeoutMs} ms: ${runs.map((r) => `${r.id}:${r.status}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Submits one experiment with the given strategies and waits for its runs. */
  async simulate(opts: { name: string; workload: string; samples: number; strategies?: string[]; trace?: boolean; seed?: number; profile?: string }): Promise<number[]> {
    const strategies = opts.strategies ?? ['hrtimer', 'vmx-preemption'];
    const res = await this.call('experiments:submit', {
      name: opts.name,
      runs: strategies.map((strategy) => ({
        workload: opts.workload,
        strategy,
        ...(opts.profile ? { profile: opts.profile } : {}),
        samples: opts.samples,
        seed: opts.seed ?? 1,
        trace: opts.trace ?? false,
      })),
    });
    await this.waitForRuns(res.runIds, ['done'], 90_000);
    return res.runIds;
  }
}

/** The renderer's number format (src-renderer/lib/format.ts fmtStat), written out independently. */
export function fmtStat(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Opens the app (token in the URL, as printed by `serve`) at a hash route, e.g. `#/history`. */
export async function openApp(page: Page, hash = '#/history'): Promise<void> {
  await page.goto(`${server().url}${hash}`);
  await expect(page.locator('main h1')).toBeVisible();
}

/** Saves a full-page screenshot to test-results/screenshots/<view>.png and attaches it. */
export async function shot(page: Page, testInfo: TestInfo, view: string): Promise<string> {
  const dir = join(REPO_ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${view}.png`);
  await page.evaluate('window.scrollTo(0, 0)'); // keep the sticky header at the top of a full-page shot
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`screenshot-${view}`, { path, contentType: 'image/png' });
  return path;
}

/**
 * A chart.js chart inside `figure` has drawn data: a plot area of real size (not squeezed out),
 * at least one data point, and painted pixels in the plot area other than the background and grid.
 */
export async function expectChartDrawn(figure: import('@playwright/test').Locator, minPlotPx = 20): Promise<void> {
  const canvas = figure.locator('canvas');
  await expect(canvas).toBeVisible();
  await expect(canvas).toHaveAttribute('data-plot-height', /^\d+$/);
  await expect
    .poll(async () => Number(await canvas.getAttribute('data-plot-height')), { message: 'plot area height (px)' })
    .toBeGreaterThanOrEqual(minPlotPx);
  expect(Number(await canvas.getAttribute('data-plot-width'))).toBeGreaterThanOrEqual(100);
  expect(Number(await canvas.getAttribute('data-points')), 'data points drawn').toBeGreaterThan(0);
  expect(Number(await canvas.getAttribute('data-ink')), 'painted data pixels in the plot area').toBeGreaterThan(0);
}

/** Reads a downloaded file fully. */
export async function readDownload(dl: import('@playwright/test').Download): Promise<Buffer> {
  const stream = await dl.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export const test = base.extend<{ lab: LabClient; pageErrors: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring
  lab: async ({}, use) => {
    await use(new LabClient(server()));
  },
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
