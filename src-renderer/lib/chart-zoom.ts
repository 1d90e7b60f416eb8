/**
 * Drag-to-zoom and pan for chart.js charts, as a small plugin: drag a box to zoom into it (a flat
 * box zooms the x axis only), shift-drag to pan, double-click to go back to the full range. Works
 * on linear and log axes (the range is read back through the scale's own pixel mapping).
 * `onzoom` hears every change with the new ranges (null: back to the full view).
 */
import type { Chart, Plugin } from 'chart.js';

export interface ZoomRange {
  x?: [number, number];
  y?: [number, number];
}

export interface ZoomOptions {
  /** Axes that may zoom: 'x' for timelines and waterfalls, 'xy' for histograms, CDFs and spectra. */
  axes: 'x' | 'xy';
  onzoom?: (range: ZoomRange | null) => void;
}

interface DragState {
  /** Where the drag started (x0/y0 follow a pan). */
  startX: number;
  startY: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pan: boolean;
  range: ZoomRange;
}

/** Boxes smaller than this (px) are clicks, not zooms; a longer drag is never a click. */
const MIN_DRAG_PX = 6;
/** A box flatter than this (px) zooms x only. */
const MIN_Y_DRAG_PX = 14;

function scaleRange(chart: Chart, id: 'x' | 'y'): [number, number] | undefined {
  const s = chart.scales[id];
  return s && s.type !== 'category' ? [s.min, s.max] : undefined;
}

function setRange(chart: Chart, id: 'x' | 'y', r: [number, number] | undefined): void {
  const opts = chart.options.scales?.[id] as { min?: number; max?: number } | undefined;
  if (!opts || !r) return;
  opts.min = r[0];
  opts.max = r[1];
}

/** The current ranges of a chart's numeric axes. */
export function currentRange(chart: Chart): ZoomRange {
  const x = scaleRange(chart, 'x');
  const y = scaleRange(chart, 'y');
  return { ...(x ? { x } : {}), ...(y ? { y } : {}) };
}

