/**
 * The host-cost figures of a simulated run beside its overhead per timer event, each with what it
 * is: the busy-wait of the timer advance and the housekeeping CPU's share of posted timer
 * interrupts. Only the figures a summary has are listed. Must not import anything but src-shared.
 */
import type { RunSummary } from './result.js';

export interface OverheadFigure {
  key: 'spinCyclesPerTimerEvent' | 'housekeepingCyclesPerTimerEvent';
  label: string;
  /** Host cycles per timer event. */
  value: number;
  explanation: string;
}

const FIGURES: ReadonlyArray<Omit<OverheadFigure, 'value'>> = [
  {
    key: 'spinCyclesPerTimerEvent',
    label: 'advance spin per timer event',
    explanation: "the price of the timer advance: host cycles wait_lapic_expire busy-waits before VM entry until the guest's deadline",
  },
  {
    key: 'housekeepingCyclesPerTimerEvent',
    label: 'housekeeping CPU per timer event',
    explanation: "cycles of the housekeeping CPU that fires the unpinned hrtimer and posts the timer interrupt; they are not taken from the vCPU's CPU",
  },
];

export function overheadFigures(summary: Pick<RunSummary, OverheadFigure['key']>): OverheadFigure[] {
  const out: OverheadFigure[] = [];
  for (const f of FIGURES) {
    const value = summary[f.key];
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ ...f, value });
  }
  return out;
}
