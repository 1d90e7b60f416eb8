/**
 * Every mechanism of the registry (src-shared/kernels.ts) has a scenario here: a describe block
 * named after it in one of this directory's mechanism or strategy tests. A mechanism added to the
 * registry without one fails this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MECHANISM_IDS } from '../../../src-shared/kernels.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('mechanism scenarios', () => {
  it('each mechanism id names a describe block of a scenario test', () => {
    const titles = readdirSync(here)
      .filter((f) => /^(mechanisms|strategy)-.*\.test\.ts$/.test(f))
      .flatMap((f) => [...readFileSync(path.join(here, f), 'utf8').matchAll(/describe\('([^']*)'/g)].map((m) => m[1]!));
    const missing = MECHANISM_IDS.filter((id) => !titles.some((t) => new RegExp(`\\b${id}\\b`).test(t)));
    expect(missing).toEqual([]);
  });
});
