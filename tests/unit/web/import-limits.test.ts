// POST /api/import of the real services: the unit choice reaches the parser, a 26-million-column
// line fails fast with HTTP 400 naming line 2 (bounded memory, the server keeps serving), absurd
// numbers give 400 with their line, and nothing is saved.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabServices, createApiHost } from '../../../src-main/api/index.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';

let dir: string;
let lab: LabServices;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'timer-lab-web-import-'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>lab</title>');
  lab = new LabServices({ dbPath: join(dir, 'lab.sqlite'), threads: 1 });
  server = await startWebServer({ api: createApiHost(lab), staticDir: join(dir, 'dist'), token: 'test-token' });
});

afterAll(async () => {
  await server.close();
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Streams `parts()` as the body of POST /api/import?query; resolves with the status and JSON. */
function upload(query: string, parts: () => Generator<string>): Promise<{ status: number; body: { ok: boolean; result?: { runIds: number[] }; error?: { message: string; code: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: `/api/import?${query}`, headers: { host: `127.0.0.1:${server.port}`, authorization: 'Bearer test-token', 'content-type': 'text/plain' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
      },
    );
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    const it = parts();
    const pump = (): void => {
      for (let next = it.next(); !next.done; next = it.next()) {
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
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
