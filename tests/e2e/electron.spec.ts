// Electron smoke test: runs whenever an Electron binary is installed, and says plainly when not.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { REPO_ROOT } from './paths.js';

/** The Electron binary's path, or why there is none (`require('electron')` throws when the
 * postinstall download was skipped, e.g. an offline install with allowScripts electron: false). */
function electronBinary(): { path: string } | { reason: string } {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  let resolved: unknown;
  try {
    resolved = require('electron');
  } catch (err) {
    return { reason: `require('electron') failed: ${(err as Error).message.split('\n')[0]}` };
  }
  if (typeof resolved !== 'string' || !existsSync(resolved)) return { reason: `require('electron') gave ${String(resolved)}, which does not exist` };
  return { path: resolved };
}

const bin = electronBinary();

test('Electron shell: window, isolated preload bridge, profiles:list over IPC', async () => {
  if ('reason' in bin) {
    const why = `Electron binary not installed (offline install): ${bin.reason}`;
    console.log(`[e2e] SKIPPED Electron smoke test — ${why}`);
    test.skip(true, why);
    return;
  }
  for (const f of ['build/src-main/electron/main.js', 'dist-renderer/index.html']) expect(existsSync(join(REPO_ROOT, f)), `${f} (run npm run build)`).toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-electron-'));
  const app = await _electron.launch({
    executablePath: bin.path,
    args: ['build/src-main/electron/main.js', '--no-sandbox', '--disable-gpu'],
    cwd: REPO_ROOT,
    env: { ...process.env, TIMER_LAB_DB: join(dir, 'electron.sqlite'), ELECTRON_DISABLE_SECURITY_WARNINGS: 'true' },
    timeout: 60_000,
  });
  try {
    const win = await app.firstWindow();
    await win.waitForLoadState('domcontentloaded');
    await expect(win).toHaveTitle(/Timer Lab/);
    await expect(win.locator('main h1')).toBeVisible();
    const g = await win.evaluate(`({
      lab: typeof window.lab,
      call: typeof (window.lab && window.lab.call),
      process: typeof window.process,
      require: typeof window.require,
      module: typeof window.module,
    })`);
    expect(g).toEqual({ lab: 'object', call: 'function', process: 'undefined', require: 'undefined', module: 'undefined' });
    const profiles = (await win.evaluate('window.lab.call("profiles:list", {})')) as Array<{ name: string }>;
    expect(profiles.map((p) => p.name)).toContain('HSW-2016');
    await win.screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', 'electron.png') });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
