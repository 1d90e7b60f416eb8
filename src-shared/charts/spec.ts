/**
 * A chart as plain data: the one shape both renderers take (chart.js in the renderer, the pure
 * SVG writer in `svg.ts` for exports, the CLI and the HTML report). Values are already shaped:
 * histograms are pre-binned, long series already thinned. Must not import anything but src-shared.
 */
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
  /** A linear axis that hugs the data (rounded to tick steps) instead of reaching down to 0. */
  tight?: boolean;
}

export interface XYPoint {
  x: number;
  y: number;
  /** Lower edge of a `band` at x (y is its upper edge). */
  y0?: number;
  /** Optional tooltip text (trace events). */
  text?: string;
}

/**
 * `line` joins points; `step` is a histogram outline whose points are its corners (drawn with
 * straight segments, so both renderers draw the same shape, zeros included); `bars` draws one bar
 * per point; `points` a scatter; `band` fills between y0 and y (a confidence band).
 */
export type XYStyle = 'line' | 'step' | 'bars' | 'points' | 'band';

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
  /** One line under an exported figure: runs, profile, kernel, seed, engine version. */
  footer?: string;
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
  footer?: string;
  categories: string[];
  /** Bars run left to right with categories down the side. */
  horizontal: boolean;
  stacked: boolean;
  value: AxisSpec;
  series: CategorySeries[];
}

/** A row of a waterfall: one step (or a collapsed group of steps) of the critical path. */
export interface WaterfallRow {
  /** Step name or group id (what a click expands). */
  key: string;
  label: string;
  color: string;
  /** A step shown inside an expanded group. */
  inGroup?: boolean;
}

export interface WaterfallRun {
  label: string;
  /** The run's colour (its bar outlines and legend entry). */
  color: string;
  /** Per row: the bar's [start, end] in the value unit, or null when the run has no such step. */
  bars: Array<[number, number] | null>;
}

/**
 * Where the cycles go, in execution order: one row per step or group (top to bottom), and in each
 * row one floating bar per run from where the step starts to where it ends, with its cycles
 * written beside it.
 */
export interface WaterfallChartSpec {
  kind: 'waterfall';
  title: string;
  footer?: string;
  rows: WaterfallRow[];
  runs: WaterfallRun[];
  value: AxisSpec;
  legend: Array<{ label: string; color: string }>;
}

export interface TimelineSlice {
  track: number;
  start: number;
  end: number;
  name: string;
  color: string;
  /** Tooltip text. */
  text?: string;
}

/** A trace drawn as tracks (vCPU, host pCPU, housekeeping CPU) of slices with durations, Perfetto style. */
export interface TimelineChartSpec {
  kind: 'timeline';
  title: string;
  footer?: string;
  tracks: string[];
  /** Slices with a duration; instants have start = end and are drawn as thin marks. */
  slices: TimelineSlice[];
  x: AxisSpec;
  legend: Array<{ label: string; color: string }>;
}

/** A two-parameter sweep: one cell per (x, y) value pair, coloured by a signed difference. */
export interface HeatmapChartSpec {
  kind: 'heatmap';
  title: string;
  footer?: string;
  x: { label: string; categories: string[] };
  y: { label: string; categories: string[] };
  /** cells[yi][xi]: the value, or null when that pair has no result. */
  cells: Array<Array<number | null>>;
  /** What a cell's value is, e.g. "mean vmx-preemption − hrtimer (cycles)". */
  valueLabel: string;
  /** Cell edges where the sign changes between neighbours: where one strategy stops winning. */
  crossover: Array<{ xi: number; yi: number; edge: 'right' | 'below' }>;
  /** What a negative and a positive value mean, for the colour key. */
  negative: string;
  positive: string;
}

export type ChartSpec = XYChartSpec | CategoryChartSpec | WaterfallChartSpec | TimelineChartSpec | HeatmapChartSpec;

/** Colour-blind-safe series palette (Okabe–Ito), readable on light and dark backgrounds. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

/**
 * One colour per critical-path step, as data: 62 colours more than 30 apart in RGB, placed so
 * that neighbours in execution order (STEP_ORDER) differ by more than 110. A step keeps its colour in every chart and view, whatever else is shown with it.
 */
