import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP, startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { createDevFakeApi, type FakeApiHost } from './dev-fake-api.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP (node:http lets the test set Host and Origin freely, unlike fetch). */
function http(
  server: WebServer,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; host?: string } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host ?? '127.0.0.1',
        port: server.port,
        method,
        path,
        headers: { host: `127.0.0.1:${server.port}`, ...(opts.headers ?? {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

function call(server: WebServer, channel: string, args: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return http(server, 'POST', `/api/call/${channel}`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(args),
  });
}

let dir: string;
let api: FakeApiHost;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'timer-lab-web-'));
  const staticDir = join(dir, 'dist');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>lab</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  api = createDevFakeApi();
  server = await startWebServer({ api, staticDir });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web bridge: authentication and origin checks', () => {
  it('makes a long random token per start', async () => {
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await startWebServer({ api, staticDir: dir });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('refuses calls without a token (401)', async () => {
    const res = await http(server, 'POST', '/api/call/profiles:list', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false });
  });

  it('refuses a wrong token (401), and a query token outside the events endpoint', async () => {
    expect((await call(server, 'profiles:list', {}, { authorization: 'Bearer nope' })).status).toBe(401);
    const q = await http(server, 'POST', `/api/call/profiles:list?token=${server.token}`, { body: '{}' });
    expect(q.status).toBe(401);
  });

  it('refuses other origins (403) and accepts its own', async () => {
    expect((await call(server, 'profiles:list', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call(server, 'profiles:list', {}, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await call(server, 'profiles:list', {}, { origin: 'null' })).status).toBe(403);
    expect((await call(server, 'profiles:list', {}, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await call(server, 'profiles:list', {}, { origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding), even for static files', async () => {
    const bad = await http(server, 'GET', '/', { headers: { host: `evil.example:${server.port}` } });
    expect(bad.status).toBe(403);
    const bad2 = await http(server, 'POST', '/api/call/profiles:list', {
      headers: { host: 'evil.example', authorization: `Bearer ${server.token}` },
      body: '{}',
    });
    expect(bad2.status).toBe(403);
    const ok = await http(server, 'GET', '/', { headers: { host: `localhost:${server.port}` } });
    expect(ok.status).toBe(200);
  });

  it('accepts the right token and returns { ok, result }', async () => {
    const res = await call(server, 'profiles:list', {});
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { ok: boolean; result: Array<{ name: string }> };
    expect(body.ok).toBe(true);
    expect(body.result[0]?.name).toBe('HSW-2016');
    expect(res.headers['content-type']).toContain('application/json');
  });
});

describe('web bridge: calls and errors', () => {
  it('answers an unknown channel with 404 and an error payload', async () => {
    const res = await call(server, 'nope:nothing', {});
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('maps bad-input to 400 with the field, not-found to 404, others to 500, without stacks', async () => {
    const bad = await call(server, 'profiles:get', { name: 'missing' });
    expect(bad.status).toBe(404);
    const submit = await call(server, 'experiments:submit', {
      runs: [{ workload: 'tscdeadline-halt', strategy: 'hrtimer', set: { delta: 4242 } }],
    });
    expect(submit.status).toBe(400);
    expect(JSON.parse(submit.body).error).toEqual({ code: 'bad-input', message: 'delta 4242 is refused by the fake server', field: 'runs.0.set.delta' });

    const boom = await startWebServer({
      api: {
        call: () => Promise.reject(new Error('kaboom\n    at secret (/home/x/file.ts:1:1)')),
        subscribe: () => () => undefined,
        importStream: () => Promise.reject(new Error('kaboom')),
        calibrationInputStream: () => Promise.reject(new Error('kaboom')),
      },
      staticDir: dir,
    });
    const res = await http(boom, 'POST', '/api/call/profiles:list', { headers: { authorization: `Bearer ${boom.token}` }, body: '{}' });
    await boom.close();
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(res.body).not.toContain('file.ts');
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'failed', message: 'kaboom' } });
  });

  it('rejects a body that is not JSON (400) and GET on a call (405)', async () => {
    const res = await http(server, 'POST', '/api/call/profiles:list', { headers: { authorization: `Bearer ${server.token}` }, body: '{nope' });
    expect(res.status).toBe(400);
    const get = await http(server, 'GET', '/api/call/profiles:list', { headers: { authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(405);
  });

  it('rejects a declared body above 250 MB (413) without reading it', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/call/import',
          headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${server.token}`, 'content-length': String(251 * 1024 * 1024) },
        },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{');
    });
    expect(res).toBe(413);
  });
});

describe('web bridge: server-sent events', () => {
  it('needs the token, then delivers pushes as named events and unsubscribes on close', async () => {
    expect((await http(server, 'GET', '/api/events')).status).toBe(401);
    expect((await http(server, 'GET', '/api/events?token=wrong')).status).toBe(401);

    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { host: `127.0.0.1:${server.port}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toContain('text/event-stream');
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            if (buf.includes(': connected')) {
              api.emit('run:progress', { runId: 7, experimentId: 1, status: 'running', done: 5, total: 10, samplesPerSec: 100, etaSec: 1 });
            }
            if (buf.includes('event: run:progress')) {
              req.destroy();
              resolve(buf);
            }
          });
        },
      );
      req.on('error', (e) => {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
      });
      req.end();
    });
    const block = received.slice(received.indexOf('event: run:progress'));
    expect(block).toMatch(/^event: run:progress\ndata: \{.*"runId":7.*\}\n\n/);
  });
});

describe('web bridge: static files', () => {
  it('serves index.html for / with the security headers, without a token', async () => {
    const res = await http(server, 'GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>lab</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('sends the right MIME types', async () => {
    expect((await http(server, 'GET', '/assets/app.js')).headers['content-type']).toContain('text/javascript');
    expect((await http(server, 'GET', '/assets/app.css')).headers['content-type']).toContain('text/css');
    expect((await http(server, 'GET', '/assets/missing.js')).status).toBe(404);
  });

  it('never serves files outside staticDir', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/assets/..%00/x']) {
      const res = await http(server, 'GET', p);
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('do not serve');
    }
  });
});

describe('web bridge: network exposure', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      await expect(http(server, 'GET', '/', { host: external.address })).rejects.toThrow();
    }
    // Loopback works.
    expect((await http(server, 'GET', '/')).status).toBe(200);
  });
});
