/**
 * chart.js set-up: registers only what the lab uses (tree-shaken), and turns a ChartSpec (the
 * shared plain-data chart description) into a chart.js configuration. Axis ranges and ticks come
 * from the shared axis rule (src-shared/charts/axes.ts), so the screen, the PNG and the SVG export
 * show the same range with the same labels, also after a zoom. Performance rules from the chart.js
 * docs: no animation, `parsing: false` with pre-shaped {x, y} data, `normalized`, fixed tick
 * rotation, min-max decimation for long plain line series (never for histogram outlines).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  SubTitle,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Plugin,
  type Scale,
  type ScaleOptions,
  type TooltipItem,
} from 'chart.js';
import { formatNumber, resolveAxis, resolveXYAxes, type ResolvedAxis } from '../../src-shared/charts/axes.js';
import type { AxisSpec, ChartSpec, TimelineChartSpec, WaterfallChartSpec, XYChartSpec, XYPoint } from '../../src-shared/charts/spec.js';
import { timelineRange, waterfallLabel, waterfallRange } from '../../src-shared/charts/svg-kinds.js';
import { nonOverlappingTicks, type SvgTheme } from '../../src-shared/charts/svg.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  SubTitle,
  Title,
  Tooltip,
);

export { Chart };

export interface ChartColors {
  background: string;
  foreground: string;
  grid: string;
  font: string;
}

/** Colours of exported figures: light whatever the screen uses. */
export const EXPORT_COLORS: ChartColors = {
  background: '#ffffff',
  foreground: '#1f2328',
  grid: '#d0d7de',
  font: 'system-ui, -apple-system, "Segoe UI", sans-serif',
};

/** Reads the current theme's colours from the CSS variables on <html>. */
export function themeColors(): ChartColors {
  const cs = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--surface', '#ffffff'),
    foreground: v('--fg', '#1f2328'),
    grid: v('--grid', '#d0d7de'),
    font: v('--font', 'system-ui, sans-serif'),
  };
}

export function svgTheme(c: ChartColors): SvgTheme {
  return { background: c.background, foreground: c.foreground, grid: c.grid, font: c.font };
}

/**
 * Fills the canvas before drawing so exported PNGs are not transparent
 * (chart.js canvases are transparent by default).
 */
