// Import fuzzing, seeded and bounded: the shared samples (../shared/samples) and the import
// fixtures, mutated by truncation, byte flips, huge and absurd numbers, long lines, dropped,
// repeated and swapped lines, go through the parsers and through the API's import. Every
// outcome must be a parse or a line- or field-naming error: 0 crashes (any other exception),
// 0 hangs (every input parses within a generous bound), and nothing stored by a refused import.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, LabServices, createApiHost } from '../../src-main/api/index.js';
import { FormatError, parseText } from '../../src-main/formats/index.js';
import { Sfc32 } from '../../src-shared/sfc32.js';
import { repoRoot, samplesDir } from '../samples.js';
import { tempDir } from '../unit/api/helpers.js';

const SEED = 0x5eed_1013;
/** Mutants per seed file, and the wall-clock budget of the whole run (stops early, never fails for it). */
const MUTANTS_PER_FILE = 40;
const BUDGET_MS = 90_000;
/** One parse taking longer than this is a hang (typical parses take milliseconds). */
const HANG_MS = 15_000;

function seeds(): Array<{ name: string; text: string }> {
  const fixtures = path.join(repoRoot, 'tests', 'fixtures', 'imports');
  const fromDir = (dir: string) =>
    readdirSync(dir)
      .filter((f) => /\.(txt|json)$/.test(f))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(path.join(dir, f), 'utf8') }));
  return [...fromDir(samplesDir), ...fromDir(fixtures)];
}

type Mutation = (text: string, rng: Sfc32) => string;
const int = (rng: Sfc32, n: number) => Math.floor(rng.next() * n);

const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, rng) => t.slice(0, int(rng, t.length)),
  'byte flips': (t, rng) => {
    const chars = [...t];
    for (let k = 1 + int(rng, 8); k > 0; k--) {
      const i = int(rng, chars.length);
      chars[i] = String.fromCharCode(int(rng, 256));
    }
    return chars.join('');
  },
  'huge number': (t, rng) => {
    const runs = [...t.matchAll(/\d+/g)];
    const m = runs[int(rng, runs.length)];
    if (!m || m.index === undefined) return t;
    const pick = ['9'.repeat(400), '1e308', '-1', '-' + m[0], '18446744073709551616', 'NaN', 'Infinity', '0x7fffffff'][int(rng, 8)] ?? '1';
    return t.slice(0, m.index) + pick + t.slice(m.index + m[0].length);
  },
  'long line': (t, rng) => {
    const lines = t.split('\n');
    const i = int(rng, lines.length);
    const filler = rng.next() < 0.5 ? '1\t'.repeat(600_000) : 'x'.repeat(1_100_000);
    lines.splice(i, 0, `${lines[i] ?? ''}${filler}`);
    return lines.join('\n');
  },
  'many columns': (t, rng) => {
    const lines = t.split('\n');
    const i = int(rng, lines.length);
    lines[i] = `${lines[i] ?? ''}${'\t0'.repeat(5000 + int(rng, 50_000))}`;
    return lines.join('\n');
  },
  'drop, repeat, swap lines': (t, rng) => {
    const lines = t.split('\n');
    for (let k = 1 + int(rng, 5); k > 0; k--) {
      const i = int(rng, lines.length);
      const j = int(rng, lines.length);
      const op = int(rng, 3);
      if (op === 0) lines.splice(i, 1);
      else if (op === 1) lines.splice(i, 0, lines[j] ?? '');
      else [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    }
    return lines.join('\n');
  },
};

/** An error names its line ("line N: …") or its field ("content: …", "thread 0 min: …"). */
function namesLineOrField(message: string): boolean {
  return /^line \d+: expected .+/.test(message) || /^[\w .-]+: /.test(message);
}

describe('import fuzz (seeded, bounded)', () => {
  const tally = { mutants: 0, parsed: 0, refused: 0, crashes: 0, hangs: 0, unnamed: 0, apiChecked: 0, slowestMs: 0 };
  const failures: string[] = [];
  afterAll(() => {
    console.log(`import fuzz (seed ${SEED}): ${JSON.stringify(tally)}`);
  });

  it('mutated samples and fixtures parse or fail with a line- or field-naming error: no crash, no hang', () => {
    const rng = new Sfc32(SEED);
    const started = Date.now();
    const names = Object.keys(MUTATIONS);
    outer: for (const seed of seeds()) {
      for (let k = 0; k < MUTANTS_PER_FILE; k++) {
        if (Date.now() - started > BUDGET_MS) break outer;
        const kind = names[int(rng, names.length)] ?? 'truncate';
        const text = (MUTATIONS[kind] as Mutation)(seed.text, rng);
        tally.mutants++;
        const t0 = Date.now();
        try {
          parseText(text);
          tally.parsed++;
        } catch (err) {
          if (!(err instanceof FormatError)) {
            tally.crashes++;
            failures.push(`${seed.name} / ${kind}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
          } else {
            tally.refused++;
            if (!namesLineOrField(err.message)) {
              tally.unnamed++;
              failures.push(`${seed.name} / ${kind}: unnamed error "${err.message}"`);
            }
          }
        }
        const ms = Date.now() - t0;
        tally.slowestMs = Math.max(tally.slowestMs, ms);
        if (ms > HANG_MS) {
          tally.hangs++;
          failures.push(`${seed.name} / ${kind}: took ${ms} ms`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tally.mutants).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.parsed).toBeGreaterThan(0);
  });

  it('through the API import: refused mutants store nothing, accepted ones store their runs; errors are bad input', async () => {
    const lab = new LabServices({ dbPath: path.join(tempDir(), 'fuzz.sqlite'), threads: 1 });
    const api = createApiHost(lab);
    try {
      const rng = new Sfc32(SEED + 1);
      const names = Object.keys(MUTATIONS);
      for (const seed of seeds()) {
        for (let k = 0; k < 6; k++) {
          const kind = names[int(rng, names.length)] ?? 'truncate';
          const text = (MUTATIONS[kind] as Mutation)(seed.text, rng);
          const before = lab.store.list({ limit: 10_000 }).length;
          tally.apiChecked++;
          try {
            const res = (await api.call('import', { fileName: `${seed.name}.${k}`, content: text })) as { runIds: number[]; deduplicated: boolean };
            const after = lab.store.list({ limit: 10_000 }).length;
            expect(after - before).toBe(res.deduplicated ? 0 : res.runIds.length);
          } catch (err) {
            const ok = err instanceof ApiError && err.code === 'bad-input' && namesLineOrField(err.message);
            if (!ok) failures.push(`API ${seed.name} / ${kind}: ${err instanceof Error ? `${err.name} ${(err as ApiError).code ?? ''}: ${err.message}` : String(err)}`);
            expect(lab.store.list({ limit: 10_000 })).toHaveLength(before);
          }
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
