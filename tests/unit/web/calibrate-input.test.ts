// POST /api/calibrate/input of the real services: a host trace streamed as the request body is
// read (sniffed, one pass) and kept for a calibration; a file calibration cannot use gets 400
// naming the file and line, a request without the token 401, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServices } from '../../../src-main/api/index.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { simulatedFiles } from '../../calibration-support.js';
import { postText, startLabServer, TEST_TOKEN, type LabServer } from './lab-server.js';

let web: LabServer;
let lab: LabServices;

beforeAll(async () => {
  web = await startLabServer('web-cal');
  lab = web.lab;
});

afterAll(() => web.close());

/** POST /api/calibrate/input?query with `body` in 64 KiB chunks, as a browser streams a File. */
function post(query: string, body: string, token = TEST_TOKEN) {
  const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) => body.slice(i * 65536, (i + 1) * 65536));
  return postText<{ ok: boolean; result?: { inputId: number; kind: string; summary: string; sha256: string; bytes: number }; error?: { message: string; field?: string } }>(web.server, `/api/calibrate/input?${query}`, chunks, token);
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