export function zoomPlugin(options: ZoomOptions): Plugin {
  let initial: ZoomRange | null = null;
  let drag: DragState | null = null;
  let zoomed = false;
  // The browser clicks where a drag ends: that click is not the chart's onClick.
  let swallowClick = false;
  const cleanups: Array<() => void> = [];

  const reset = (chart: Chart) => {
    if (!initial || !zoomed) return;
    setRange(chart, 'x', initial.x);
    setRange(chart, 'y', initial.y);
    zoomed = false;
    chart.update('none');
    options.onzoom?.(null);
  };

  const apply = (chart: Chart, range: ZoomRange) => {
    // The full view is the one before the first zoom (scales exist only once the chart is drawn).
    if (!zoomed) initial = currentRange(chart);
    if (range.x) setRange(chart, 'x', range.x);
    if (range.y && options.axes === 'xy') setRange(chart, 'y', range.y);
    zoomed = true;
    chart.update('none');
    options.onzoom?.(currentRange(chart));
  };

  const valueAt = (chart: Chart, id: 'x' | 'y', px: number) => chart.scales[id]!.getValueForPixel(px) as number;

  return {
    id: 'labZoom',
    afterInit(chart) {
      const canvas = chart.canvas;
      const local = (e: MouseEvent) => {
        const r = canvas.getBoundingClientRect();
        return { x: e.clientX - r.left, y: e.clientY - r.top };
      };
      const inside = (p: { x: number; y: number }) => {
        const a = chart.chartArea;
        return p.x >= a.left && p.x <= a.right && p.y >= a.top && p.y <= a.bottom;
      };
      const down = (e: MouseEvent) => {
        swallowClick = false;
        if (e.button !== 0) return;
        const p = local(e);
        if (!inside(p)) return;
        e.preventDefault();
        drag = { startX: p.x, startY: p.y, x0: p.x, y0: p.y, x1: p.x, y1: p.y, pan: e.shiftKey, range: currentRange(chart) };
      };
      const move = (e: MouseEvent) => {
        if (!drag) return;
        const p = local(e);
        const a = chart.chartArea;
        drag.x1 = Math.min(a.right, Math.max(a.left, p.x));
        drag.y1 = Math.min(a.bottom, Math.max(a.top, p.y));
        if (drag.pan) {
          const dx = drag.x1 - drag.x0;
          const dy = drag.y1 - drag.y0;
          const shift = (id: 'x' | 'y', d: number, r: [number, number] | undefined): [number, number] | undefined => {
            if (!r) return undefined;
            const s = chart.scales[id]!;
            // Shift the range by the dragged distance, in the axis's own (linear or log) terms.
            const lo = s.getPixelForValue(r[0]) - d;
            const hi = s.getPixelForValue(r[1]) - d;
            return [valueAt(chart, id, lo), valueAt(chart, id, hi)].sort((m, n) => m - n) as [number, number];
          };
          const x = shift('x', dx, drag.range.x);
          const y = options.axes === 'xy' ? shift('y', dy, drag.range.y) : undefined;
          drag.x0 = drag.x1;
          drag.y0 = drag.y1;
          drag.range = { ...(x ? { x } : {}), ...(y ? { y } : {}) };
          apply(chart, drag.range);
        } else chart.draw();
      };
      const up = () => {
        const d = drag;
        drag = null;
        if (!d) return;
        swallowClick = Math.max(Math.abs(d.x1 - d.startX), Math.abs(d.y1 - d.startY)) >= MIN_DRAG_PX;
        if (d.pan) return;
        chart.draw();
        if (Math.abs(d.x1 - d.x0) < MIN_DRAG_PX) return;
        const xs = [valueAt(chart, 'x', d.x0), valueAt(chart, 'x', d.x1)].sort((m, n) => m - n) as [number, number];
        const tall = options.axes === 'xy' && Math.abs(d.y1 - d.y0) >= MIN_Y_DRAG_PX && scaleRange(chart, 'y') !== undefined;
        const ys = tall ? ([valueAt(chart, 'y', d.y0), valueAt(chart, 'y', d.y1)].sort((m, n) => m - n) as [number, number]) : undefined;
        apply(chart, { x: xs, ...(ys ? { y: ys } : {}) });
      };
      const dbl = (e: MouseEvent) => {
        if (!inside(local(e))) return;
        reset(chart);
      };
      canvas.addEventListener('mousedown', down);
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
      canvas.addEventListener('dblclick', dbl);
      cleanups.push(() => {
        canvas.removeEventListener('mousedown', down);
        window.removeEventListener('mousemove', move);
        window.removeEventListener('mouseup', up);
        canvas.removeEventListener('dblclick', dbl);
      });
      (chart as unknown as { resetZoom: () => void }).resetZoom = () => reset(chart);
    },
    beforeEvent(_chart, args) {
      if (args.event.type !== 'click' || !swallowClick) return;
      swallowClick = false;
      return false;
    },
    afterDraw(chart) {
      if (!drag || drag.pan) return;
      const { ctx } = chart;
      const a = chart.chartArea;
      const tall = options.axes === 'xy' && Math.abs(drag.y1 - drag.y0) >= MIN_Y_DRAG_PX;
      const top = tall ? Math.min(drag.y0, drag.y1) : a.top;
      const h = tall ? Math.abs(drag.y1 - drag.y0) : a.bottom - a.top;
      ctx.save();
      ctx.fillStyle = 'rgba(80, 130, 220, 0.15)';
      ctx.strokeStyle = 'rgba(80, 130, 220, 0.8)';
      ctx.lineWidth = 1;
      ctx.fillRect(Math.min(drag.x0, drag.x1), top, Math.abs(drag.x1 - drag.x0), h);
      ctx.strokeRect(Math.min(drag.x0, drag.x1), top, Math.abs(drag.x1 - drag.x0), h);
      ctx.restore();
    },
    afterDestroy() {
      for (const c of cleanups.splice(0)) c();
    },
  };
}

/** Back to the full range of a chart made with zoomPlugin. */
export function resetZoom(chart: Chart): void {
  (chart as unknown as { resetZoom?: () => void }).resetZoom?.();
}
