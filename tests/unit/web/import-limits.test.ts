// POST /api/import of the real services: the unit choice reaches the parser, a 26-million-column
// line fails fast with HTTP 400 naming line 2 (bounded memory, the server keeps serving), absurd
// numbers give 400 with their line, and nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServices } from '../../../src-main/api/index.js';
import { postText, startLabServer, type LabServer } from './lab-server.js';

let web: LabServer;
let lab: LabServices;

beforeAll(async () => {
  web = await startLabServer('web-import');
  lab = web.lab;
});

afterAll(() => web.close());

/** Streams `parts()` as the body of POST /api/import?query; resolves with the status and JSON. */
function upload(query: string, parts: () => Generator<string>) {
  return postText<{ ok: boolean; result?: { runIds: number[] }; error?: { message: string; code: string } }>(web.server, `/api/import?${query}`, parts());
}

describe('POST /api/import with the real services', () => {
  it('a 26-million-column line: 400 naming line 2, quickly, without the heap growing by the line', async () => {
    const before = process.memoryUsage().rss;
    const t0 = Date.now();
    const res = await upload('fileName=huge.txt', function* () {
      yield '# Histogram\n000000 ';
      const chunk = '1\t'.repeat(1 << 20);
      for (let i = 0; i < 25; i++) yield chunk;
      yield '1\n# Total: 1\n';
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain('line 2: expected a line of at most 1048576 characters');
    expect(Date.now() - t0).toBeLessThan(30_000);
    // splitting the line would take gigabytes; the cap keeps it to a few MB of buffers
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    const list = await lab.store.list();
    expect(list).toEqual([]);
  });

  it('the unit choice and traceTimerEvents reach the import; a bad unit is refused by name', async () => {
    const res = await upload('fileName=ns.txt&unit=ns', function* () {
      yield '# Histogram\n000000 000000\n000001 000004\n# Total: 000000004\n';
    });
    expect(res.status).toBe(200);
    const id = res.body.result?.runIds[0] ?? 0;
    expect(lab.store.get(id).summary?.latency.max).toBe(1); // 1 ns, not 1 µs
    const bad = await upload('fileName=x.txt&unit=ms', function* () {
      yield 'latency: 1\n';
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^unit: /);
  });

  it('a 400-digit count is a 400 with its line, and nothing is saved', async () => {
    const before = lab.store.list().length;
    const res = await upload('fileName=digits.txt', function* () {
      yield `# Histogram\n000000 ${'7'.repeat(400)}\n# Total: 1\n`;
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^line 2: /);
    expect(lab.store.list()).toHaveLength(before);
  });
});