export function backgroundPlugin(color: string): Plugin {
  return {
    id: 'labBackground',
    beforeDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
}

const DECIMATE_ABOVE = 1000;

/**
 * A numeric axis: its range from the shared rule; ticks recomputed by the same rule whenever the
 * range changes (a zoom), fixed tick labels (percentiles) kept.
 */
function axisOptions(axis: AxisSpec, resolved: ResolvedAxis, colors: ChartColors): ScaleOptions<'linear'> {
  let labels = new Map(resolved.ticks.map((t) => [t.value, t.label]));
  const opts = {
    type: axis.log ? 'logarithmic' : 'linear',
    min: resolved.min,
    max: resolved.max,
    title: { display: true, text: axis.label, color: colors.foreground },
    grid: { color: colors.grid },
    border: { color: colors.foreground },
    ticks: {
      color: colors.foreground,
      maxRotation: 0,
      minRotation: 0,
      autoSkip: false,
      callback: (v: number | string) => labels.get(Number(v)) ?? '',
    },
    afterBuildTicks: (scale: Scale) => {
      const now = resolveAxis({ ...axis, min: scale.min, max: scale.max }, scale.min, scale.max);
      // Labels that would overlap are left out by the SVG writer's rule (chart.js's own skipping
      // assumes evenly spaced ticks, which fixed ticks on a log axis are not).
      const horizontal = scale.axis === 'x';
      const length = Math.max(100, (horizontal ? scale.chart.width : scale.chart.height) - 90);
      const frac = (v: number) => (now.log ? (Math.log10(v) - Math.log10(now.min)) / (Math.log10(now.max) - Math.log10(now.min)) : (v - now.min) / (now.max - now.min || 1));
      const shown = horizontal ? new Set(nonOverlappingTicks(now.ticks, (v) => frac(v) * length)) : new Set(now.ticks);
      labels = new Map(now.ticks.map((t) => [t.value, shown.has(t) ? t.label : '']));
      scale.ticks = now.ticks.map((t) => ({ value: t.value }));
    },
  };
  return opts as unknown as ScaleOptions<'linear'>;
}

function categoryAxis(labels: readonly string[], colors: ChartColors, stacked: boolean) {
  return {
    type: 'category',
    labels: [...labels],
    stacked,
    grid: { display: false },
    ticks: { color: colors.foreground, autoSkip: false },
    border: { color: colors.foreground },
  };
}

function common(colors: ChartColors, responsive: boolean) {
  return {
    animation: false as const,
    responsive,
    maintainAspectRatio: false,
    devicePixelRatio: Math.max(2, typeof window === 'undefined' ? 1 : window.devicePixelRatio),
    color: colors.foreground,
    font: { family: colors.font },
  };
}

export interface BuildOptions {
  /** False for off-screen export canvases of a fixed size. */
  responsive?: boolean;
  /** A footer line under the plot (exports). */
  footer?: string;
}

/** A chart.js configuration and, per series of the spec, the datasets drawing it (the legend toggles those). */
export interface BuiltChart {
  config: ChartConfiguration;
  datasetsOfSeries: number[][];
}

function titlePlugins(spec: ChartSpec, colors: ChartColors, footer: string | undefined) {
  return {
    title: { display: true, text: spec.title, color: colors.foreground, font: { size: 14, weight: 'bold' as const } },
    subtitle: footer ? { display: true, position: 'bottom' as const, text: footer, color: colors.foreground, font: { size: 10.5 }, padding: { top: 8 } } : { display: false },
  };
}

/** Writes each floating bar's length (cycles) beside it: the waterfall's numbers on the chart. */
const barLabels: Plugin = {
  id: 'labBarLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.font = `10px ${String(chart.options.font?.family ?? 'sans-serif')}`;
    ctx.fillStyle = String(chart.options.color ?? '#000');
    ctx.textBaseline = 'middle';
    chart.data.datasets.forEach((ds, i) => {
      if (!chart.isDatasetVisible(i)) return;
      chart.getDatasetMeta(i).data.forEach((el, j) => {
        const v = ds.data[j] as unknown;
        if (!Array.isArray(v)) return;
        const bar = el as unknown as { x: number; y: number; base: number };
        ctx.fillText(waterfallLabel(v[0] as number, v[1] as number), Math.max(bar.x, bar.base) + 3, bar.y);
      });
    });
    ctx.restore();
  },
};

function waterfallConfig(spec: WaterfallChartSpec, colors: ChartColors, o: BuildOptions): BuiltChart {
  const value = waterfallRange(spec);
  return {
    datasetsOfSeries: spec.runs.map((_, i) => [i]),
    config: {
      type: 'bar',
      data: {
        labels: spec.rows.map((r) => (r.inGroup ? `   ${r.label}` : r.label)),
        datasets: spec.runs.map((run) => ({
          label: run.label,
          data: run.bars as unknown as number[],
          backgroundColor: spec.rows.map((r) => r.color),
          borderColor: run.color,
          borderWidth: 1.5,
          borderSkipped: false,
          categoryPercentage: 0.85,
          barPercentage: 0.95,
        })),
      },
      options: {
        ...common(colors, o.responsive ?? true),
        indexAxis: 'y',
        scales: { x: axisOptions(spec.value, value, colors), y: categoryAxis(spec.rows.map((r) => (r.inGroup ? `   ${r.label}` : r.label)), colors, false) },
        plugins: {
          ...titlePlugins(spec, colors, o.footer),
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (ctx: TooltipItem<'bar'>) => {
                const v = ctx.raw as [number, number] | null;
                return v ? `${ctx.dataset.label ?? ''}: ${waterfallLabel(v[0], v[1])} (from ${formatNumber(v[0])} to ${formatNumber(v[1])})` : '';
              },
            },
          },
        },
      } as never,
      plugins: [barLabels],
    },
  };
}

