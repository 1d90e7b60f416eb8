/**
 * Plain-text tables for the terminal: columns two spaces apart, padded to the widest cell; a
 * control character in a cell (a newline in a stored name, say) is shown escaped, so each row
 * stays one line.
 */
import { escapeControlChars } from '../../src-shared/control-chars.js';

/** The rows as aligned text lines (`right` for figures, as perf prints them). */
export function textTable(rawRows: readonly (readonly string[])[], align: 'left' | 'right' = 'left'): string {
  const rows = rawRows.map((r) => r.map((c) => escapeControlChars(c)));
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (align === 'left' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}
