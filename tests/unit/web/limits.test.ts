// Requests that must not end or exhaust the web server: a malformed percent-encoding (400, the
// server keeps answering), clients that vanish mid-upload, call bodies above the JSON cap (413,
// declared or streamed — the server stops reading at the cap), and clients that send headers or
// bodies too slowly (the server closes them). The deadlines are shortened for the test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALL_BODY_BYTES, MAX_IMPORT_BODY_BYTES, startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { chunkedUpload } from '../../chunked-upload.js';
import { createDevFakeApi } from './dev-fake-api.js';

let dir: string;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'timer-lab-web-limits-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>');
  server = await startWebServer({
    api: createDevFakeApi(),
    staticDir: dir,
    limits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, callBodyTimeoutMs: 1000, checkIntervalMs: 200 },
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes on a fresh connection; resolves with everything the server sent until it closed. */
function raw(text: string, opts: { keepOpenMs?: number } = {}): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const s: Socket = connect(server.port, '127.0.0.1', () => {
      s.write(text);
      if (opts.keepOpenMs === undefined) s.end();
      else setTimeout(() => s.destroy(), opts.keepOpenMs);
    });
    let reply = '';
    s.setEncoding('utf8').on('data', (d: string) => (reply += d));
    s.on('error', reject);
    s.on('close', () => resolve({ reply, closedAfterMs: Date.now() - t0 }));
  });
}

const auth = () => `Authorization: Bearer ${server.token}\r\nHost: 127.0.0.1:${server.port}\r\n`;

async function alive(): Promise<void> {
  const { reply } = await raw(`POST /api/call/profiles:list HTTP/1.1\r\n${auth()}Content-Length: 2\r\nConnection: close\r\n\r\n{}`);
  expect(reply).toMatch(/^HTTP\/1.1 200/);
}

describe('web bridge: malformed requests', () => {
  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    for (const path of ['/api/call/%E0%A4%A', '/api/call/%', '/api/call/%ZZ', '/%E0%A4%A']) {
      const { reply } = await raw(`POST ${path} HTTP/1.1\r\n${auth()}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      expect(reply, path).toMatch(/^HTTP\/1.1 40[05]/);
      expect(reply).not.toMatch(/ at |Error:/);
      await alive();
    }
    const { reply } = await raw(`POST /api/call/%E0%A4%A HTTP/1.1\r\n${auth()}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect(reply).toContain('malformed percent-encoding');
  });

  it('refuses a __proto__ key in a call body (a schema would drop it silently)', async () => {
    const body = '{"runs":[{"workload":"tscdeadline-busy","strategy":"hrtimer","set":{"__proto__":1}}]}';
    const { reply } = await raw(`POST /api/call/experiments:submit HTTP/1.1\r\n${auth()}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect(reply).toContain('__proto__');
    expect(reply).toContain('is not a valid field name');
  });

  it('survives clients that disappear in the middle of a body, a header or a response', async () => {
    const partial = [
      `POST /api/call/profiles:list HTTP/1.1\r\n${auth()}Content-Length: 1000\r\n\r\n{"a":`,
      `POST /api/import?fileName=x.txt HTTP/1.1\r\n${auth()}Content-Length: 100000\r\n\r\n# Histogram\n0 1`,
      `POST /api/call/profiles:list HTTP/1.1\r\n${auth()}Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":`,
      `GET /api/events?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`,
      `POST /api/call/profiles:list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Length: 50\r\n\r\n{`, // refused (no token) before the body
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Long: ${'a'.repeat(4000)}`,
    ];
    for (const p of partial) await raw(p, { keepOpenMs: 50 });
    await alive();
  });
});

describe('web bridge: body size limits', () => {
  it('keeps the call cap well below the streaming import cap', () => {
    expect(MAX_CALL_BODY_BYTES).toBeLessThanOrEqual(MAX_IMPORT_BODY_BYTES / 16);
  });

  it('refuses a declared call body above the cap with 413 before reading it', async () => {
    const { reply } = await raw(`POST /api/call/import HTTP/1.1\r\n${auth()}Content-Length: ${MAX_CALL_BODY_BYTES + 1}\r\n\r\n{`, { keepOpenMs: 3000 });
    expect(reply).toMatch(/^HTTP\/1.1 413/);
    expect(reply).toContain('/api/import');
  });

  it('stops reading a streamed (chunked) call body at the cap and answers 413', async () => {
    const total = 64; // MB offered; the server must stop long before
    const result = await chunkedUpload(server.port, `POST /api/call/import HTTP/1.1\r\n${auth()}`, { prefix: '{"fileName":"big.txt","content":"', suffix: '"}', totalMb: total });
    expect(result.reply).toMatch(/^HTTP\/1.1 413/);
    expect(result.sentMbAtReply).toBeGreaterThanOrEqual(0);
    expect(result.sentMbAtReply).toBeLessThan(total); // answered while the client was still sending
    await alive();
  });
});

describe('web bridge: slow clients', () => {
  it('closes a connection whose headers never finish', async () => {
    const { reply, closedAfterMs } = await raw(`POST /api/call/profiles:list HTTP/1.1\r\n${auth()}X-Slow: yes`, { keepOpenMs: 10_000 });
    expect(closedAfterMs).toBeLessThan(10_000);
    expect(reply === '' || /^HTTP\/1.1 408/.test(reply)).toBe(true);
  });

  it('answers 408 and closes when a call body does not arrive in time', async () => {
    const { reply, closedAfterMs } = await raw(`POST /api/call/profiles:list HTTP/1.1\r\n${auth()}Content-Length: 100\r\n\r\n{"a":`, { keepOpenMs: 10_000 });
    expect(closedAfterMs).toBeLessThan(10_000);
    expect(reply).toMatch(/^HTTP\/1.1 408/);
  });

  it('closes an import upload that trickles past the request deadline', async () => {
    const result = await new Promise<{ closedAfterMs: number; reply: string }>((resolve) => {
      const t0 = Date.now();
      const s = connect(server.port, '127.0.0.1', () => s.write(`POST /api/import?fileName=x.txt HTTP/1.1\r\n${auth()}Content-Length: 100000\r\n\r\n# Histogram\n`));
      let reply = '';
      s.setEncoding('utf8').on('data', (d: string) => (reply += d));
      const drip = setInterval(() => s.write('0'), 100); // always a little data, never done
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(drip);
        resolve({ closedAfterMs: Date.now() - t0, reply });
      });
      setTimeout(() => s.destroy(), 15_000);
    });
    expect(result.closedAfterMs).toBeLessThan(15_000);
    await alive();
  });
});
