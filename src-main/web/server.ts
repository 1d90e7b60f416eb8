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
 * Resource limits (a careless or hostile client must not exhaust the process): a call's JSON
 * body is capped well below the streaming import's size (files go to /api/import), headers and
 * whole requests have deadlines, a call's body has its own shorter one, and no request — a
 * malformed path included — can throw out of the handler and end the server.
 * Files (imports, calibration inputs) are streamed as request bodies to their own routes.
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
import { parseDecimalInteger } from '../../src-shared/config.js';
import type { ApiHost } from '../api/host.js';

/** The lab's one Content-Security-Policy, sent with every response. */
export const CSP = CONTENT_SECURITY_POLICY;

/** Largest JSON body of a call (/api/call/*); files are streamed to /api/import instead. */
export const MAX_CALL_BODY_BYTES = 8 * 1024 * 1024;
/** Largest file streamed to /api/import. */
export const MAX_IMPORT_BODY_BYTES = MAX_IMPORT_BYTES;

export interface WebLimits {
  /** Time allowed for a request's headers. */
  headersTimeoutMs: number;
  /** Time allowed for a whole request, body included: a 250 MB import at 1 MB/s. */
  requestTimeoutMs: number;
  /** Time allowed for a call's JSON body. */
  callBodyTimeoutMs: number;
  /** How often Node checks the header and request deadlines. */
  checkIntervalMs: number;
}

export const WEB_LIMITS: WebLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  callBodyTimeoutMs: 30_000,
  checkIntervalMs: 1_000,
};
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
  /** Shorter limits for tests; WEB_LIMITS otherwise. */
  limits?: Partial<WebLimits>;
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

/** Reads the body up to `limit` bytes within `timeoutMs`; rejects with 'too-large' or 'too-slow'. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new Error('too-large'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => stop(new Error('too-slow')), timeoutMs);
    const stop = (err: Error): void => {
      // Stop buffering; the caller answers and closes the connection.
      clearTimeout(timer);
      req.removeAllListeners('data');
      req.resume();
      reject(err);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop(new Error('too-large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolveBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => stop(err));
  });
}

class ProtoKeyError extends Error {}

/**
 * JSON.parse reviver: `__proto__` is no field of any call, and schemas would drop it silently
 * (an override the user believes applied); refuse it instead.
 */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new ProtoKeyError('request body: "__proto__" is not a valid field name');
  return value;
}

/** How long a refused upload's remaining bytes are read and dropped before the socket is destroyed. */
const LINGER_MS = 1000;

/**
 * Answers with `Connection: close`, then closes without reading the rest of an upload into
 * memory. A lingering close, as web servers do it: destroying a socket with unread input sends a
 * reset that can reach the client before it has read the answer, so after the answer only the
 * write side is ended, and what the client still sends is dropped (the request is dumped) for a
 * moment before the socket goes. Node's server would destroy the socket as soon as a
 * `Connection: close` answer is written (`socket.destroySoon`); this socket lingers instead.
 */
function sendErrorAndClose(req: IncomingMessage, res: ServerResponse, status: number, error: LabErrorPayload): void {
  const socket = res.socket ?? req.socket;
  if (socket) {
    socket.destroySoon = () => {
      socket.end();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    };
  }
  res.setHeader('connection', 'close');
  sendError(res, status, error);
}

/**
 * A file upload's declared size (0 when streamed without one), or null when it was refused here:
 * not a POST (405), or declared above the file cap (413, before reading it).
 */
function fileUploadSize(req: IncomingMessage, res: ServerResponse): number | null {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendError(res, 405, { code: 'bad-input', message: 'use POST' });
    return null;
  }
  const size = Number(req.headers['content-length'] ?? 0);
  if (size > MAX_IMPORT_BODY_BYTES) {
    sendErrorAndClose(req, res, 413, { code: 'bad-input', message: `file above ${MAX_IMPORT_BODY_BYTES / 1048576} MB` });
    return null;
  }
  return Number.isFinite(size) ? size : 0;
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
  const limits: WebLimits = { ...WEB_LIMITS, ...(opts.limits ?? {}) };
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
      const text = await readBody(req, MAX_CALL_BODY_BYTES, limits.callBodyTimeoutMs);
      args = text === '' ? {} : JSON.parse(text, refuseProtoKeys);
    } catch (err) {
      const reason = (err as Error).message;
      if (err instanceof ProtoKeyError) {
        sendError(res, 400, { code: 'bad-input', message: err.message });
      } else if (reason === 'too-large') {
        sendErrorAndClose(req, res, 413, {
          code: 'bad-input',
          message: `request body above ${MAX_CALL_BODY_BYTES / 1048576} MB (files are imported through /api/import)`,
        });
      } else if (reason === 'too-slow') {
        sendErrorAndClose(req, res, 408, { code: 'bad-input', message: `request body not received within ${limits.callBodyTimeoutMs / 1000} s` });
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
    const size = fileUploadSize(req, res);
    if (size === null) return;
    const meta: Record<string, unknown> = {};
    for (const key of ['fileName', 'format', 'name', 'unit'] as const) {
      const v = url.searchParams.get(key);
      if (v !== null) meta[key] = v;
    }
    const khz = url.searchParams.get('tscKhz');
    if (khz !== null) meta.tscKhz = parseDecimalInteger(khz) ?? khz; // not an integer: the schema names it
    const events = url.searchParams.get('traceTimerEvents');
    if (events !== null) meta.traceTimerEvents = parseDecimalInteger(events) ?? events;
    try {
      const result = await api.importStream(meta, req, size);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      // The parser stopped reading: answer, then drop the rest of the upload with the connection.
      const { status, error } = toPayload(err);
      sendErrorAndClose(req, res, status, error);
    }
  }

  /** POST /api/calibrate/input?fileName=… with the raw file as the body (a calibration input). */
  async function handleCalibrationInput(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const size = fileUploadSize(req, res);
    if (size === null) return;
    try {
      const result = await api.calibrationInputStream({ fileName: url.searchParams.get('fileName') ?? '' }, req, size, MAX_IMPORT_BODY_BYTES);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      const { status, error } = toPayload(err);
      sendErrorAndClose(req, res, status, error);
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

  function route(req: IncomingMessage, res: ServerResponse): void {
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
      if (path === '/api/calibrate/input') {
        handleCalibrationInput(req, res, url).catch(() => sendError(res, 500, { code: 'failed', message: 'internal error' }));
        return;
      }
      if (path.startsWith('/api/call/')) {
        let channel: string;
        try {
          channel = decodeURIComponent(path.slice('/api/call/'.length));
        } catch {
          sendError(res, 400, { code: 'bad-input', message: 'malformed percent-encoding in the channel name' });
          return;
        }
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
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      // A client that goes away mid-request makes these emit 'error': handled, never fatal.
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      try {
        route(req, res);
      } catch {
        // nothing a request sends may end the server
        if (!res.headersSent) sendError(res, 400, { code: 'bad-input', message: 'malformed request' });
        else res.destroy();
      }
    },
  );
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

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
