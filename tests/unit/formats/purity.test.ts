// src-main/formats must stay pure (no node:*, electron, better-sqlite3) and every file must say so.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const dir = path.join(repoRoot, 'src-main', 'formats');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('src-main/formats purity', () => {
  it.each(files)('%s imports nothing impure and starts with its comment', (f) => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    expect(text.startsWith('/**')).toBe(true);
    expect(text.slice(0, 600)).toMatch(/must not import/i);
    const specifiers = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
    for (const s of specifiers) {
      expect(s.startsWith('./') || s.startsWith('../../src-shared/')).toBe(true);
      expect(s.endsWith('.js')).toBe(true);
    }
  });
});
