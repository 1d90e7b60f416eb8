/**
 * A small, self-contained SVG chart writer: takes a ChartSpec (the same data the chart.js charts
 * get) and returns one standalone `<svg>` string — axes with ticks and labels, linear or log
 * scales, line/step/bar/point series (one `<path>` each), stacked bars and a legend.
 * Used by the renderer's "SVG" export, the CLI and the HTML report. Pure: no DOM, no node:*.
 */
import type { AxisSpec, CategoryChartSpec, ChartSpec, Tick, XYChartSpec, XYPoint } from './spec.js';
import { formatNumber } from './shape.js';

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
function hashText(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

interface Scale {
  map(v: number): number;
  ticks: Tick[];
}

/** "Nice" linear ticks (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function makeScale(axis: AxisSpec, dataMin: number, dataMax: number, from: number, to: number): Scale {
  if (axis.log) {
    const lo = axis.min ?? Math.max(dataMin, Number.MIN_VALUE);
    const hi = axis.max ?? dataMax;
    const l0 = Math.log10(lo > 0 ? lo : 1);
    const l1Raw = Math.log10(hi > 0 ? hi : 10);
    // Without a fixed max, round up to the next power of ten so the peak is not clipped.
    const l1Nice = axis.max === undefined ? Math.ceil(l1Raw + 1e-9) : l1Raw;
    const l1 = l1Nice > l0 ? l1Nice : l0 + 1;
    const map = (v: number): number => from + ((Math.log10(Math.max(v, Number.MIN_VALUE)) - l0) / (l1 - l0)) * (to - from);
    let ticks = axis.ticks;
    if (!ticks) {
      ticks = [];
      for (let e = Math.ceil(l0 - 1e-9); e <= l1 + 1e-9; e++) ticks.push({ value: 10 ** e, label: formatNumber(10 ** e) });
    }
    return { map, ticks: ticks.filter((t) => t.value > 0) };
  }
  let lo = axis.min ?? Math.min(0, dataMin);
  let hi = axis.max ?? dataMax;
  if (!(hi > lo)) hi = lo + 1;
  if (axis.min === undefined && dataMin > 0 && dataMin > (hi - dataMin) * 2) lo = dataMin - (hi - dataMin) * 0.05;
  if (axis.max === undefined) {
    // Round the top up to a whole tick step so the largest value stays inside the frame.
    const t = niceTicks(lo, hi);
    const step = t.length > 1 ? (t[1] as number) - (t[0] as number) : 0;
    if (step > 0) hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const map = (v: number): number => from + ((v - lo) / (hi - lo)) * (to - from);
  const ticks = axis.ticks ?? niceTicks(lo, hi).map((v) => ({ value: v, label: formatNumber(v) }));
  return { map, ticks: ticks.filter((t) => t.value >= lo - 1e-9 && t.value <= hi + 1e-9) };
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

interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function open(width: number, height: number, title: string, theme: SvgTheme): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(theme.font)}" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${theme.background}"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" fill="${theme.foreground}">${escapeXml(title)}</text>`,
  ];
}

interface LegendItem {
  label: string;
  color: string;
}

const LEGEND_ROW = 18;

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

function legend(out: string[], items: LegendItem[], width: number, top: number, theme: SvgTheme): void {
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

function legendHeight(items: LegendItem[], width: number): number {
  return legendRows(items, width).length * LEGEND_ROW;
}

function axes(out: string[], f: Frame, xs: Scale, ys: Scale, xLabel: string, yLabel: string, theme: SvgTheme): void {
  out.push('<g class="axes">');
  for (const t of ys.ticks) {
    const y = n2(ys.map(t.value));
    out.push(`<line x1="${f.left}" x2="${f.right}" y1="${y}" y2="${y}" stroke="${theme.grid}" stroke-width="0.5"/>`);
    out.push(`<text x="${f.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  }
  for (const t of xs.ticks) {
    const x = n2(xs.map(t.value));
    out.push(`<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.bottom}" stroke="${theme.grid}" stroke-width="0.5"/>`);
    out.push(`<text x="${x}" y="${f.bottom + 16}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  }
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="${theme.foreground}" stroke-width="1"/>`);
  out.push(`<text x="${(f.left + f.right) / 2}" y="${f.bottom + 36}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(xLabel)}</text>`);
  const cy = (f.top + f.bottom) / 2;
  out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})" fill="${theme.foreground}">${escapeXml(yLabel)}</text>`);
  out.push('</g>');
}

function extent(values: number[], log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [log ? 1 : 0, log ? 10 : 1] : [lo, hi];
}

function minGap(points: XYPoint[]): number {
  let g = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = (points[i] as XYPoint).x - (points[i - 1] as XYPoint).x;
    if (d > 0 && d < g) g = d;
  }
  return g === Infinity ? 1 : g;
}

function renderXY(spec: XYChartSpec, width: number, height: number, theme: SvgTheme): string {
  const lh = legendHeight(spec.series, width);
  // Row names (trace timeline) fit like category labels, plus room for the rotated axis title.
  const left = spec.yCategories ? categoryLabelMargin(spec.yCategories, width, 76) + 14 : 70;
  const f: Frame = { left, top: 34, right: width - 24, bottom: height - 56 - lh };
  const all = spec.series.flatMap((s) => s.points);
  const [x0, x1] = extent(all.map((p) => p.x), spec.x.log === true);
  const [y0, y1] = extent(all.map((p) => p.y), spec.y.log === true);
  const xs = makeScale(spec.x, x0, x1, f.left, f.right);
  const ys = makeScale(spec.y, y0, y1, f.bottom, f.top);
  const out = open(width, height, spec.title, theme);
  if (spec.yCategories) ys.ticks = ys.ticks.map((t) => ({ ...t, label: fitLabel(t.label, f.left - 30) }));
  axes(out, f, xs, ys, spec.x.label, spec.y.label, theme);
  const clipId = `plot-${hashText(spec.title + spec.series.map((x) => x.label).join('|'))}`;
  out.push(`<clipPath id="${clipId}"><rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clipId})">`);
  const base = spec.y.log ? f.bottom : Math.min(f.bottom, Math.max(f.top, ys.map(0)));
  for (const s of spec.series) {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && !(spec.y.log && p.y <= 0) && !(spec.x.log && p.x <= 0));
    let d = '';
    if (s.style === 'bars') {
      const gap = minGap(pts);
      const w = Math.max(1, Math.abs(xs.map(pts[0] ? pts[0].x + gap : gap) - xs.map(pts[0] ? pts[0].x : 0)) * 0.85);
      for (const p of pts) {
        const x = xs.map(p.x) - w / 2;
        const y = ys.map(p.y);
        d += `M${n2(x)} ${n2(base)}V${n2(y)}h${n2(w)}V${n2(base)}Z`;
      }
      out.push(`<path d="${d}" fill="${s.color}" fill-opacity="0.75" stroke="none"><title>${escapeXml(s.label)}</title></path>`);
    } else if (s.style === 'points') {
      for (const p of pts) d += `M${n2(xs.map(p.x) - 3)} ${n2(ys.map(p.y))}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`;
      out.push(`<path d="${d}" fill="${s.color}" stroke="none"><title>${escapeXml(s.label)}</title></path>`);
    } else {
      pts.forEach((p, i) => {
        const x = n2(xs.map(p.x));
        const y = n2(ys.map(p.y));
        if (i === 0) d += `M${x} ${y}`;
        else d += s.style === 'step' ? `H${x}V${y}` : `L${x} ${y}`;
      });
      const dash = s.dash && s.dash.length > 0 ? ` stroke-dasharray="${s.dash.map(n2).join(' ')}"` : '';
      out.push(`<path d="${d || `M${f.left} ${f.bottom}`}" fill="none" stroke="${s.color}" stroke-width="1.6" stroke-linejoin="round"${dash}><title>${escapeXml(s.label)}</title></path>`);
      if (s.markers && pts.length > 0) {
        let m = '';
        for (const p of pts) m += `M${n2(xs.map(p.x) - 3)} ${n2(ys.map(p.y))}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`;
        out.push(`<path d="${m}" fill="${s.color}" stroke="none"/>`);
      }
    }
  }
  out.push('</g>');
  legend(out, spec.series, width, f.bottom + 56, theme);
  out.push('</svg>');
  return out.join('\n');
}

function renderCategory(spec: CategoryChartSpec, width: number, height: number, theme: SvgTheme): string {
  const lh = legendHeight(spec.series, width);
  // Horizontal bars: the left margin fits the longest category name (capped; longer ones get an ellipsis).
  const f: Frame = { left: spec.horizontal ? categoryLabelMargin(spec.categories, width) : 70, top: 34, right: width - 24, bottom: height - 56 - lh };
  const totals = spec.categories.map((_, ci) =>
    spec.stacked ? spec.series.reduce((a, s) => a + Math.max(0, s.values[ci] ?? 0), 0) : Math.max(0, ...spec.series.map((s) => s.values[ci] ?? 0)),
  );
  const vMax = Math.max(1, ...totals);
  const n = Math.max(1, spec.categories.length);
  const out = open(width, height, spec.title, theme);
  const vs = spec.horizontal ? makeScale(spec.value, 0, vMax, f.left, f.right) : makeScale(spec.value, 0, vMax, f.bottom, f.top);
  const band = ((spec.horizontal ? f.bottom - f.top : f.right - f.left) / n);
  const catTicks: Tick[] = spec.categories.map((c, i) => ({ value: i, label: c }));
  const catPos = (i: number): number => (spec.horizontal ? f.top : f.left) + band * (i + 0.5);
  // Axes: value ticks along one side, category names along the other.
  out.push('<g class="axes">');
  for (const t of vs.ticks) {
    const p = n2(vs.map(t.value));
    if (spec.horizontal) {
      out.push(`<line x1="${p}" x2="${p}" y1="${f.top}" y2="${f.bottom}" stroke="${theme.grid}" stroke-width="0.5"/>`);
      out.push(`<text x="${p}" y="${f.bottom + 16}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
    } else {
      out.push(`<line x1="${f.left}" x2="${f.right}" y1="${p}" y2="${p}" stroke="${theme.grid}" stroke-width="0.5"/>`);
      out.push(`<text x="${f.left - 6}" y="${p}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
    }
  }
  for (const t of catTicks) {
    const p = n2(catPos(t.value));
    const shown = spec.horizontal ? fitLabel(t.label, f.left - 16) : t.label;
    const full = shown === t.label ? '' : `<title>${escapeXml(t.label)}</title>`;
    out.push(spec.horizontal
      ? `<text x="${f.left - 6}" y="${p}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${full}${escapeXml(shown)}</text>`
      : `<text x="${p}" y="${f.bottom + 16}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  }
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="${theme.foreground}" stroke-width="1"/>`);
  const cx = spec.horizontal ? (f.left + f.right) / 2 : (f.left + f.right) / 2;
  out.push(`<text x="${cx}" y="${f.bottom + 36}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(spec.value.label)}</text>`);
  out.push('</g>');
  const thick = band * (spec.stacked ? 0.6 : 0.8 / Math.max(1, spec.series.length));
  const offsets = spec.categories.map(() => 0);
  spec.series.forEach((s, si) => {
    let d = '';
    spec.categories.forEach((_, ci) => {
      const v = Math.max(0, s.values[ci] ?? 0);
      const start = spec.stacked ? (offsets[ci] as number) : 0;
      const a = vs.map(start);
      const b = vs.map(start + v);
      const mid = catPos(ci);
      const off = spec.stacked ? -thick / 2 : -band * 0.4 + si * thick;
      if (spec.horizontal) d += `M${n2(a)} ${n2(mid + off)}H${n2(b)}v${n2(thick)}H${n2(a)}Z`;
      else d += `M${n2(mid + off)} ${n2(a)}V${n2(b)}h${n2(thick)}V${n2(a)}Z`;
      if (spec.stacked) offsets[ci] = start + v;
    });
    out.push(`<path d="${d || `M${f.left} ${f.top}`}" fill="${s.color}" stroke="none"><title>${escapeXml(s.label)}</title></path>`);
  });
  legend(out, spec.series, width, f.bottom + 56, theme);
  out.push('</svg>');
  return out.join('\n');
}

/** Renders a chart spec as a standalone SVG document string. */
export function renderSvg(spec: ChartSpec, opts: SvgOptions = {}): string {
  const theme = opts.theme ?? LIGHT_SVG_THEME;
  const width = opts.width ?? 900;
  // Keep at least ~200 px of plot whatever the legend takes.
  const height = Math.max(opts.height ?? 420, 290 + legendHeight(spec.series, width));
  return spec.kind === 'xy' ? renderXY(spec, width, height, theme) : renderCategory(spec, width, height, theme);
}
