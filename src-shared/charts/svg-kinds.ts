/**
 * SVG for the chart kinds beyond plain XY and category charts: the critical-path waterfall
 * (floating bars in execution order, cycles written beside them), the trace timeline (tracks of
 * slices) and the heat map of a two-parameter sweep (diverging colours, crossover edges).
 * Pure: no DOM, no node:*.
 */
import { dataExtent, formatNumber, resolveAxis, type ResolvedAxis } from './axes.js';
import type { HeatmapChartSpec, TimelineChartSpec, WaterfallChartSpec } from './spec.js';
import {
  AVG_CHAR_PX,
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
  nonOverlappingTicks,
  open,
  type Frame,
  type SvgTheme,
} from './svg-core.js';

/** Cycles written beside a waterfall bar: the step's length. */
export function waterfallLabel(start: number, end: number): string {
  return formatNumber(Math.round((end - start) * 10) / 10);
}

/** The value range of a waterfall: from 0 past the longest path, with room for the last label. */
export function waterfallRange(spec: WaterfallChartSpec): ResolvedAxis {
  const ends = spec.runs.flatMap((r) => r.bars.flatMap((b) => (b ? [b[1]] : [])));
  return resolveAxis(spec.value, 0, Math.max(1, ...ends) * 1.08);
}

/** The time range of a timeline: its slices' extent, rounded like every axis. */
export function timelineRange(spec: TimelineChartSpec): ResolvedAxis {
  const [t0, t1] = dataExtent(
    spec.slices.flatMap((s) => [s.start, s.end]),
    false,
  );
  return resolveAxis(spec.x, t0, t1);
}

export function renderWaterfall(spec: WaterfallChartSpec, width: number, height: number, theme: SvgTheme): string {
  const labels = spec.rows.map((r) => (r.inGroup ? `   ${r.label}` : r.label));
  const f: Frame = { left: categoryLabelMargin(labels, width, 90), top: 34, right: width - 24, bottom: height - 56 - legendHeight(spec.legend, width) - footerHeight(spec.footer) };
  const range = waterfallRange(spec);
  const xs = axisScale(range, f.left, f.right);
  const out = open(width, height, spec.title, theme, ` data-x-range="${range.min} ${range.max}"`);
  const n = Math.max(1, spec.rows.length);
  const band = (f.bottom - f.top) / n;
  const thick = (band * 0.8) / Math.max(1, spec.runs.length);
  axes(out, f, xs, { map: () => f.top, ticks: [] }, spec.value.label, '', theme);
  spec.rows.forEach((row, ri) => {
    const y = f.top + band * (ri + 0.5);
    const shown = fitLabel(labels[ri] as string, f.left - 12);
    out.push(`<text x="${f.left - 6}" y="${n2(y)}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}"${row.inGroup ? ' font-size="11"' : ' font-weight="600"'}>${escapeXml(shown)}</text>`);
  });
  spec.runs.forEach((run, k) => {
    out.push(`<g class="run"><title>${escapeXml(run.label)}</title>`);
    run.bars.forEach((b, ri) => {
      if (!b) return;
      const row = spec.rows[ri];
      if (!row) return;
      const top = f.top + band * ri + band * 0.1 + k * thick;
      const x0 = xs.map(b[0]);
      const w = Math.max(1, xs.map(b[1]) - x0);
      out.push(`<rect x="${n2(x0)}" y="${n2(top)}" width="${n2(w)}" height="${n2(Math.max(1, thick - 1))}" fill="${row.color}" stroke="${run.color}" stroke-width="1.5"><title>${escapeXml(`${run.label} · ${row.label}: ${waterfallLabel(b[0], b[1])}`)}</title></rect>`);
      const text = waterfallLabel(b[0], b[1]);
      out.push(`<text class="bar-label" x="${n2(x0 + w + 3)}" y="${n2(top + thick / 2)}" dominant-baseline="middle" font-size="10" fill="${theme.foreground}">${escapeXml(text)}</text>`);
    });
    out.push('</g>');
  });
  legend(out, spec.legend, width, f.bottom + 56, theme);
  return close(out, width, height, spec.footer, theme);
}

