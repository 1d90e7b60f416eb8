/**
 * What a CLI verb works with: the API host (the same contract calls and pushes as the app and
 * web mode), the output streams, and the --json switch. Must not import the engine.
 */
import { writeFileSync } from 'node:fs';
import type { CallArgs, CallChannel, CallResults, CompareResult } from '../../src-shared/contract.js';
import { verdict } from '../../src-shared/verdict.js';
import { ApiError, type ApiHost } from '../api/index.js';

export interface CliContext {
  api: ApiHost;
  json: boolean;
  /** A line (or lines) on stdout. */
  out(text: string): void;
  /** `timer-lab: warning: …` on stderr. */
  warn(text: string): void;
  call<K extends CallChannel>(channel: K, args: CallArgs<K>): Promise<CallResults[K]>;
}

export function createCliContext(api: ApiHost, json: boolean): CliContext {
  return {
    api,
    json,
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    warn: (t) => process.stderr.write(`timer-lab: warning: ${t}\n`),
    call: (channel, a) => api.call(channel, a) as never,
  };
}

/** The verdict of each comparison row, in the shared wording. */
export function verdictOf(c: CompareResult) {
  return (row: CompareResult['runs'][number]) => verdict(row, c.baseline, c.noiseThresholdPct);
}

export function writeOut(path: string, content: string | Buffer): void {
  try {
    writeFileSync(path, content);
  } catch (err) {
    throw new ApiError('failed', `cannot write ${path}: ${(err as Error).message}`);
  }
}
