/**
 * What a CLI verb works with: the API host (the same contract calls and pushes as the app and
 * web mode), the output streams, and the --json switch. Must not import the engine.
 */
import { escapeControlChars } from '../../src-shared/control-chars.js';
import type { CallArgs, CallChannel, CallResults, CompareResult } from '../../src-shared/contract.js';
import { verdict } from '../../src-shared/verdict.js';
import type { ApiHost } from '../api/index.js';
import { outputFile, type OutputFile } from './output-file.js';

export interface CliContext {
  api: ApiHost;
  json: boolean;
  /** A line (or lines) on stdout; control characters in it (from stored names, say) are shown escaped. */
  out(text: string): void;
  /** `timer-lab: warning: …` on stderr. */
  warn(text: string): void;
  call<K extends CallChannel>(channel: K, args: CallArgs<K>): Promise<CallResults[K]>;
  /** The file `--<flag> path` names, checked now (a usage error when it cannot be written or is the open database). */
  outputFile(flag: string, path: string): OutputFile;
}

/** `dbPath`: the database this process has open, which no output file may be. */
export function createCliContext(api: ApiHost, json: boolean, dbPath: string): CliContext {
  return {
    api,
    json,
    out: (t) => process.stdout.write(terminalText(t.endsWith('\n') ? t : `${t}\n`)),
    warn: (t) => process.stderr.write(terminalText(`timer-lab: warning: ${t}\n`)),
    call: (channel, a) => api.call(channel, a) as never,
    outputFile: (flag, path) => outputFile(flag, path, dbPath),
  };
}

/** Text for the terminal: its lines stay lines, every other control character is shown escaped. */
export function terminalText(text: string): string {
  return escapeControlChars(text, { keepNewlines: true });
}

/** The verdict of each comparison row, in the shared wording. */
export function verdictOf(c: CompareResult) {
  return (row: CompareResult['runs'][number]) => verdict(row, c.baseline, c.noiseThresholdPct);
}
