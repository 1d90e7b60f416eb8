#!/usr/bin/env node
// Entry point of `npx timer-lab`: runs the compiled CLI (built by `npm ci` via the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'build', 'src-main', 'cli', 'timer-lab.js');
if (!existsSync(cli)) {
  process.stderr.write('timer-lab: not built yet — run "npm run build" in ' + root + '\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
