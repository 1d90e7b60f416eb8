/**
 * One sample's event window as a trace timeline (arming → delivery) with its deadline marked on
 * the vCPU track, so the way from the deadline to the guest reads at a glance. Pure TypeScript.
 */
import type { TraceEventRow } from '../contract.js';
import type { TimelineChartSpec } from './spec.js';
import { traceTimeline } from './trace-timeline.js';

export const DEADLINE_COLOR = '#D55E00';

export function sampleWindowTimeline(w: { index: number; value: number; deadline: number; events: readonly TraceEventRow[] }, hostTscKhz: number): TimelineChartSpec {
  const spec = traceTimeline(w.events, hostTscKhz);
  const t0 = w.events[0]?.t ?? w.deadline;
  const at = ((w.deadline - t0) * 1000) / hostTscKhz;
  return {
    ...spec,
    title: `Sample ${w.index}: arming → delivery`,
    slices: [...spec.slices, { track: 0, start: at, end: at, name: 'deadline', color: DEADLINE_COLOR, text: `the deadline of sample ${w.index} (latency ${w.value} cycles)` }],
    legend: [...spec.legend, { label: 'deadline', color: DEADLINE_COLOR }],
  };
}
