/**
 * The web-mode bridge: serves the renderer build and the LabApi over HTTP on 127.0.0.1 only.
 *
 * Security model (a local server any web page in the user's browser could try to reach):
 * - binds to the loopback address, never 0.0.0.0;
 * - every /api/* request carries a random per-start token (Bearer header; the `token` query
 *   parameter only for the EventSource endpoint, which cannot send headers);
 * - a present `Origin` header must be this server's own origin (cross-site requests → 403);
 * - the `Host` header must name this server (DNS-rebinding guard);
 * - static files are resolved inside `staticDir` only; errors never leak stack traces.
 * Imports the api only through the ApiHost type, never the engine.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { CALL_CHANNELS, MAX_IMPORT_BYTES, PUSH_CHANNELS, type LabErrorPayload } from '../../src-shared/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/csp.js';
import type { ApiHost } from '../api/host.js';

/** The lab's one Content-Security-Policy, sent with every response. */
export const CSP = CONTENT_SECURITY_POLICY;

/** Largest accepted JSON body (imports carry whole files as text). */
export const MAX_BODY_BYTES = MAX_IMPORT_BYTES;
const HEARTBEAT_MS = 15_000;
const HOST = '127.0.0.1';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface WebServerOptions {
  api: ApiHost;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The renderer build (dist-renderer). */
  staticDir: string;
  /** Fixed token (tests); a random one is made otherwise. */
  token?: string;
}

export interface WebServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CHANNELS = new Set<string>(CALL_CHANNELS);

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: LabErrorPayload): void {
  sendJson(res, status, { ok: false, error });
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads the body up to `limit` bytes; rejects with 'too-large' beyond it. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new Error('too-large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the caller answers 413 and closes the connection.
        req.removeAllListeners('data');
        reject(new Error('too-large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Maps an error thrown by `api.call` to an HTTP status and a payload without stack traces. */
function toPayload(err: unknown): { status: number; error: LabErrorPayload } {
  const e = err as { code?: unknown; message?: unknown; field?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : 'failed';
  const message = typeof e?.message === 'string' ? e.message.split('\n')[0] ?? 'failed' : 'failed';
  const field = typeof e?.field === 'string' ? e.field : undefined;
  const withField = <C extends LabErrorPayload['code']>(c: C) => (field === undefined ? { code: c, message } : { code: c, message, field });
  if (code === 'bad-input') return { status: 400, error: withField('bad-input') };
  if (code === 'not-found') return { status: 404, error: withField('not-found') };
  if (code === 'conflict') return { status: 409, error: withField('conflict') };
  return { status: 500, error: { code: 'failed', message } };
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = resolve(opts.staticDir);
  const { api } = opts;
  let port = 0;
  const sockets = new Set<import('node:net').Socket>();
  const streams = new Set<ServerResponse>();

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = (): Set<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function handleCall(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, 405, { code: 'bad-input', message: 'use POST' });
      return;
    }
    if (!CHANNELS.has(channel)) {
      sendError(res, 404, { code: 'not-found', message: `unknown channel "${channel}"` });
      return;
    }
    let args: unknown;
    try {
      const text = await readBody(req, MAX_BODY_BYTES);
      args = text === '' ? {} : JSON.parse(text);
    } catch (err) {
      if ((err as Error).message === 'too-large') {
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
        sendError(res, 413, { code: 'bad-input', message: `request body above ${MAX_BODY_BYTES} bytes` });
      } else {
        sendError(res, 400, { code: 'bad-input', message: 'request body is not valid JSON' });
      }
      return;
    }
    try {
      const result = await api.call(channel, args);
      sendJson(res, 200, { ok: true, result: result ?? null });
    } catch (err) {
      const { status, error } = toPayload(err);
      sendError(res, status, error);
    }
  }

  /** POST /api/import?fileName=…[&format=…&name=…&tscKhz=…&unit=us|ns&traceTimerEvents=N] with the raw file as the body. */
  async function handleImport(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendError(res, 405, { code: 'bad-input', message: 'use POST' });
      return;
    }
    const size = Number(req.headers['content-length'] ?? 0);
    if (size > MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
      sendError(res, 413, { code: 'bad-input', message: `file above ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const meta: Record<string, unknown> = {};
    for (const key of ['fileName', 'format', 'name', 'unit'] as const) {
      const v = url.searchParams.get(key);
      if (v !== null) meta[key] = v;
    }
    for (const key of ['tscKhz', 'traceTimerEvents'] as const) {
      const v = url.searchParams.get(key);
      if (v !== null) meta[key] = Number(v);
    }
    try {
      const result = await api.importStream(meta, req, Number.isFinite(size) ? size : 0);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      // The parser stopped reading: answer, then drop the rest of the upload with the connection.
      res.setHeader('connection', 'close');
      res.on('finish', () => req.destroy());
      const { status, error } = toPayload(err);
      sendError(res, status, error);
    }
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = api.subscribe((channel, payload) => {
      if (!(PUSH_CHANNELS as string[]).includes(channel)) return;
      res.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (rel.includes('\0') || rel.includes('\\')) {
      res.writeHead(400).end('bad path');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new Error('not a file');
      const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, {
        'content-type': type,
        'content-length': st.size,
        'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  }

  const server = createServer((req, res) => {
    securityHeaders(res);
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host.toLowerCase())) {
      sendError(res, 403, { code: 'bad-input', message: 'unexpected Host header' });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      sendError(res, 403, { code: 'bad-input', message: 'cross-origin request refused' });
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const path = url.pathname;
    if (path === '/api' || path.startsWith('/api/')) {
      const auth = req.headers.authorization;
      const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null;
      const isEvents = path === '/api/events';
      const given = bearer ?? (isEvents ? url.searchParams.get('token') : null);
      if (given === null) {
        sendError(res, 401, { code: 'bad-input', message: 'missing token' });
        return;
      }
      if (!tokenMatches(given, token)) {
        sendError(res, 401, { code: 'bad-input', message: 'wrong token' });
        return;
      }
      if (isEvents) {
        if (req.method !== 'GET') {
          sendError(res, 405, { code: 'bad-input', message: 'use GET' });
          return;
        }
        handleEvents(req, res);
        return;
      }
      if (path === '/api/import') {
        handleImport(req, res, url).catch(() => sendError(res, 500, { code: 'failed', message: 'internal error' }));
        return;
      }
      if (path.startsWith('/api/call/')) {
        const channel = decodeURIComponent(path.slice('/api/call/'.length));
        handleCall(req, res, channel).catch(() => sendError(res, 500, { code: 'failed', message: 'internal error' }));
        return;
      }
      sendError(res, 404, { code: 'not-found', message: 'no such endpoint' });
      return;
    }
    handleStatic(req, res, path).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Imports may stream up to 250 MB: no request timeout beyond Node's header timeout.
  server.requestTimeout = 0;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/`,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const s of streams) s.end();
        server.close(() => resolveClose());
        for (const s of sockets) s.destroy();
      }),
  };
}
