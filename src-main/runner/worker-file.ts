/**
 * Where the compiled worker script lives. Node 20 cannot start a `.ts` worker, so when this
 * module runs from TypeScript sources (tests) the compiled copy under build/ is used.
 * Must not import electron or the store.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function shardWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'shard-worker.js');
  const repo = resolve(dirname(here), '..', '..');
  const built = join(repo, 'build', 'src-main', 'runner', 'shard-worker.js');
  if (!existsSync(built)) {
    throw new Error(`compiled worker not found at ${built}: run "npm run build:main" first`);
  }
  return built;
}
