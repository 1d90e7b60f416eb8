// Where the shared sample files from other tools live: ../shared/samples beside the repository
// root, on every machine. Tests read them from there and never copy them into the project.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const samplesDir = path.resolve(repoRoot, '..', 'shared', 'samples');

export function samplePath(name: string): string {
  return path.join(samplesDir, name);
}
