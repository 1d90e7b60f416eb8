/**
 * The web-mode fixture of the tests that go through the real services: a web server on a fresh
 * database with a placeholder app page, and a text upload streamed to one of its routes.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabServices, createApiHost } from '../../../src-main/api/index.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';

export const TEST_TOKEN = 'test-token';

export interface LabServer {
  lab: LabServices;
  server: WebServer;
  close(): Promise<void>;
}

/** Starts web mode on the real services, in a temporary folder named after `prefix`. */
export async function startLabServer(prefix: string): Promise<LabServer> {
  const dir = mkdtempSync(join(tmpdir(), `timer-lab-${prefix}-`));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>lab</title>');
  const lab = new LabServices({ dbPath: join(dir, 'lab.sqlite'), threads: 1 });
  const server = await startWebServer({ api: createApiHost(lab), staticDir: join(dir, 'dist'), token: TEST_TOKEN });
  return {
    lab,
    server,
    async close() {
      await server.close();
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * POSTs the strings of `parts` as one text body to `path` (waiting for drain, as a browser streams
 * a File); resolves with the status and the parsed JSON reply. A write that fails because the
 * server answered early (EPIPE, ECONNRESET) does not hide that answer.
 */
export function postText<T>(server: WebServer, path: string, parts: Iterable<string>, token = TEST_TOKEN): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}`, 'content-type': 'text/plain' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T }));
      },
    );
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    const it = parts[Symbol.iterator]();
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
