/**
 * electron-builder configuration (`npm run dist`): AppImage and deb on Linux, dmg on macOS, NSIS
 * on Windows. better-sqlite3 is not rebuilt in place (that would break the Node-side tests): the
 * Electron-ABI build made by scripts/build-electron-native.js ships as an extra resource and is
 * loaded through better-sqlite3's `nativeBinding` option. Fuses are set for production builds.
 */
import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'org.timerlab.app',
  productName: 'Timer Lab',
  copyright: 'Copyright © Timer Lab contributors',
  directories: { output: 'release', buildResources: 'build-resources' },
  files: ['build/**/*', 'dist-renderer/**/*', 'migrations/*.sql', 'package.json', '!build/tests/**'],
  extraResources: [{ from: '.electron-native', to: 'native', filter: ['better_sqlite3.node'] }],
  // Only what cannot be read from inside the archive is unpacked, so everything else — main.js,
  // the preload, the engine, the store, the renderer — stays in the asar the integrity fuse
  // checks: native modules (the OS loads them from real files) and the entry files of the
  // runner's worker threads (piscina's thread bootstrap with the two modules it requires, and
  // the shard worker it imports). What those import is read from the archive.
  asarUnpack: [
    '**/*.node',
    'node_modules/piscina/dist/worker.js',
    'node_modules/piscina/dist/common.js',
    'node_modules/piscina/dist/symbols.js',
    'build/src-main/runner/shard-worker.js',
  ],
  npmRebuild: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    synopsis: 'Simulate and compare KVM TSC-deadline timer strategies',
    description: 'Timer Lab simulates a KVM vCPU and compares hrtimer and VMX preemption-timer emulation of the guest TSC-deadline timer.',
    maintainer: 'Timer Lab <maintainers@timerlab.org>',
  },
  deb: { depends: ['libnss3', 'libgtk-3-0', 'libxss1'] },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
};

export default config;
