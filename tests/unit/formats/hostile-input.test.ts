// Hostile input in every import format: capped line length and column count (a line-numbered
// error, found without reading the rest of the line), negative, 400-digit, non-finite and absurd
// numbers refused with the line they are on.
import { describe, expect, it } from 'vitest';
import { FormatError, MAX_LINE_CHARS, parseLineStream, parseText, splitLines } from '../../../src-main/formats/index.js';
import { asyncLines, expectFormatError } from './helpers.js';

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('splitLines', () => {
  it('splits byte chunks (multi-byte characters across chunks) into lines', async () => {
    const out: string[] = [];
    for await (const l of splitLines(chunked('µs 1\nµs 2\r\nlast', 3))) out.push(l);
    expect(out).toEqual(['µs 1', 'µs 2\r', 'last']);
  });
  it('stops at the first line longer than the cap, naming it, without reading the rest of it', async () => {
    let yielded = 0;
    async function* endless(): AsyncGenerator<string> {
      yield '# Histogram\n000000 ';
      for (;;) {
        yielded++;
        yield '1\t'.repeat(65_536);
      }
    }
    const lines = splitLines(endless(), 1 << 20);
    await expect(parseLineStream(lines)).rejects.toMatchObject({ line: 2, message: expect.stringContaining('a line of at most 1048576 characters') });
    expect(yielded).toBeLessThanOrEqual(10); // 1 MiB of 128 KiB chunks, not the endless line
  });
});

describe('line length and column caps', () => {
  it('parseText refuses an over-long line with its number', () => {
    const e = expectFormatError(() => parseText(`latency: 1\n${'x'.repeat(MAX_LINE_CHARS + 1)}\n`), 2);
    expect(e.expected).toBe(`a line of at most ${MAX_LINE_CHARS} characters`);
  });
  it('a histogram line with more columns than threads can exist fails at once', () => {
    const line = `000000 ${'1\t'.repeat(5000)}1`;
    const t0 = Date.now();
    const e = expectFormatError(() => parseText(`# Histogram\n${line}\n# Total: 1\n`), 2);
    expect(e.expected).toContain('at most 4096 tab-separated counts');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe('absurd numbers name their line, in every format', () => {
  const cases: Array<[string, string, number]> = [
    ['histogram: negative count', '# Histogram\n000000 -5\n# Total: 5\n', 2],
    ['histogram: 400-digit count', `# Histogram\n000000 ${'9'.repeat(400)}\n# Total: 1\n`, 2],
    ['histogram: 400-digit Total', `# Histogram\n000000 5\n# Total: ${'9'.repeat(400)}\n`, 3],
    ['histogram: sum past 2^53', `# Histogram\n000000 999999999999999\n${Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(6, '0')} 999999999999999`).join('\n')}\n# Total: 1\n`, 11],
    ['status: 400-digit cycles', `T: 0 ( 3524) P:99 I:1000 C: ${'9'.repeat(400)} Min:      1 Act:    4 Avg:    5 Max:    1650\n`, 1],
    ['status: Min above Max', 'T: 0 ( 3524) P:99 I:1000 C: 100 Min:   1700 Act:    4 Avg:    5 Max:    1650\n', 1],
    ['-v: 400-digit value', `       0:       0:${'9'.repeat(400)}\n`, 1],
    ['-v: beyond what int32 ns can hold', '       0:       0: 3000000\n', 1],
    ['tscdeadline: 400 digits', `latency: ${'1'.repeat(400)}\n`, 1],
    ['trace: none (unknown lines are skipped, so a trace of garbage is refused at the end)', `cpus=1\n${'9'.repeat(400)}\n`, 3],
  ];
  it.each(cases)('%s', (_what, text, line) => {
    expectFormatError(() => parseText(text), line);
  });

  const json = (thread: unknown) => JSON.stringify({ resolution_in_ns: 0, thread: { '0': thread } }, null, 2);
  it('JSON: 1e308 counts (they would sum to Infinity) name the bucket and its line', () => {
    const text = json({ histogram: { '1': 1e308, '2': 1e308 } });
    const e = expectFormatError(() => parseText(text), text.split('\n').findIndex((l) => l.includes('"1": 1e+308')) + 1);
    expect(e.expected).toContain('thread 0 bucket 1 count');
  });
  it('JSON: negative, fractional and 400-digit counts; non-finite min', () => {
    expectFormatError(() => parseText(json({ histogram: { '1': -3 } })));
    expectFormatError(() => parseText(json({ histogram: { '1': 2.5 } })));
    expectFormatError(() => parseText(`{"thread": {"0": {"histogram": {"1": ${'9'.repeat(400)}}}}}`));
    const infinite = json({ histogram: { '1': 3 }, min: 7 }).replace('"min": 7', '"min": 1e400'); // JSON.parse gives Infinity
    expect(expectFormatError(() => parseText(infinite)).expected).toContain('thread 0 min');
  });
  it('every error is a FormatError (never a RangeError or a crash)', async () => {
    for (const [, text] of cases) {
      await expect(parseLineStream(asyncLines(text.split('\n')))).rejects.toBeInstanceOf(FormatError);
    }
  });
});