export const STEP_COLORS: Readonly<Record<string, string>> = {
  guest_wrmsr_virt: '#000033',
  wrmsr_dispatch: '#FF0055',
  apic_reg_write: '#DD99BB',
  hrtimer_cancel: '#FF22BB',
  hrtimer_cancel_queued: '#AA1177',
  sw_deadline_math: '#77AA77',
  hrtimer_start: '#7777FF',
  hv_set_math: '#FF7733',
  hv_scaling_divq: '#888811',
  vmcs_pin_rmw: '#EEBB66',
  hv_arm_per_entry: '#AA6600',
  arm_to_entry: '#AA9966',
  hv_countdown: '#77CCFF',
  vmexit_hw: '#0066BB',
  mitigation_exit: '#3300AA',
  exit_post: '#00DD00',
  hv_handler: '#FF0000',
  ext_intr_handler: '#FF00FF',
  halt_emulate: '#AA1144',
  cstate_exit: '#33DD77',
  host_lapic_irq_hw: '#665511',
  host_irq_dispatch: '#00DDCC',
  host_noise: '#446633',
  hrtimer_interrupt: '#EE6699',
  apic_timer_fn: '#FFAA00',
  posted_deliver: '#55FF22',
  ipi_latency: '#FFFF22',
  posted_intr_recv: '#BBFFCC',
  apic_timer_virt_switch: '#550000',
  clockevent_program: '#0044FF',
  clockevent_bias: '#AACC55',
  sched_wakeup: '#774466',
  halt_poll_wake: '#DDAAFF',
  post_block_switch_back_pending: '#006600',
  idle_poll: '#FF1188',
  idle_sleep: '#7755AA',
  lapic_expire_adjust: '#4400FF',
  wait_lapic_expire_spin: '#0088BB',
  apic_timer_inject_direct: '#88FF88',
  pending_inject: '#EEBBAA',
  inject_irq_vmcs: '#22AAFF',
  entry_prep: '#116666',
  fastpath_reenter: '#33FFFF',
  vcpu_run_prologue: '#FFFF88',
  mitigation_entry: '#550055',
  vmentry_hw: '#9933AA',
  apic_timer_virt_deliver: '#00FF44',
  guest_deliver: '#AA3322',
  guest_irq_entry: '#FF8877',
  guest_hrtimer_interrupt: '#44AA00',
  guest_clockevent_program: '#8888BB',
  guest_wakeup: '#CCBB00',
  guest_context_switch: '#BB55FF',
  guest_return_to_user: '#77BBBB',
  guest_clock_gettime: '#FF88FF',
  guest_isr_rearm: '#009955',
  guest_eoi_iret: '#996655',
  apic_eoi_emulate: '#0000DD',
  guest_loop: '#9900FF',
  guest_nanosleep: '#BB66AA',
  guest_idle_enter: '#8899FF',
  guest_wait: '#99CC00',
};

/** Colours of the step groups (collapsed rows of a critical path): Okabe–Ito, colour-blind safe. */
export const GROUP_COLORS: Readonly<Record<string, string>> = {
  arm: '#CC79A7',
  exit: '#0072B2',
  'host-irq': '#D55E00',
  hrtimer: '#E69F00',
  inject: '#009E73',
  entry: '#56B4E9',
  guest: '#7A5195',
  other: '#8C8C8C',
};

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

/** FNV-1a of a string (stable across runs and platforms). */
function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The colour of a critical-path step, derived from its name alone so it is the same in every
 * chart and view: known steps from STEP_COLORS, unknown ones by a hash of the name.
 */
export function stepColorByName(name: string): string {
  const known = STEP_COLORS[name];
  if (known) return known;
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

/** What tells runs of one strategy apart in colour: the CPU profile and the kernel modelled or measured. */
export interface RunLook {
  id: number;
  strategy: string;
  /** Profile (CPU) and kernel, e.g. "HSW-2016 · Linux 4.9"; empty for the default. */
  variant?: string;
}

/** Shade steps of a strategy's colour for its variants: the base first, then darker and lighter. */
const SHADES = [0, -0.35, 0.38, -0.55, 0.58, -0.2, 0.22, -0.7];
/** Dash patterns for runs that share strategy and variant (e.g. repeats under other seeds). */
const DUPLICATE_DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

/**
 * Colour (and dash) of each run's series, from its strategy and variant alone: the default
 * variant has the strategy's colour; another profile or kernel gets a related shade picked by a
 * hash of its name, so a run looks the same in every view and export whatever else is shown.
 * Only when two variants of one chart hash to the same shade does the later one (by name) move
 * to the next free shade. Runs alike in both get dashes, by id.
 */
export function runStyles(runs: readonly RunLook[]): Array<{ color: string; dash?: number[] }> {
  const shadeOf = new Map<string, number>();
  const byStrategy = new Map<string, string[]>();
  for (const r of runs) {
    const list = byStrategy.get(r.strategy) ?? [];
    const v = r.variant ?? '';
    if (!list.includes(v)) list.push(v);
    byStrategy.set(r.strategy, list);
  }
  for (const [strategy, variants] of byStrategy) {
    const used = new Set<number>();
    for (const v of [...variants].sort()) {
      let k = v === '' ? 0 : 1 + (hashName(v) % (SHADES.length - 1));
      while (used.has(k) && used.size < SHADES.length) k = (k + 1) % SHADES.length;
      used.add(k);
      shadeOf.set(`${strategy}\u0000${v}`, k);
    }
  }
  const seen = new Map<string, number[]>();
  for (const r of [...runs].sort((a, b) => a.id - b.id)) {
    const key = `${r.strategy}\u0000${r.variant ?? ''}`;
    seen.set(key, [...(seen.get(key) ?? []), r.id]);
  }
  return runs.map((r) => {
    const key = `${r.strategy}\u0000${r.variant ?? ''}`;
    const k = shadeOf.get(key) ?? 0;
    const color = k === 0 ? strategyColor(r.strategy) : shade(strategyColor(r.strategy), SHADES[k] as number);
    const n = (seen.get(key) ?? []).indexOf(r.id);
    const dash = DUPLICATE_DASHES[n % DUPLICATE_DASHES.length] as number[];
    return dash.length > 0 ? { color, dash } : { color };
  });
}

/** The variant of a run in words: its profile and kernel ("HSW-2016 · Linux 4.9"). */
export function runVariant(profile: string | null | undefined, kernel: string | null | undefined): string {
  return [profile ?? '', kernel ? `Linux ${kernel}` : ''].filter(Boolean).join(' · ');
}
