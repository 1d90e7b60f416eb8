// The electron-builder configuration is valid (electron-builder's own schema) and targets what
// the app promises; packaging itself needs the Electron download and is not run here.
import { describe, expect, it } from 'vitest';
import config from '../../../electron.config.js';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
import { readFileSync } from 'node:fs';

describe('electron-builder configuration', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would reject a broken configuration (the validation is real)', async () => {
    const broken = { ...config, notAnOption: true } as unknown as typeof config;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow();
  });

  it('targets AppImage and deb on Linux, dmg on macOS, NSIS on Windows', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('never rebuilds better-sqlite3 in place and ships the Electron build separately', () => {
    expect(config.npmRebuild).toBe(false);
    expect(JSON.stringify(config.extraResources)).toContain('.electron-native');
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('packs the compiled app, renderer and migrations', () => {
    expect(config.files).toEqual(expect.arrayContaining(['build/**/*', 'dist-renderer/**/*', 'migrations/*.sql']));
  });

  it('sets production fuses', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });

  it('is what `npm run dist` uses', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toContain('electron-builder --config electron.config.ts');
  });
});
