/** Plain-text tables for the terminal: columns two spaces apart, padded to the widest cell. */

/** The rows as aligned text lines (`right` for figures, as perf prints them). */
export function textTable(rows: readonly (readonly string[])[], align: 'left' | 'right' = 'left'): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (align === 'left' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}
