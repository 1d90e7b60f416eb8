/**
 * A chart as plain data: the one shape both renderers take (chart.js in the renderer, the pure
 * SVG writer in `svg.ts` for exports, the CLI and the HTML report). Values are already shaped:
 * histograms are pre-binned, long series already thinned. Must not import anything but src-shared.
 */

/** A labelled tick at a data value (e.g. 1/(1−p) = 100 labelled "99%"). */
export interface Tick {
  value: number;
  label: string;
}

export interface AxisSpec {
  label: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** Fixed ticks; without them the renderer picks "nice" ones. */
  ticks?: Tick[];
}

export interface XYPoint {
  x: number;
  y: number;
  /** Optional tooltip text (trace events). */
  text?: string;
}

/** `line` joins points, `step` draws a histogram outline, `bars` draws one bar per point, `points` a scatter. */
export type XYStyle = 'line' | 'step' | 'bars' | 'points';

export interface XYSeries {
  label: string;
  color: string;
  style: XYStyle;
  /** Sorted by x for line/step/bars. */
  points: XYPoint[];
}

export interface XYChartSpec {
  kind: 'xy';
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  series: XYSeries[];
  /** Names a y value for `points` charts with one row per category (trace timeline). */
  yCategories?: string[];
}

export interface CategorySeries {
  label: string;
  color: string;
  /** One value per category. */
  values: number[];
}

export interface CategoryChartSpec {
  kind: 'category';
  title: string;
  categories: string[];
  /** Bars run left to right with categories down the side. */
  horizontal: boolean;
  stacked: boolean;
  value: AxisSpec;
  series: CategorySeries[];
}

export type ChartSpec = XYChartSpec | CategoryChartSpec;

/** Colour-blind-safe series palette (Okabe–Ito), readable on light and dark backgrounds. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

/** A longer palette for stacked step breakdowns (many steps). */
export const STEP_PALETTE = [
  '#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7',
  '#9C755F', '#BAB0AC', '#1F77B4', '#AEC7E8', '#FFBB78', '#98DF8A', '#FF9896', '#C5B0D5',
];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}
/** Step colours: the palette first, then evenly spaced hues (golden angle) so none repeats. */
export function stepColor(i: number): string {
  if (i < STEP_PALETTE.length) return STEP_PALETTE[i] as string;
  const hue = Math.round(((i - STEP_PALETTE.length) * 137.508 + 20) % 360);
  const light = 42 + ((i * 7) % 3) * 10;
  return `hsl(${hue}, 55%, ${light}%)`;
}
