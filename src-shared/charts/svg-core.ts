/**
 * The pieces every SVG chart is made of: theme, XML escaping, scales, the document frame with
 * title and footer, legends, axes with non-overlapping tick labels, label fitting. The chart
 * kinds are drawn in svg.ts (xy, category) and svg-kinds.ts (waterfall, timeline, heat map).
 * Pure: no DOM, no node:*.
 */
import type { ResolvedAxis } from './axes.js';
import type { Tick } from './spec.js';

export interface SvgTheme {
  background: string;
  foreground: string;
  grid: string;
  font: string;
}

export const LIGHT_SVG_THEME: SvgTheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  grid: '#d0d7de',
  font: 'system-ui, -apple-system, "Segoe UI", sans-serif',
};

export interface SvgOptions {
  width?: number;
  height?: number;
  theme?: SvgTheme;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Short stable hash, so several charts inlined in one HTML page get distinct ids. */
export function hashText(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

export const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

export interface Scale {
  map(v: number): number;
  ticks: Tick[];
}

/** Maps an axis's values onto pixels [from, to]. */
export function axisScale(axis: ResolvedAxis, from: number, to: number): Scale {
  if (axis.log) {
    const l0 = Math.log10(axis.min);
    const l1 = Math.log10(axis.max);
    const map = (v: number): number => from + ((Math.log10(Math.max(v, Number.MIN_VALUE)) - l0) / (l1 - l0)) * (to - from);
    return { map, ticks: axis.ticks.filter((t) => t.value > 0) };
  }
  const map = (v: number): number => from + ((v - axis.min) / (axis.max - axis.min)) * (to - from);
  return { map, ticks: axis.ticks };
}

/** Average glyph width of the 12 px chart font, for estimating label widths without a DOM. */
export const AVG_CHAR_PX = 7;
/** Category labels never take more than this share of the chart width. */
export const MAX_LABEL_SHARE = 0.45;

/**
 * Left margin that fits the longest category label (estimated at `AVG_CHAR_PX` per character,
 * plus room for the tick gap and the rotated axis title), capped at `MAX_LABEL_SHARE` of the width.
 */
export function categoryLabelMargin(labels: readonly string[], width: number, min = 70): number {
  const longest = labels.reduce((a, l) => Math.max(a, l.length), 0);
  const wanted = Math.ceil(longest * AVG_CHAR_PX) + 16;
  return Math.max(min, Math.min(Math.floor(width * MAX_LABEL_SHARE), wanted));
}

/** Shortens a label with an ellipsis so it fits `px` at `AVG_CHAR_PX` per character. */
export function fitLabel(label: string, px: number): string {
  const chars = Math.floor(px / AVG_CHAR_PX);
  if (label.length <= chars) return label;
  return chars <= 1 ? '…' : `${label.slice(0, chars - 1).trimEnd()}…`;
}

export interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Opens the document: size, title, background; `attrs` go on the root (e.g. the axis ranges). */
export function open(width: number, height: number, title: string, theme: SvgTheme, attrs = ''): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(theme.font)}" font-size="12"${attrs}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${theme.background}"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="${theme.foreground}">${escapeXml(title)}</text>`,
  ];
}

/** Height of the footer line at the bottom of a figure (0 without one). */
export function footerHeight(footer: string | undefined): number {
  return footer ? 20 : 0;
}

/** Closes the document with the footer line (runs, profile, kernel, seed, engine version). */
export function close(out: string[], width: number, height: number, footer: string | undefined, theme: SvgTheme): string {
  if (footer) {
    out.push(`<text class="footer" x="${width / 2}" y="${height - 7}" text-anchor="middle" font-size="10.5" fill="${theme.foreground}" fill-opacity="0.75">${escapeXml(fitLabel(footer, (width - 20) * 1.15))}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

export interface LegendItem {
  label: string;
  color: string;
}

export const LEGEND_ROW = 18;

/** Lays legend items out in rows under the plot (text width estimated at 6.6 px per char). */
function legendRows(items: LegendItem[], width: number): Array<Array<{ item: LegendItem; x: number }>> {
  const rows: Array<Array<{ item: LegendItem; x: number }>> = [];
  let row: Array<{ item: LegendItem; x: number }> = [];
  let x = 0;
  for (const item of items) {
    const w = 14 + item.label.length * 6.6 + 18;
    if (row.length > 0 && x + w > width - 40) {
      rows.push(row);
      row = [];
      x = 0;
    }
    row.push({ item, x });
    x += w;
  }
  if (row.length) rows.push(row);
  return rows;
}

export function legend(out: string[], items: LegendItem[], width: number, top: number, theme: SvgTheme): void {
  out.push('<g class="legend">');
  legendRows(items, width).forEach((row, r) => {
    const last = row[row.length - 1];
    const rowWidth = last ? last.x + 14 + last.item.label.length * 6.6 : 0;
    const x0 = Math.max(10, (width - rowWidth) / 2);
    const y = top + r * LEGEND_ROW;
    for (const { item, x } of row) {
      out.push(`<rect x="${n2(x0 + x)}" y="${y - 9}" width="10" height="10" fill="${item.color}"/>`);
      out.push(`<text x="${n2(x0 + x + 14)}" y="${y}" fill="${theme.foreground}">${escapeXml(item.label)}</text>`);
    }
  });
  out.push('</g>');
}

export function legendHeight(items: LegendItem[], width: number): number {
  return legendRows(items, width).length * LEGEND_ROW;
}

/**
 * Which x tick labels fit side by side (estimated at AVG_CHAR_PX per character with a gap):
 * the first always, then each one that starts clear of the last one kept.
 */
export function nonOverlappingTicks(ticks: readonly Tick[], position: (v: number) => number, gap = 8): Tick[] {
  const kept: Tick[] = [];
  let lastRight = -Infinity;
  for (const t of [...ticks].sort((a, b) => position(a.value) - position(b.value))) {
    const half = (t.label.length * AVG_CHAR_PX) / 2;
    const x = position(t.value);
    if (x - half < lastRight + gap) continue;
    kept.push(t);
    lastRight = x + half;
  }
  return kept;
}

export function axes(out: string[], f: Frame, xs: Scale, ys: Scale, xLabel: string, yLabel: string, theme: SvgTheme): void {
  out.push('<g class="axes">');
  for (const t of ys.ticks) {
    const y = n2(ys.map(t.value));
    out.push(`<line x1="${f.left}" x2="${f.right}" y1="${y}" y2="${y}" stroke="${theme.grid}" stroke-width="0.5"/>`);
    out.push(`<text x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  }
  const labelled = new Set(nonOverlappingTicks(xs.ticks, xs.map));
  for (const t of xs.ticks) {
    const x = n2(xs.map(t.value));
    out.push(`<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.bottom}" stroke="${theme.grid}" stroke-width="0.5"/>`);
    if (labelled.has(t)) out.push(`<text class="x-tick" x="${x}" y="${f.bottom + 16}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  }
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="${theme.foreground}" stroke-width="1"/>`);
  out.push(`<text x="${(f.left + f.right) / 2}" y="${f.bottom + 36}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(xLabel)}</text>`);
  const cy = (f.top + f.bottom) / 2;
  out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})" fill="${theme.foreground}">${escapeXml(yLabel)}</text>`);
  out.push('</g>');
}

