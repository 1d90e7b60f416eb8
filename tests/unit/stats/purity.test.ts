import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../../src-main/stats/', import.meta.url));

describe('src-main/stats module rule', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  it.each(files)('%s is pure and starts with a comment', (file) => {
    const text = readFileSync(dir + file, 'utf8');
    expect(text.startsWith('/**')).toBe(true);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const imports = [...code.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const spec of imports) {
      expect(spec).not.toMatch(/^node:|^(fs|path|os|worker_threads|child_process|crypto)$|electron|better-sqlite3/);
      if (spec.startsWith('.')) expect(spec).toMatch(/\.js$/);
    }
    expect(code).not.toMatch(/Math\.random|Date\.now|performance\.now\(/);
  });
});
