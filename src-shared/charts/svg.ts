/**
 * A small, self-contained SVG chart writer: takes a ChartSpec (the same data the chart.js charts
 * get) and returns one standalone `<svg>` string — axes with ticks and labels, linear or log
 * scales, line/step/bar/point series (one `<path>` each), stacked bars and a legend.
 * Used by the renderer's "SVG" export, the CLI and the HTML report. Pure: no DOM, no node:*.
 */
import { niceTicks, resolveAxis, resolveXYAxes, type ResolvedAxis } from './axes.js';
import type { CategoryChartSpec, ChartSpec, Tick, XYChartSpec, XYPoint } from './spec.js';
import {
  LIGHT_SVG_THEME,
  axes,
  axisScale,
  categoryLabelMargin,
  close,
  escapeXml,
  fitLabel,
  footerHeight,
  hashText,
  legend,
  legendHeight,
  n2,
  open,
  type Frame,
  type LegendItem,
  type SvgOptions,
  type SvgTheme,
} from './svg-core.js';
import { renderHeatmap, renderTimeline, renderWaterfall } from './svg-kinds.js';

export { niceTicks };
export {
  AVG_CHAR_PX,
  LIGHT_SVG_THEME,
  MAX_LABEL_SHARE,
  categoryLabelMargin,
  escapeXml,
  fitLabel,
  nonOverlappingTicks,
  type SvgOptions,
  type SvgTheme,
} from './svg-core.js';

function minGap(points: XYPoint[]): number {
  let g = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = (points[i] as XYPoint).x - (points[i - 1] as XYPoint).x;
    if (d > 0 && d < g) g = d;
  }
  return g === Infinity ? 1 : g;
}

/** The axis ranges as root attributes, so a test (or a reader) can check them against the screen. */
function rangeAttrs(x: ResolvedAxis, y: ResolvedAxis): string {
  const r = (a: ResolvedAxis) => `${a.min} ${a.max}`;
  return ` data-x-range="${r(x)}" data-y-range="${r(y)}"`;
}

function renderXY(spec: XYChartSpec, width: number, height: number, theme: SvgTheme): string {
  const lh = legendHeight(spec.series.filter((s) => s.style !== 'band'), width);
  // Row names (trace timeline) fit like category labels, plus room for the rotated axis title.
  const left = spec.yCategories ? categoryLabelMargin(spec.yCategories, width, 76) + 14 : 70;
  const f: Frame = { left, top: 34, right: width - 24, bottom: height - 56 - lh - footerHeight(spec.footer) };
  const range = resolveXYAxes(spec);
  const xs = axisScale(range.x, f.left, f.right);
  const ys = axisScale(range.y, f.bottom, f.top);
  const out = open(width, height, spec.title, theme, rangeAttrs(range.x, range.y));
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
    } else if (s.style === 'band') {
      const banded = pts.filter((p) => p.y0 !== undefined && Number.isFinite(p.y0) && !(spec.y.log && (p.y0 as number) <= 0));
      banded.forEach((p, i) => (d += `${i === 0 ? 'M' : 'L'}${n2(xs.map(p.x))} ${n2(ys.map(p.y))}`));
      for (let i = banded.length - 1; i >= 0; i--) d += `L${n2(xs.map((banded[i] as XYPoint).x))} ${n2(ys.map((banded[i] as XYPoint).y0 as number))}`;
      out.push(`<path class="band" d="${d ? `${d}Z` : `M${f.left} ${f.bottom}`}" fill="${s.color}" fill-opacity="0.2" stroke="none"><title>${escapeXml(s.label)}</title></path>`);
    } else {
      // Lines and histogram outlines alike: straight segments through the given points.
      pts.forEach((p, i) => (d += `${i === 0 ? 'M' : 'L'}${n2(xs.map(p.x))} ${n2(ys.map(p.y))}`));
      const dash = s.dash && s.dash.length > 0 ? ` stroke-dasharray="${s.dash.map(n2).join(' ')}"` : '';
      out.push(`<path class="series" d="${d || `M${f.left} ${f.bottom}`}" fill="none" stroke="${s.color}" stroke-width="1.6" stroke-linejoin="round"${dash}><title>${escapeXml(s.label)}</title></path>`);
      if (s.markers && pts.length > 0) {
        let m = '';
        for (const p of pts) m += `M${n2(xs.map(p.x) - 3)} ${n2(ys.map(p.y))}a3 3 0 1 0 6 0a3 3 0 1 0 -6 0`;
        out.push(`<path d="${m}" fill="${s.color}" stroke="none"/>`);
      }
    }
  }
  out.push('</g>');
  legend(out, spec.series.filter((s) => s.style !== 'band'), width, f.bottom + 56, theme);
  return close(out, width, height, spec.footer, theme);
}

function renderCategory(spec: CategoryChartSpec, width: number, height: number, theme: SvgTheme): string {
  const lh = legendHeight(spec.series, width);
  // Horizontal bars: the left margin fits the longest category name (capped; longer ones get an ellipsis).
  const f: Frame = { left: spec.horizontal ? categoryLabelMargin(spec.categories, width) : 70, top: 34, right: width - 24, bottom: height - 56 - lh - footerHeight(spec.footer) };
  const totals = spec.categories.map((_, ci) =>
    spec.stacked ? spec.series.reduce((a, s) => a + Math.max(0, s.values[ci] ?? 0), 0) : Math.max(0, ...spec.series.map((s) => s.values[ci] ?? 0)),
  );
  const vMax = Math.max(1, ...totals);
  const n = Math.max(1, spec.categories.length);
  const out = open(width, height, spec.title, theme);
  const range = resolveAxis(spec.value, 0, vMax);
  const vs = spec.horizontal ? axisScale(range, f.left, f.right) : axisScale(range, f.bottom, f.top);
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
  const cx = (f.left + f.right) / 2;
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
  return close(out, width, height, spec.footer, theme);
}

/** Legend entries of a spec (what the SVG lists under the plot). */
function legendItems(spec: ChartSpec): LegendItem[] {
  switch (spec.kind) {
    case 'xy':
      return spec.series.filter((s) => s.style !== 'band');
    case 'category':
      return spec.series;
    case 'waterfall':
      return spec.legend;
    case 'timeline':
      return spec.legend;
    case 'heatmap':
      return [];
  }
}

/** Renders a chart spec as a standalone SVG document string. */
export function renderSvg(spec: ChartSpec, opts: SvgOptions = {}): string {
  const theme = opts.theme ?? LIGHT_SVG_THEME;
  const width = opts.width ?? 900;
  // Keep at least ~200 px of plot whatever the legend takes.
  const height = Math.max(opts.height ?? 420, 290 + legendHeight(legendItems(spec), width) + footerHeight(spec.footer));
  switch (spec.kind) {
    case 'xy':
      return renderXY(spec, width, height, theme);
    case 'category':
      return renderCategory(spec, width, height, theme);
    case 'waterfall':
      return renderWaterfall(spec, width, Math.max(height, 120 + spec.rows.length * Math.max(14, spec.runs.length * 12) + legendHeight(spec.legend, width)), theme);
    case 'timeline':
      return renderTimeline(spec, width, height, theme);
    case 'heatmap':
      return renderHeatmap(spec, width, height, theme);
  }
}
