/**
 * Control characters in text users name things with: C0 (U+0000–U+001F: newline, tab, ESC, BEL…),
 * DEL and C1 (U+0080–U+009F). Names, tags and file names may hold none (a terminal would act on
 * an escape sequence in a name when it is listed); notes may hold newlines. Text stored by
 * earlier versions is shown with each such character escaped. Must not import anything.
 */

// eslint-disable-next-line no-control-regex
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHAR_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;

/** What a refusal says (the field is named by whoever reports it). */
export const CONTROL_CHAR_MESSAGE = 'control characters (newline, tab, escape, U+007F–U+009F…) are not allowed';
export const NOTES_CONTROL_CHAR_MESSAGE = 'control characters other than newline (tab, escape, U+007F–U+009F…) are not allowed';

/** True when `text` holds a control character (a newline counts unless `newlines`). */
export function hasControlChar(text: string, opts: { newlines?: boolean } = {}): boolean {
  return (opts.newlines ? CONTROL_CHAR_BUT_NEWLINE : CONTROL_CHAR).test(text);
}

/**
 * `text` with every control character written as a \uXXXX escape, so printing it cannot move the
 * cursor, retitle the window or start a new line (`keepNewlines`: newlines stay). The escape is
 * JSON's, so JSON text stays valid and means the same.
 */
export function escapeControlChars(text: string, opts: { keepNewlines?: boolean } = {}): string {
  const re = new RegExp((opts.keepNewlines ? CONTROL_CHAR_BUT_NEWLINE : CONTROL_CHAR).source, 'gu');
  return text.replace(re, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
