/**
 * chart.js set-up: registers only what the lab uses (tree-shaken), and turns a ChartSpec (the
 * shared plain-data chart description) into a chart.js configuration. Performance rules from the
 * chart.js docs: no animation, `parsing: false` with pre-shaped {x, y} data, `normalized`, fixed
 * tick rotation, min-max decimation for long line series (keeps latency peaks).
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Plugin,
  type Scale,
  type ScaleOptions,
  type TooltipItem,
} from 'chart.js';
import type { AxisSpec, ChartSpec, XYPoint } from '../../src-shared/charts/spec.js';
import { formatNumber } from '../../src-shared/charts/shape.js';
import type { SvgTheme } from '../../src-shared/charts/svg.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
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

function axisOptions(axis: AxisSpec, colors: ChartColors, categories?: string[]): ScaleOptions<'linear'> {
  const fixed = axis.ticks;
  const labelOf = (v: number): string => {
    if (categories) return categories[Math.round(v)] ?? '';
    const t = fixed?.find((tk) => Math.abs(tk.value - v) <= Math.abs(tk.value) * 1e-9);
    if (t) return t.label;
    if (fixed) return '';
    // Log axes: label the powers of ten only (1, 10, 100 …), as OSADL plots do.
    if (axis.log && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) > 1e-9) return '';
    return formatNumber(v);
  };
  const opts = {
    type: axis.log ? 'logarithmic' : 'linear',
    min: axis.min,
    max: axis.max,
    title: { display: true, text: axis.label, color: colors.foreground },
    grid: { color: colors.grid },
    border: { color: colors.foreground },
    ticks: {
      color: colors.foreground,
      maxRotation: 0,
      minRotation: 0,
      autoSkip: !categories,
      stepSize: categories ? 1 : undefined,
      callback: (v: number | string) => labelOf(Number(v)),
    },
    afterBuildTicks: fixed
      ? (scale: Scale) => {
          scale.ticks = fixed
            .filter((t) => (scale.min === undefined || t.value >= scale.min - 1e-9) && (scale.max === undefined || t.value <= scale.max + 1e-9))
            .map((t) => ({ value: t.value }));
        }
      : undefined,
  };
  return opts as unknown as ScaleOptions<'linear'>;
}

/** Builds the chart.js configuration for a spec. */
export function toChartConfig(spec: ChartSpec, colors: ChartColors): ChartConfiguration {
  const common = {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    devicePixelRatio: Math.max(2, typeof window === 'undefined' ? 1 : window.devicePixelRatio),
    color: colors.foreground,
    font: { family: colors.font },
  };
  const legend = { display: true, position: 'bottom' as const, labels: { color: colors.foreground, boxWidth: 12 } };
  const title = { display: true, text: spec.title, color: colors.foreground, font: { size: 14, weight: 'bold' as const } };

  if (spec.kind === 'category') {
    const valueAxis = axisOptions(spec.value, colors);
    const catAxis = {
      type: 'category',
      stacked: spec.stacked,
      grid: { display: false },
      ticks: { color: colors.foreground },
      border: { color: colors.foreground },
    };
    const vAxis = { ...valueAxis, stacked: spec.stacked };
    return {
      type: 'bar',
      data: {
        labels: spec.categories,
        datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderWidth: 0 })),
      },
      options: {
        ...common,
        indexAxis: spec.horizontal ? 'y' : 'x',
        scales: spec.horizontal ? { x: vAxis, y: catAxis } : { x: catAxis, y: vAxis },
        plugins: {
          legend,
          title,
          tooltip: { callbacks: { label: (ctx: TooltipItem<'bar'>) => `${ctx.dataset.label ?? ''}: ${formatNumber(Number(ctx.raw))}` } },
        },
      } as never,
    };
  }

  const manyPoints = spec.series.some((s) => (s.style === 'line' || s.style === 'step') && s.points.length > DECIMATE_ABOVE);
  const datasets = spec.series.map((s): ChartDataset => {
    const data = s.points as unknown as Array<{ x: number; y: number }>;
    if (s.style === 'bars') {
      return {
        type: 'bar',
        label: s.label,
        data,
        backgroundColor: s.color,
        borderWidth: 0,
        barPercentage: 1,
        categoryPercentage: 0.9,
        grouped: false,
      } as unknown as ChartDataset<'bar'>;
    }
    if (s.style === 'points') {
      return {
        type: 'scatter',
        label: s.label,
        data,
        backgroundColor: s.color,
        borderColor: s.color,
        pointRadius: 3,
        pointHoverRadius: 5,
      } as ChartDataset<'scatter'>;
    }
    return {
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
      stepped: s.style === 'step' ? 'middle' : false,
      spanGaps: true,
    } as ChartDataset<'line'>;
  });
  const first = spec.series[0]?.style;
  const type = first === 'bars' ? 'bar' : first === 'points' ? 'scatter' : 'line';
  return {
    type,
    data: { datasets },
    options: {
      ...common,
      parsing: false,
      normalized: true,
      scales: { x: axisOptions(spec.x, colors), y: axisOptions(spec.y, colors, spec.yCategories) },
      interaction: first === 'points' ? { mode: 'nearest', intersect: true } : { mode: 'nearest', intersect: false, axis: 'x' },
      plugins: {
        // XY charts get an HTML legend (ChartBox): readable, selectable text that toggles series.
        legend: { display: false },
        title,
        decimation: { enabled: manyPoints && !spec.x.log, algorithm: 'min-max' },
        tooltip: {
          callbacks: {
            label: (ctx: TooltipItem<'line'>) => {
              const p = ctx.raw as XYPoint;
              return p.text ?? `${ctx.dataset.label ?? ''}: x ${formatNumber(p.x)}, y ${formatNumber(p.y)}`;
            },
          },
        },
      },
    } as never,
  } as ChartConfiguration;
}
