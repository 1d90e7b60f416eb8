// `npm start`: opens the desktop app, or — where the Electron binary could not be installed
// (offline machines) — says so in one line and starts web mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (!electron) {
  console.log('Electron binary not installed (offline install?): starting Timer Lab in web mode instead.');
  const child = spawn(process.execPath, ['bin/timer-lab.js', 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const native = spawnSync(process.execPath, ['scripts/build-electron-native.js'], { stdio: 'inherit' });
  if (native.status !== 0) {
    console.error('could not build better-sqlite3 for Electron; starting web mode instead.');
    spawn(process.execPath, ['bin/timer-lab.js', 'serve'], { stdio: 'inherit' }).on('exit', (c) => process.exit(c ?? 0));
  } else {
    const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
  }
}
