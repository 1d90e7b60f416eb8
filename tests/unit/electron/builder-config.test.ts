// The electron-builder configuration is valid (electron-builder's own schema) and targets what
// the app promises; packaging itself needs the Electron download and is not run here.
import { describe, expect, it } from 'vitest';
import config from '../../../electron.config.js';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import { DebugLogger } from 'builder-util/out/DebugLogger.js';
import { readFileSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Whether electron-builder's own matcher would unpack `file` (a path relative to the app). */
function unpacked(file: string): boolean {
  const root = path.resolve('app-root');
  const patterns = config.asarUnpack as string[];
  const filter = new FileMatcher(root, root, (s: string) => s, patterns).createFilter();
  return filter(path.join(root, file), { isDirectory: () => false } as Stats);
}

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

  it('unpacks only native modules and the worker thread entry files; the app code stays in the checked archive', () => {
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/@napi-rs/canvas-linux-x64-gnu/skia.linux-x64-gnu.node',
      'node_modules/piscina/dist/worker.js',
      'node_modules/piscina/dist/common.js',
      'node_modules/piscina/dist/symbols.js',
      'build/src-main/runner/shard-worker.js',
    ]) {
      expect(unpacked(file), file).toBe(true);
    }
    for (const file of [
      'build/src-main/electron/main.js',
      'build/src-main/electron/preload.cjs',
      'build/src-main/electron/security.js',
      'build/src-main/engine/index.js',
      'build/src-main/engine/simulation.js',
      'build/src-main/engine/kvm/vmx.js',
      'build/src-main/runner/runner.js',
      'build/src-main/store/runs.js',
      'build/src-main/api/services.js',
      'build/src-shared/config.js',
      'dist-renderer/index.html',
      'node_modules/piscina/dist/index.js',
      'node_modules/better-sqlite3/lib/database.js',
      'package.json',
    ]) {
      expect(unpacked(file), file).toBe(false);
    }
  });

  it('unpacks every shipped native module and the worker entry the runner starts', () => {
    const runner = readFileSync('src-main/runner/worker-file.ts', 'utf8');
    expect(runner).toContain("'shard-worker.js'");
    const piscina = readFileSync('node_modules/piscina/dist/index.js', 'utf8');
    expect(piscina).toMatch(/resolve\)\(__dirname, 'worker\.js'\)/); // the thread bootstrap piscina starts
    const bootstrapRequires = [...readFileSync('node_modules/piscina/dist/worker.js', 'utf8').matchAll(/require\("\.\/(\w+)"\)/g)].map((m) => m[1]);
    for (const dep of bootstrapRequires) expect(unpacked(`node_modules/piscina/dist/${dep}.js`), dep).toBe(true);
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
