/**
 * Entry points of the import side: createParser(format), parseText(text) for small inputs, and
 * parseLineStream(lines) for any async iterable of lines (sniffs the format from the first lines
 * it buffers, then streams). Must not import node:*, electron or better-sqlite3 — callers read
 * the file.
 */
import type { ImportFormat } from '../../src-shared/contract.js';
import { CyclictestHistParser } from './cyclictest-hist.js';
import { CyclictestJsonParser } from './cyclictest-json.js';
import { CyclictestStatusParser } from './cyclictest-status.js';
import { CyclictestVerboseParser } from './cyclictest-verbose.js';
import { SniffWindow } from './detect.js';
import { assertText, FormatError } from './errors.js';
import { checkLineLength, MAX_LINE_CHARS } from './lines.js';
import { PerfKvmStatParser } from './perf-kvm-stat.js';
import { TraceCmdParser } from './trace-cmd.js';
import { TscdeadlineLatencyParser } from './tscdeadline-latency.js';
import type { LineParser, ParsedMeasurement, ParseOptions } from './types.js';
import { VmexitParser } from './vmexit.js';

export function createParser(format: ImportFormat, opts: ParseOptions = {}): LineParser {
  switch (format) {
    case 'cyclictest':
      return new CyclictestStatusParser(opts);
    case 'cyclictest-verbose':
      return new CyclictestVerboseParser(opts);
    case 'cyclictest-hist':
      return new CyclictestHistParser(opts);
    case 'cyclictest-json':
      return new CyclictestJsonParser(opts);
    case 'tscdeadline-latency':
      return new TscdeadlineLatencyParser();
    case 'vmexit':
      return new VmexitParser();
    case 'trace-cmd':
      return new TraceCmdParser(opts);
    case 'perf-kvm-stat':
      return new PerfKvmStatParser();
  }
}

function undetected(lines: string[]): FormatError {
  const idx = lines.findIndex((l) => l.trim() !== '');
  const first = lines[idx];
  if (first === undefined) return new FormatError(1, 'a supported file (cyclictest, tscdeadline_latency, vmexit, trace-cmd report, perf kvm stat)', '(end of file)');
  assertText(first, idx + 1); // binary garbage gets the more precise message
  return new FormatError(idx + 1, 'a line of a supported format (cyclictest, tscdeadline_latency, vmexit, trace-cmd report, perf kvm stat)', first);
}

/** Parses a whole text held in memory (small inputs, tests). */
export function parseText(text: string, format?: ImportFormat, opts: ParseOptions = {}): ParsedMeasurement {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const max = opts.maxLineChars ?? MAX_LINE_CHARS;
  lines.forEach((line, i) => checkLineLength(line, i + 1, max));
  const fmt = format ?? detectedIn(lines);
  if (!fmt) throw undetected(lines);
  const p = createParser(fmt, opts);
  lines.forEach((line, i) => p.push(stripCr(line), i + 1));
  return p.finish();
}

function detectedIn(lines: string[]): ImportFormat | null {
  const window = new SniffWindow();
  for (const l of lines) if (!window.add(stripCr(l))) break;
  return window.detect();
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export interface StreamProgress {
  lines: number;
  chars: number;
}

/**
 * Parses any async iterable of lines (without their newlines; splitLines makes them from file or
 * upload chunks with the length cap applied as they arrive) in bounded memory. Without
 * `format`, buffers up to 50 non-empty lines to sniff it, then streams the rest.
 * `onProgress` is called every `progressEvery` lines (default 50 000) and once at the end.
 */
export async function parseLineStream(
  lines: AsyncIterable<string>,
  format?: ImportFormat,
  onProgress?: (p: StreamProgress) => void,
  opts: ParseOptions & { progressEvery?: number } = {},
): Promise<ParsedMeasurement> {
  const every = opts.progressEvery ?? 50_000;
  let parser: LineParser | null = format ? createParser(format, opts) : null;
  const window = new SniffWindow();
  let lineNo = 0;
  let chars = 0;
  const flush = (): void => {
    const fmt = window.detect();
    if (!fmt) throw undetected(window.lines);
    parser = createParser(fmt, opts);
    window.lines.forEach((l, i) => (parser as LineParser).push(l, i + 1));
    window.lines.length = 0;
  };
  const max = opts.maxLineChars ?? MAX_LINE_CHARS;
  for await (const raw of lines) {
    const line = stripCr(raw);
    lineNo++;
    checkLineLength(line, lineNo, max);
    chars += line.length + 1;
    if (parser) {
      parser.push(line, lineNo);
    } else if (!window.add(line)) {
      flush();
    }
    if (onProgress && lineNo % every === 0) onProgress({ lines: lineNo, chars });
  }
  if (!parser) flush();
  onProgress?.({ lines: lineNo, chars });
  return (parser as unknown as LineParser).finish();
}