export function renderTimeline(spec: TimelineChartSpec, width: number, height: number, theme: SvgTheme): string {
  const f: Frame = { left: categoryLabelMargin(spec.tracks, width, 90), top: 34, right: width - 24, bottom: height - 56 - legendHeight(spec.legend, width) - footerHeight(spec.footer) };
  const range = timelineRange(spec);
  const xs = axisScale(range, f.left, f.right);
  const out = open(width, height, spec.title, theme, ` data-x-range="${range.min} ${range.max}"`);
  const n = Math.max(1, spec.tracks.length);
  const band = (f.bottom - f.top) / n;
  axes(out, f, xs, { map: () => f.top, ticks: [] }, spec.x.label, '', theme);
  spec.tracks.forEach((t, i) => {
    const y = f.top + band * (i + 0.5);
    out.push(`<text x="${f.left - 6}" y="${n2(y)}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${escapeXml(fitLabel(t, f.left - 12))}</text>`);
    if (i > 0) out.push(`<line x1="${f.left}" x2="${f.right}" y1="${n2(f.top + band * i)}" y2="${n2(f.top + band * i)}" stroke="${theme.grid}" stroke-width="0.5"/>`);
  });
  const clipId = `tl-${hashText(spec.title + spec.tracks.join('|'))}`;
  out.push(`<clipPath id="${clipId}"><rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clipId})">`);
  for (const s of spec.slices) {
    if (s.end < range.min || s.start > range.max) continue;
    const x0 = xs.map(Math.max(s.start, range.min));
    const x1 = xs.map(Math.min(s.end, range.max));
    const w = Math.max(1.2, x1 - x0);
    const top = f.top + band * s.track + band * 0.15;
    const h = band * 0.7;
    out.push(`<rect x="${n2(x0)}" y="${n2(top)}" width="${n2(w)}" height="${n2(h)}" fill="${s.color}"><title>${escapeXml(s.text ?? s.name)}</title></rect>`);
    if (w > s.name.length * AVG_CHAR_PX * 0.85 + 6) {
      out.push(`<text x="${n2(x0 + 3)}" y="${n2(top + h / 2)}" dominant-baseline="middle" font-size="10" fill="#ffffff">${escapeXml(s.name)}</text>`);
    }
  }
  out.push('</g>');
  legend(out, spec.legend, width, f.bottom + 56, theme);
  return close(out, width, height, spec.footer, theme);
}

