// `npm start`: opens the desktop app, or — where the Electron binary could not be installed
// (offline machines) — says so in one line and starts web mode instead. The started process gets
// the SIGTERM, SIGINT and SIGHUP this one receives, and this one ends with its status.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function electronBinary() {
  try {
    const p = require('electron');
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Runs `command args` in the foreground: signals go on to it, and its exit (code or signal) is ours. */
function runForwardingSignals(command, args) {
  const child = spawn(command, args, { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  child.on('error', (err) => {
    console.error(`could not start ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 0);
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    process.kill(process.pid, signal); // ended by a signal: end by the same one
  });
}

const electron = electronBinary();
if (!electron) {
  console.log('Electron binary not installed (offline install?): starting Timer Lab in web mode instead.');
  runForwardingSignals(process.execPath, ['bin/timer-lab.js', 'serve', ...process.argv.slice(2)]);
} else {
  const native = spawnSync(process.execPath, ['scripts/build-electron-native.js'], { stdio: 'inherit' });
  if (native.status !== 0) {
    console.error('could not build better-sqlite3 for Electron; starting web mode instead.');
    runForwardingSignals(process.execPath, ['bin/timer-lab.js', 'serve']);
  } else {
    runForwardingSignals(electron, ['.', ...process.argv.slice(2)]);
  }
}