/** Writes slice names inside slices wide enough to hold them. */
const sliceLabels: Plugin = {
  id: 'labSliceLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const meta = chart.getDatasetMeta(0);
    const ds = chart.data.datasets[0];
    if (!ds) return;
    ctx.save();
    ctx.font = `10px ${String(chart.options.font?.family ?? 'sans-serif')}`;
    ctx.fillStyle = '#ffffff';
    ctx.textBaseline = 'middle';
    const a = chart.chartArea;
    meta.data.forEach((el, j) => {
      const d = ds.data[j] as unknown as { name?: string };
      const bar = el as unknown as { x: number; y: number; base: number };
      const left = Math.max(a.left, Math.min(bar.x, bar.base));
      const right = Math.min(a.right, Math.max(bar.x, bar.base));
      const name = d?.name ?? '';
      if (name && right - left > ctx.measureText(name).width + 6) ctx.fillText(name, left + 3, bar.y);
    });
    ctx.restore();
  },
};

function timelineConfig(spec: TimelineChartSpec, colors: ChartColors, o: BuildOptions): BuiltChart {
  const x = timelineRange(spec);
  return {
    datasetsOfSeries: [],
    config: {
      type: 'bar',
      data: {
        labels: spec.tracks,
        datasets: [
          {
            label: 'slices',
            data: spec.slices.map((s) => ({ x: [s.start, s.end], y: spec.tracks[s.track], name: s.name, text: s.text ?? s.name })) as never,
            backgroundColor: spec.slices.map((s) => s.color),
            borderWidth: 0,
            grouped: false,
            minBarLength: 2,
            categoryPercentage: 0.75,
            barPercentage: 1,
          },
        ],
      },
      options: {
        ...common(colors, o.responsive ?? true),
        indexAxis: 'y',
        scales: { x: axisOptions(spec.x, x, colors), y: categoryAxis(spec.tracks, colors, false) },
        plugins: {
          ...titlePlugins(spec, colors, o.footer),
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx: TooltipItem<'bar'>) => (ctx.raw as { text?: string }).text ?? '' } },
        },
      } as never,
      plugins: [sliceLabels],
    },
  };
}