/** Diverging colour of a heat-map cell: blue for negative, red for positive, white at zero. */
export function heatColor(v: number, maxAbs: number): string {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0;
  const to = t < 0 ? [33, 102, 172] : [178, 24, 43];
  const a = Math.abs(t);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `#${to.map(mix).map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Black or white text, whichever reads on a cell of this colour. */
function textOn(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const lum = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return lum < 140 ? '#ffffff' : '#1f2328';
}

export function renderHeatmap(spec: HeatmapChartSpec, width: number, height: number, theme: SvgTheme): string {
  const keyHeight = 34;
  const f: Frame = { left: categoryLabelMargin(spec.y.categories, width, 90) + 18, top: 34, right: width - 24, bottom: height - 56 - keyHeight - footerHeight(spec.footer) };
  const nx = Math.max(1, spec.x.categories.length);
  const ny = Math.max(1, spec.y.categories.length);
  const cw = (f.right - f.left) / nx;
  const ch = (f.bottom - f.top) / ny;
  const values = spec.cells.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  const out = open(width, height, spec.title, theme, ` data-cells="${values.length}" data-crossovers="${spec.crossover.length}"`);
  // y categories top to bottom in the order given; x categories left to right.
  const cx = (xi: number) => f.left + cw * xi;
  const cy = (yi: number) => f.top + ch * yi;
  spec.cells.forEach((row, yi) =>
    row.forEach((v, xi) => {
      const fill = v === null || !Number.isFinite(v) ? theme.grid : heatColor(v, maxAbs);
      out.push(`<rect class="cell" x="${n2(cx(xi))}" y="${n2(cy(yi))}" width="${n2(cw)}" height="${n2(ch)}" fill="${fill}" stroke="${theme.background}" stroke-width="1"><title>${escapeXml(`${spec.x.label} ${spec.x.categories[xi] ?? ''}, ${spec.y.label} ${spec.y.categories[yi] ?? ''}: ${v === null ? 'no result' : formatNumber(v)}`)}</title></rect>`);
      if (v !== null && Number.isFinite(v) && cw > 34 && ch > 14) {
        out.push(`<text x="${n2(cx(xi) + cw / 2)}" y="${n2(cy(yi) + ch / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="11" fill="${textOn(fill)}">${escapeXml(fitLabel(formatNumber(v), cw - 4))}</text>`);
      }
    }),
  );
  for (const c of spec.crossover) {
    const d = c.edge === 'right' ? `M${n2(cx(c.xi + 1))} ${n2(cy(c.yi))}V${n2(cy(c.yi + 1))}` : `M${n2(cx(c.xi))} ${n2(cy(c.yi + 1))}H${n2(cx(c.xi + 1))}`;
    out.push(`<path class="crossover" d="${d}" stroke="${theme.foreground}" stroke-width="3" stroke-linecap="round" fill="none"><title>crossover: the sign of the difference changes here</title></path>`);
  }
  const xTicks = nonOverlappingTicks(
    spec.x.categories.map((label, i) => ({ value: i, label })),
    (i) => cx(i) + cw / 2,
  );
  for (const t of xTicks) out.push(`<text class="x-tick" x="${n2(cx(t.value) + cw / 2)}" y="${f.bottom + 16}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(t.label)}</text>`);
  spec.y.categories.forEach((label, yi) => {
    out.push(`<text x="${f.left - 6}" y="${n2(cy(yi) + ch / 2)}" text-anchor="end" dominant-baseline="middle" fill="${theme.foreground}">${escapeXml(fitLabel(label, f.left - 30))}</text>`);
  });
  out.push(`<text x="${(f.left + f.right) / 2}" y="${f.bottom + 36}" text-anchor="middle" fill="${theme.foreground}">${escapeXml(spec.x.label)}</text>`);
  const my = (f.top + f.bottom) / 2;
  out.push(`<text x="16" y="${my}" text-anchor="middle" transform="rotate(-90 16 ${my})" fill="${theme.foreground}">${escapeXml(spec.y.label)}</text>`);
  // Colour key: −max … 0 … +max, with what each side means.
  const ky = f.bottom + 50;
  const kw = Math.min(320, width - 40);
  const kx = (width - kw) / 2;
  for (let i = 0; i < 32; i++) {
    const v = ((i + 0.5) / 32) * 2 * maxAbs - maxAbs;
    out.push(`<rect x="${n2(kx + (i * kw) / 32)}" y="${ky}" width="${n2(kw / 32 + 0.5)}" height="8" fill="${heatColor(v, maxAbs)}"/>`);
  }
  out.push(`<text x="${n2(kx)}" y="${ky + 20}" font-size="10.5" fill="${theme.foreground}">${escapeXml(`${formatNumber(-maxAbs)}: ${spec.negative}`)}</text>`);
  out.push(`<text x="${n2(kx + kw)}" y="${ky + 20}" text-anchor="end" font-size="10.5" fill="${theme.foreground}">${escapeXml(`${formatNumber(maxAbs)}: ${spec.positive}`)}</text>`);
  out.push(`<text x="${n2(kx + kw / 2)}" y="${ky - 3}" text-anchor="middle" font-size="10.5" fill="${theme.foreground}">${escapeXml(spec.valueLabel)}</text>`);
  return close(out, width, height, spec.footer, theme);
}
