/**
 * Splitting an import into lines in bounded memory: chunks (text, or UTF-8 bytes as they arrive
 * from a file or an upload) become lines without their newline, and a line longer than the cap is
 * an error naming it as soon as the cap is passed, without reading the rest of it.
 * Must not import node:*, electron or better-sqlite3.
 */
import { FormatError } from './errors.js';

/** Longest line any import format needs (trace lines are < 1 KiB, cyclictest rows < 64 KiB). */
export const MAX_LINE_CHARS = 1 << 20;

export function lineTooLong(lineNo: number, start: string, max: number): FormatError {
  return new FormatError(lineNo, `a line of at most ${max} characters`, start);
}

/** Throws when `line` is longer than `max` characters. */
export function checkLineLength(line: string, lineNo: number, max = MAX_LINE_CHARS): void {
  if (line.length > max) throw lineTooLong(lineNo, line.slice(0, 80), max);
}

/**
 * Lines of `chunks`, split at "\n" (a trailing "\r" is kept for the caller to strip). Holds at
 * most one line of `maxLineChars` plus one chunk in memory.
 */
export async function* splitLines(chunks: AsyncIterable<string | Uint8Array>, maxLineChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let partsLength = 0;
  let lineNo = 0;
  const take = (piece: string): void => {
    if (partsLength + piece.length > maxLineChars) {
      throw lineTooLong(lineNo + 1, (parts.join('') + piece).slice(0, 80), maxLineChars);
    }
    parts.push(piece);
    partsLength += piece.length;
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      lineNo++;
      yield parts.length === 1 ? (parts[0] ?? '') : parts.join('');
      parts.length = 0;
      partsLength = 0;
      start = nl + 1;
    }
    if (start < text.length) take(text.slice(start));
  }
  const tail = decoder.decode();
  if (tail) take(tail);
  if (partsLength > 0) yield parts.join('');
}