function xyConfig(spec: XYChartSpec, colors: ChartColors, o: BuildOptions): BuiltChart {
  const range = resolveXYAxes(spec);
  const manyPoints = spec.series.some((s) => s.style === 'line' && s.points.length > DECIMATE_ABOVE);
  const datasets: ChartDataset[] = [];
  const datasetsOfSeries: number[][] = [];
  for (const s of spec.series) {
    const data = s.points as unknown as Array<{ x: number; y: number }>;
    if (s.style === 'band') {
      // The band fills between an invisible lower line and its upper edge.
      const lower = s.points.map((p) => ({ x: p.x, y: p.y0 ?? p.y }));
      datasets.push({ type: 'line', label: `${s.label} (low)`, data: lower, borderWidth: 0, pointRadius: 0, pointHitRadius: 0, fill: false } as ChartDataset<'line'>);
      datasets.push({
        type: 'line',
        label: s.label,
        data,
        borderWidth: 0,
        pointRadius: 0,
        pointHitRadius: 0,
        backgroundColor: `${s.color}33`,
        fill: '-1',
      } as unknown as ChartDataset<'line'>);
      datasetsOfSeries.push([datasets.length - 2, datasets.length - 1]);
      continue;
    }
    datasetsOfSeries.push([datasets.length]);
    if (s.style === 'bars') {
      datasets.push({ type: 'bar', label: s.label, data, backgroundColor: s.color, borderWidth: 0, barPercentage: 1, categoryPercentage: 0.9, grouped: false } as unknown as ChartDataset<'bar'>);
    } else if (s.style === 'points') {
      datasets.push({ type: 'scatter', label: s.label, data, backgroundColor: s.color, borderColor: s.color, pointRadius: 3, pointHoverRadius: 5 } as ChartDataset<'scatter'>);
    } else {
      datasets.push({
        type: 'line',
        label: s.label,
        data,
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: 1.6,
        borderDash: s.dash ?? [],
        pointRadius: s.markers ? 3 : 0,
        pointHoverRadius: s.markers ? 5 : 3,
        pointHitRadius: 4,
        // Histogram outlines carry their own corners: straight segments, drawn as given.
        stepped: false,
        spanGaps: false,
        fill: false,
      } as ChartDataset<'line'>);
    }
  }
  const first = spec.series[0]?.style;
  const type = first === 'bars' ? 'bar' : first === 'points' ? 'scatter' : 'line';
  return {
    datasetsOfSeries,
    config: {
      type,
      data: { datasets },
      options: {
        ...common(colors, o.responsive ?? true),
        parsing: false,
        normalized: true,
        scales: { x: axisOptions(spec.x, range.x, colors), y: axisOptions(spec.y, range.y, colors) },
        interaction: first === 'points' ? { mode: 'nearest', intersect: true } : { mode: 'nearest', intersect: false, axis: 'x' },
        plugins: {
          // XY charts get an HTML legend (ChartBox): readable, selectable text that toggles series.
          legend: { display: false },
          ...titlePlugins(spec, colors, o.footer),
          decimation: { enabled: manyPoints && !spec.x.log, algorithm: 'min-max' },
          tooltip: {
            filter: (item: TooltipItem<'line'>) => !String(item.dataset.label ?? '').endsWith('(low)'),
            callbacks: {
              label: (ctx: TooltipItem<'line'>) => {
                const p = ctx.raw as XYPoint;
                if (p.y0 !== undefined) return `${ctx.dataset.label ?? ''}: ${formatNumber(p.y0)} … ${formatNumber(p.y)}`;
                return p.text ?? `${ctx.dataset.label ?? ''}: x ${formatNumber(p.x)}, y ${formatNumber(p.y)}`;
              },
            },
          },
        },
      } as never,
    } as ChartConfiguration,
  };
}

/** Builds the chart.js configuration for a spec (the heat map is drawn as SVG, not here). */
export function buildChart(spec: ChartSpec, colors: ChartColors, o: BuildOptions = {}): BuiltChart {
  switch (spec.kind) {
    case 'xy':
      return xyConfig(spec, colors, o);
    case 'waterfall':
      return waterfallConfig(spec, colors, o);
    case 'timeline':
      return timelineConfig(spec, colors, o);
    case 'category':
      return {
        datasetsOfSeries: spec.series.map((_, i) => [i]),
        config: {
          type: 'bar',
          data: { labels: spec.categories, datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderWidth: 0 })) },
          options: {
            ...common(colors, o.responsive ?? true),
            indexAxis: spec.horizontal ? 'y' : 'x',
            scales: spec.horizontal
              ? { x: { ...axisOptions(spec.value, resolveAxis(spec.value, 0, 1), colors), min: 0, max: undefined, stacked: spec.stacked }, y: categoryAxis(spec.categories, colors, spec.stacked) }
              : { x: categoryAxis(spec.categories, colors, spec.stacked), y: { ...axisOptions(spec.value, resolveAxis(spec.value, 0, 1), colors), min: 0, max: undefined, stacked: spec.stacked } },
            plugins: {
              legend: { display: true, position: 'bottom' as const, labels: { color: colors.foreground, boxWidth: 12 } },
              ...titlePlugins(spec, colors, o.footer),
              tooltip: { callbacks: { label: (ctx: TooltipItem<'bar'>) => `${ctx.dataset.label ?? ''}: ${formatNumber(Number(ctx.raw))}` } },
            },
          } as never,
        },
      };
    case 'heatmap':
      throw new Error('heat maps are drawn as SVG');
  }
}
