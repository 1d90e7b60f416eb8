// Test helpers for src-main/formats: where the shared sample files live, and a FormatError check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { FormatError, type ParsedMeasurement, type ParsedSeries } from '../../../src-main/formats/index.js';

import { repoRoot, samplesDir } from '../../samples.js';

export { repoRoot, samplesDir };

export function readSample(name: string): string {
  return readFileSync(path.join(samplesDir, name), 'utf8');
}

/** A fixture written for these tests, in the real layout of its tool (tests/fixtures/imports). */
export function readFixture(name: string): string {
  return readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'imports', name), 'utf8');
}

export const HIST_SAMPLE = 'cyclictest-histogram-4threads-h400.txt';
export const TRACE_SAMPLE = 'trace-cmd-report-host-kvm-hv-timer-excerpt.txt';

/** Asserts fn throws a FormatError for `line` with the documented message shape. */
export function expectFormatError(fn: () => unknown, line?: number): FormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FormatError);
  const err = caught as FormatError;
  expect(err.message).toMatch(/^line \d+: expected .+, got ".*"$/s);
  expect(err.message.startsWith(`line ${err.line}: expected ${err.expected}, got "`)).toBe(true);
  if (line !== undefined) expect(err.line).toBe(line);
  return err;
}

export async function* asyncLines(lines: Iterable<string>): AsyncGenerator<string> {
  for (const l of lines) yield l;
}

export const GARBAGE = '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\ufffd\ufffd';

/** One series per thread: the thread series of a multi-thread file, or the only series of a one-thread file. */
export function threadSeries(r: ParsedMeasurement): ParsedSeries[] {
  return r.series.length === 1 ? r.series : r.series.filter((s) => s.source.scope === 'thread');
}
