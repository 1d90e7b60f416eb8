/**
 * The engine is pure: no node builtins, electron, sqlite or worker threads, and no source of
 * nondeterminism (Math.random, wall clocks). Scans every .ts file under src-main/engine with
 * comments stripped (the headers legitimately *mention* Math.random).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../src-main/engine/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|js|mts|cts)$/.test(f) ? [p] : [];
  });
}

/** Removes comments but keeps string literals (import specifiers live in strings). */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const n = src[i + 1];
    if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '/' && n === '/') {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const FORBIDDEN_MODULE = /^(node:|electron(\/|$)|better-sqlite3$|worker_threads$|fs$|path$|os$|child_process$|crypto$|http$|url$|piscina$)/;
const FORBIDDEN_CODE: Array<[RegExp, string]> = [
  [/\bMath\s*\.\s*random\b/, 'Math.random'],
  [/\bDate\s*\.\s*now\b/, 'Date.now'],
  [/\bperformance\s*\.\s*now\b/, 'performance.now'],
  [/\bnew\s+Date\b/, 'new Date'],
  [/\bprocess\s*\.\s*hrtime\b/, 'process.hrtime'],
  [/\brequire\s*\(/, 'require()'],
];

export function violations(code: string): string[] {
  const out: string[] = [];
  const specs = [
    ...code.matchAll(/\bfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1]!);
  for (const s of specs) if (FORBIDDEN_MODULE.test(s)) out.push(`import ${s}`);
  for (const [re, name] of FORBIDDEN_CODE) if (re.test(code)) out.push(name);
  return out;
}

describe('src-main/engine purity', () => {
  const files = walk(root);

  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.some((f) => f.endsWith(join('kvm', 'lapic.ts')))).toBe(true);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s', (_name, file) => {
    const code = stripComments(readFileSync(file, 'utf8'));
    expect(violations(code)).toEqual([]);
  });

  it('the scanner catches what it should (and ignores comments)', () => {
    const bad = [
      "import { readFileSync } from 'node:fs';",
      "import { Worker } from 'worker_threads';",
      "import Database from 'better-sqlite3';",
      "import { app } from 'electron';",
      "const m = await import('node:crypto');",
      'const x = Math.random();',
      'const t = Date.now();',
      'const u = performance.now();',
      'const d = new Date();',
    ];
    for (const b of bad) expect(violations(stripComments(b)), b).not.toEqual([]);
    expect(violations(stripComments('/** never touches Math.random or Date.now */\n// performance.now\nconst a = 1;'))).toEqual([]);
    expect(violations(stripComments("import { S } from '../steps.js';\nconst s = 'http://x'; // Math.random"))).toEqual([]);
  });
});
