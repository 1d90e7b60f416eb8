/**
 * FormatError: the single error type of the import parsers, always naming a line.
 * Must not import node:*, electron or better-sqlite3.
 */

function snippet(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\x00-\x1f\x7f-\x9f\ufffd]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class FormatError extends Error {
  readonly got: string;
  constructor(
    readonly line: number,
    readonly expected: string,
    got: string,
  ) {
    const g = snippet(got);
    super(`line ${line}: expected ${expected}, got "${g}"`);
    this.name = 'FormatError';
    this.got = g;
  }
}

export const END_OF_FILE = '(end of file)';

// Control characters other than tab, CR and ESC, DEL, and the UTF-8 replacement character.
// eslint-disable-next-line no-control-regex
const BINARY = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\ufffd]/;

/** Throws when a line looks like binary data rather than text. */
export function assertText(line: string, lineNo: number): void {
  if (BINARY.test(line)) throw new FormatError(lineNo, 'text', line);
}
