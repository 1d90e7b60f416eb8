// Builds better-sqlite3 for Electron's ABI into .electron-native/ without touching the Node
// build in node_modules (which the tests use). Needs the Electron headers (network) once.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const out = '.electron-native';
const target = join(out, 'better_sqlite3.node');
const stamp = join(out, `electron-${electronVersion}`);
if (existsSync(target) && existsSync(stamp)) process.exit(0);

const src = join('node_modules', 'better-sqlite3');
const work = join(out, 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`) });
console.log(`building better-sqlite3 for Electron ${electronVersion}…`);
execFileSync(
  process.execPath,
  [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', '--release'],
  { cwd: work, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
);
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
cpSync(target, stamp);
console.log(`wrote ${target}`);
