/**
 * A chart as plain data: the one shape both renderers take (chart.js in the renderer, the pure
 * SVG writer in `svg.ts` for exports, the CLI and the HTML report). Values are already shaped:
 * histograms are pre-binned, long series already thinned. Must not import anything but src-shared.
 */
import { COST_NAMES, CRITICAL_PATH_COSTS, WAIT_STEPS } from '../profile.js';
import { strategyColor } from '../strategies.js';

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
  /** Dash pattern of a line (px on, px off), e.g. [6, 4]; absent = solid. */
  dash?: number[];
  /** Draws a dot at every point of a line (few points, e.g. a sweep). */
  markers?: boolean;
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

/**
 * Palette for stacked step breakdowns, indexed by `KNOWN_STEPS` (entry i colours step i).
 * Ordered so that steps which sit next to each other in a stack (the expiry path in engine
 * order, and `hv_countdown` after `guest_deliver`) get clearly different hues.
 */
export const STEP_PALETTE = [
  '#4E79A7', // vmexit_hw: blue
  '#F28E2B', // exit_post: orange
  '#59A14F', // entry_prep: green
  '#E15759', // vmentry_hw: red
  '#B07AA1', // hv_handler: purple
  '#76B7B2', // ext_intr_handler: teal
  '#EDC948', // host_irq_dispatch: yellow
  '#9C755F', // hrtimer_interrupt: brown
  '#FF9DA7', // apic_timer_fn: pink
  '#8CD17D', // clockevent_program: light green
  '#79706E', // clockevent_bias: grey
  '#D37295', // host_lapic_irq_hw: magenta
  '#A0CBE8', // pending_inject: light blue
  '#B6992D', // guest_deliver: olive
  '#17BECF', // hv_countdown: cyan
  '#FFBE7D', // halt_poll_wake: light orange
  '#499894', // post_block_switch_back_pending: dark teal
  '#D4A6C8', // sched_wakeup: lilac
  '#1F3A93', // cstate_exit: navy
  '#F1CE63', // wrmsr_dispatch: pale yellow
  '#C05A2B', // hrtimer_cancel: rust
  '#6B8E23', // sw_deadline_math: olive drab
  '#8E44AD', // hrtimer_start: violet
  '#2E8B57', // hv_set_math: sea green
];

/**
 * Every step name the engine reports, in the order their colours are assigned: the expiry path
 * first (engine order), then the preemption-timer countdown, blocking and arming, the guest side,
 * and the remaining waits. A step keeps its colour in every chart, whatever else is shown with it.
 */
export const KNOWN_STEPS: readonly string[] = [
  ...new Set([
    ...COST_NAMES.slice(0, CRITICAL_PATH_COSTS),
    'hv_countdown',
    'halt_poll_wake',
    'post_block_switch_back_pending',
    'sched_wakeup',
    'cstate_exit',
    'wrmsr_dispatch',
    'hrtimer_cancel',
    'sw_deadline_math',
    'hrtimer_start',
    'hv_set_math',
    'vmcs_pin_rmw',
    'hv_arm_per_entry',
    ...COST_NAMES.filter((n) => n.startsWith('guest_')),
    ...COST_NAMES,
    ...WAIT_STEPS,
  ]),
];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** Step colours by index: the palette first, then evenly spaced hues (golden angle) so none repeats. */
export function stepColor(i: number): string {
  if (i < STEP_PALETTE.length) return STEP_PALETTE[i] as string;
  const hue = Math.round(((i - STEP_PALETTE.length) * 137.508 + 20) % 360);
  const light = 42 + ((i * 7) % 3) * 10;
  return `hsl(${hue}, 55%, ${light}%)`;
}

/** FNV-1a of a string (stable across runs and platforms). */
function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The colour of a critical-path step, derived from its name alone so it is the same in every
 * chart and view: known steps by their place in `KNOWN_STEPS`, unknown ones by a hash of the name.
 */
export function stepColorByName(name: string): string {
  const i = KNOWN_STEPS.indexOf(name);
  if (i >= 0) return stepColor(i);
  const h = hashName(name);
  return `hsl(${h % 360}, ${50 + ((h >>> 9) % 3) * 10}%, ${38 + ((h >>> 13) % 3) * 10}%)`;
}

/** `#rrggbb` mixed toward white (amount > 0) or black (amount < 0), |amount| ≤ 1. */
export function shade(hex: string, amount: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1] as string, 16);
  const target = amount > 0 ? 255 : 0;
  const a = Math.min(1, Math.abs(amount));
  const ch = (v: number) => Math.round(v + (target - v) * a);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(ch);
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Series colours for runs, from their strategies: a strategy's first run has the strategy's
 * colour in every view and export; further runs of the same strategy (another kernel, CPU or
 * seed) get darker, then lighter shades of it, in the order given.
 */
export function runColors(strategies: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return strategies.map((s) => {
    const k = seen.get(s) ?? 0;
    seen.set(s, k + 1);
    const base = strategyColor(s);
    if (k === 0) return base;
    const step = Math.ceil(k / 2) * 0.3;
    return shade(base, k % 2 === 1 ? -step : step);
  });
}
