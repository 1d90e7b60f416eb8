// POST /api/calibrate/input of the real services: a host trace streamed as the request body is
// read (sniffed, one pass) and kept for a calibration; a file calibration cannot use gets 400
// naming the file and line, a request without the token 401, and nothing is stored.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabServices, createApiHost } from '../../../src-main/api/index.js';
import { startWebServer, type WebServer } from '../../../src-main/web/server.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { simulatedFiles } from '../calibrate/helpers.js';

let dir: string;
let lab: LabServices;
let server: WebServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'timer-lab-web-cal-'));
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

function post(query: string, body: string, token = 'test-token'): Promise<{ status: number; body: { ok: boolean; result?: { inputId: number; kind: string; summary: string; sha256: string; bytes: number }; error?: { message: string; field?: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: `/api/calibrate/input?${query}`, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}`, 'content-type': 'text/plain' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }));
      },
    );
    req.on('error', reject);
    // in chunks, as a browser streams a File
    for (let i = 0; i < body.length; i += 65536) req.write(body.slice(i, i + 65536));
    req.end();
  });
}

describe('POST /api/calibrate/input', () => {
  const trace = simulatedFiles({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 300, ts: 'us' }).trace;

  it('reads a streamed host trace and keeps it for a calibration', async () => {
    const res = await post('fileName=host.report', trace);
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ kind: 'host-trace', bytes: Buffer.byteLength(trace) });
    expect(res.body.result!.summary).toMatch(/^host trace: 1 vCPU thread, 301 timer expiries/);
    expect(lab.calibrationInputs.get(res.body.result!.inputId, 'inputs').host?.threads).toHaveLength(1);
  });

  it('refuses what it cannot use, naming the file, and stores nothing', async () => {
    const res = await post('fileName=notes.txt', 'hello\nworld\n');
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/^notes\.txt line 1: not a file calibration reads/);
    expect((await post('fileName=', trace)).body.error?.message).toMatch(/^fileName: expected 1–255 characters/);
    expect((await post('fileName=host.report', trace, 'wrong')).status).toBe(401);
    expect(lab.store.list({})).toEqual([]);
  });
});
