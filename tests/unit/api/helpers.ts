// Shared helpers for the API tests: a LabServices on a temporary database (closed and removed
// after each test) and a typed `call` through the same ApiHost the transports use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { CallArgs, CallChannel, CallResults, LabErrorPayload, PushChannel, PushPayloads } from '../../../src-shared/contract.js';
import { ApiError, LabServices, createApiHost, type ApiHost, type CloseOptions } from '../../../src-main/api/index.js';

const dirs: string[] = [];
const labs: LabServices[] = [];

afterEach(async () => {
  for (const l of labs.splice(0)) await l.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'timer-lab-api-'));
  dirs.push(d);
  return d;
}

export interface TestLab {
  lab: LabServices;
  host: ApiHost;
  dbPath: string;
  call<K extends CallChannel>(channel: K, args: CallArgs<K>): Promise<CallResults[K]>;
  pushes: Array<{ channel: PushChannel; payload: PushPayloads[PushChannel] }>;
}

/** Opens LabServices on `dbPath` (default: a new temporary file); closed after the test. */
export function openLab(dbPath = path.join(tempDir(), 'lab.sqlite'), threads = 2): TestLab {
  const lab = new LabServices({ dbPath, threads });
  labs.push(lab);
  const host = createApiHost(lab);
  const pushes: TestLab['pushes'] = [];
  host.subscribe((channel, payload) => pushes.push({ channel, payload }));
  return {
    lab,
    host,
    dbPath,
    pushes,
    call: (channel, args) => host.call(channel, args) as never,
  };
}

/** Closes a lab early (e.g. to reopen its database); afterEach skips it. */
export async function closeLab(t: TestLab, opts?: CloseOptions): Promise<void> {
  const i = labs.indexOf(t.lab);
  if (i >= 0) labs.splice(i, 1);
  await t.lab.close(opts);
}

/** Awaits a rejection and returns it as an ApiError payload. */
export async function apiError(p: Promise<unknown>): Promise<LabErrorPayload> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).toPayload();
  }
  throw new Error('expected the call to fail');
}

/** Submits one run and waits for it; returns its id. */
export async function runOne(t: TestLab, spec: CallArgs<'experiments:submit'>['runs'][number], name?: string): Promise<number> {
  const { runIds } = await t.call('experiments:submit', { ...(name ? { name } : {}), runs: [spec] });
  const id = runIds[0]!;
  expect(await t.lab.waitForRun(id)).toBe('done');
  return id;
}
