// Paths used by the e2e tests: the repo root, and the shared samples folder beside the clone.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** CI has ../shared beside the clone; samples are read from there, never copied into the repo. */
export function sharedSample(name: string): string {
  return resolve(REPO_ROOT, '..', 'shared', 'samples', name);
}
