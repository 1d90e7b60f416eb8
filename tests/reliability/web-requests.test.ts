// Hostile and careless requests against the real `timer-lab serve` (default limits, real
// database): seeded malformed percent-encodings and paths on every endpoint and method, broken
// and prototype-polluting JSON, uploads cut off midway, a 235 MB JSON body (its peak memory is
// measured), and clients that send headers or a body too slowly. The server must answer each
// with a 4xx and no stack trace, keep answering, and keep its memory bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CALL_BODY_BYTES, WEB_LIMITS } from '../../src-main/web/server.js';
import { chunkedUpload } from '../chunked-upload.js';
import { assertBuilt } from '../unit/cli/helpers.js';
import { apiCall, looksLikeCrash, peakRssMb, Random, rawRequest, report, SEED, startServe, type Serve } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-webrel-'));
let serve: Serve;
let requests = 0;
const unexpected: string[] = [];

beforeAll(async () => {
  assertBuilt();
  serve = await startServe(path.join(dir, 'lab.sqlite'));
  const r = await apiCall(serve.port, serve.token, 'experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 2000 }] });
  expect(r.status).toBe(200);
});

afterAll(async () => {
  const code = await serve.stop();
  expect(code).toBe(0);
  expect(looksLikeCrash(serve.stderr())).toBe(false);
  rmSync(dir, { recursive: true, force: true });
});

const head = () => `Host: 127.0.0.1:${serve.port}\r\n`;
const auth = () => `Authorization: Bearer ${serve.token}\r\n${head()}`;

async function stillServing(): Promise<void> {
  requests++;
  const r = await apiCall(serve.port, serve.token, 'runs:list', {});
  expect(r.status).toBe(200);
  expect(serve.child.exitCode).toBeNull();
}

/** One raw request; the reply must be an HTTP answer below 500 (or a closed connection) without internals. */
async function expectRefusedCleanly(text: string, what: string, opts: { allowOk?: boolean; keepOpenMs?: number } = {}): Promise<string> {
  requests++;
  const { reply } = await rawRequest(serve.port, text, opts.keepOpenMs === undefined ? {} : { keepOpenMs: opts.keepOpenMs });
  const status = Number(/^HTTP\/1.1 (\d{3})/.exec(reply)?.[1] ?? 0);
  const ok = status === 0 || (status >= 400 && status < 500) || (opts.allowOk === true && status < 400);
  if (!ok || /\bat .+:\d+:\d+|Error:|node:internal/.test(reply)) unexpected.push(`${what}: ${reply.slice(0, 200)}`);
  return reply;
}

function malformedPath(rnd: Random): string {
  const hex = () => rnd.int(0, 255).toString(16).toUpperCase().padStart(2, '0');
  const pieces = [
    () => '%',
    () => `%${hex()[0]}`,
    () => `%${hex()}`,
    () => '%E0%A4%A',
    () => '%C0%AF', // overlong "/"
    () => '%ED%A0%80', // lone surrogate
    () => '%FF%FE',
    () => '%00',
    () => '..%2F..%2F',
    () => '%2e%2e/',
    () => `%u${hex()}${hex()}`,
    () => 'x'.repeat(rnd.int(1, 2000)),
    () => rnd.pick(['runs:list', 'experiments:submit', 'import', 'nope']),
  ];
  let p = '';
  for (let i = rnd.int(1, 6); i > 0; i--) p += rnd.pick(pieces)();
  return rnd.pick(['/api/call/', '/api/', '/', '/assets/', '/api/import?fileName=', '/api/events?token=']) + p;
}

describe('the real web server under hostile requests', () => {
  it('answers seeded malformed paths on every endpoint and method with 4xx, and keeps serving', async () => {
    const rnd = new Random(SEED);
    const n = 300;
    for (let i = 0; i < n; i++) {
      const method = rnd.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']);
      const p = malformedPath(rnd);
      await expectRefusedCleanly(`${method} ${p} HTTP/1.1\r\n${rnd.chance(0.7) ? auth() : head()}Content-Length: 2\r\nConnection: close\r\n\r\n{}`, `${method} ${p.slice(0, 80)}`, { allowOk: method === 'GET' || method === 'HEAD' || p.includes('runs:list') });
      if (i % 50 === 0) await stillServing();
    }
    const reply = await expectRefusedCleanly(`POST /api/call/%E0%A4%A HTTP/1.1\r\n${auth()}Content-Length: 0\r\nConnection: close\r\n\r\n`, 'the reported path');
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    await stillServing();
    expect(unexpected).toEqual([]);
  });

  it('refuses broken, deep and prototype-polluting JSON with 400', async () => {
    const bodies = ['{', '{"a":}', 'null', '[]', '"x"', '1e999', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '['.repeat(200_000), `{"runs":[{"workload":"tscdeadline-busy","strategy":"hrtimer","samples":1e308}]}`, '\uFEFF{}', '{"runs":"x"}'];
    for (const body of bodies) {
      const reply = await expectRefusedCleanly(
        `POST /api/call/experiments:submit HTTP/1.1\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        `body ${body.slice(0, 30)}`,
      );
      expect(reply, body.slice(0, 30)).toMatch(/^HTTP\/1.1 4\d\d/);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    await stillServing();
    expect(unexpected).toEqual([]);
  });

  it('survives uploads cut off in the middle, on calls and on imports', async () => {
    for (let i = 0; i < 20; i++) {
      await expectRefusedCleanly(`POST /api/call/experiments:submit HTTP/1.1\r\n${auth()}Content-Length: 5000\r\n\r\n{"runs":[{"workl`, 'cut call', { keepOpenMs: 20 });
      await expectRefusedCleanly(`POST /api/import?fileName=h.txt HTTP/1.1\r\n${auth()}Content-Length: 900000\r\n\r\n# Histogram\n000000 1\t2\n0000`, 'cut import', { keepOpenMs: 20 });
      await expectRefusedCleanly(`POST /api/import?fileName=h.txt HTTP/1.1\r\n${auth()}Transfer-Encoding: chunked\r\n\r\n10\r\n# Histogram\n0000`, 'cut chunked import', { keepOpenMs: 20 });
    }
    await stillServing();
    expect(unexpected).toEqual([]);
  });

  it('refuses a 235 MB JSON body at the call cap with bounded memory', async () => {
    const before = peakRssMb(serve.child.pid!);
    // declared: refused without reading
    const declared = await expectRefusedCleanly(`POST /api/call/import HTTP/1.1\r\n${auth()}Content-Length: ${235 * 1048576}\r\n\r\n{"fileName":"big.txt","content":"`, 'declared 235 MB', { keepOpenMs: 2000 });
    expect(declared).toMatch(/^HTTP\/1.1 413/);
    // streamed without a length: the server stops reading at the cap
    const total = 235;
    requests++;
    const upload = await chunkedUpload(serve.port, `POST /api/call/import HTTP/1.1\r\n${auth()}`, { prefix: '{"fileName":"big.txt","content":"', suffix: '"}', totalMb: total, fill: 0x31 });
    const streamed = { status: upload.status, sentMb: upload.sentMbAtReply };
    const after = peakRssMb(serve.child.pid!);
    report('web 235 MB body', { status: streamed.status, sentMbBeforeRefusal: streamed.sentMb, peakRssMbBefore: before ?? 'n/a', peakRssMbAfter: after ?? 'n/a', capMb: MAX_CALL_BODY_BYTES / 1048576 });
    expect(streamed.status).toBe(413);
    expect(streamed.sentMb).toBeGreaterThanOrEqual(0);
    expect(streamed.sentMb).toBeLessThan(total);
    if (before !== null && after !== null) expect(after - before).toBeLessThan(150); // was about 2 GB
    await stillServing();
  });

  it('closes clients that send headers or a call body too slowly (default limits)', async () => {
    const slowHeaders = rawRequest(serve.port, `POST /api/call/runs:list HTTP/1.1\r\n${auth()}X-Slow: 1`, { keepOpenMs: WEB_LIMITS.headersTimeoutMs + 20_000 });
    const slowBody = rawRequest(serve.port, `POST /api/call/runs:list HTTP/1.1\r\n${auth()}Content-Length: 100\r\n\r\n{"a":`, { keepOpenMs: WEB_LIMITS.callBodyTimeoutMs + 20_000 });
    requests += 2;
    await stillServing(); // a slow client blocks nobody else
    const [h, b] = await Promise.all([slowHeaders, slowBody]);
    report('web slow clients', { headersClosedAfterS: (h.closedAfterMs / 1000).toFixed(1), bodyClosedAfterS: (b.closedAfterMs / 1000).toFixed(1), bodyReply: b.reply.slice(0, 12) });
    expect(h.closedAfterMs).toBeLessThan(WEB_LIMITS.headersTimeoutMs + 10_000);
    expect(b.closedAfterMs).toBeLessThan(WEB_LIMITS.callBodyTimeoutMs + 10_000);
    expect(b.reply).toMatch(/^HTTP\/1.1 408/);
    await stillServing();
    report('web requests', { seed: SEED, requests, unexpected: unexpected.length, serverExits: 0 });
    expect(unexpected).toEqual([]);
  }, 120_000);
});
