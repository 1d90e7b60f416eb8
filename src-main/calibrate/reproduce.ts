/**
 * Goodness of fit: the fitted profile simulates the detected scenario again (with its fitted
 * jitters, and timestamps at the measured resolution), and every segment of the user's trace,
 * the guest-side latencies and perf kvm stat's per-reason exit times are set against the
 * reproduction — means, percentiles, KS distance — with a plain statement wherever they differ
 * by more than chance and by more than 2 %. Pure: must not import node:*, electron or
 * better-sqlite3.
 */
import type { GoodnessOfFit, SegmentCheck } from '../../src-shared/calibration.js';
import type { PerfRow } from '../../src-shared/measurement.js';
import { ksTest, summarize } from './distributions.js';
import { HOLE, type LabelTable, type ThreadEvents } from './event-store.js';
import type { SegmentSet, SegmentValues } from './segment-set.js';

/** A difference of means is poor above this share and beyond 3 standard errors. */
const POOR_MEAN = 0.02;
/** A shape is poor with KS p below this and a distance above POOR_KS. */
const POOR_KS_P = 0.001;
const POOR_KS = 0.15;

function checkSegment(id: string, label: string, unit: string, used: boolean, measured: SegmentValues | Float64Array, reproduced: SegmentValues | Float64Array | null): SegmentCheck {
  const ms = measured instanceof Float64Array ? Float64Array.from(measured).sort() : measured.sorted();
  const m = summarize(ms);
  if (!reproduced || (reproduced instanceof Float64Array ? reproduced.length : reproduced.n) === 0) {
    return { id, label, unit, used, measured: m, reproduced: null, meanErrorPct: null, ks: null, ksP: null, poor: used, note: 'the simulation does not produce this segment' };
  }
  const rs = reproduced instanceof Float64Array ? Float64Array.from(reproduced).sort() : reproduced.sorted();
  const r = summarize(rs);
  const sd = (s: Float64Array, mean: number): number => Math.sqrt(s.reduce((a, v) => a + (v - mean) * (v - mean), 0) / Math.max(1, s.length - 1));
  const se = Math.sqrt(sd(ms, m.mean) ** 2 / ms.length + sd(rs, r.mean) ** 2 / rs.length);
  const diff = r.mean - m.mean;
  const meanErrorPct = m.mean !== 0 ? (100 * diff) / Math.abs(m.mean) : null;
  const ks = ksTest(ms, rs);
  const meanPoor = Math.abs(diff) > 3 * se && Math.abs(diff) > POOR_MEAN * Math.abs(m.mean) && Math.abs(diff) > 1;
  const shapePoor = ks.p < POOR_KS_P && ks.d > POOR_KS;
  const notes: string[] = [];
  const visible = Math.abs(diff) > POOR_MEAN * Math.abs(m.mean) && Math.abs(diff) > 1;
  if (meanPoor) notes.push(`mean ${diff > 0 ? 'above' : 'below'} the measurement by ${Math.abs(meanErrorPct ?? 0).toFixed(1)} %`);
  else if (visible) notes.push(`mean ${diff > 0 ? 'above' : 'below'} by ${Math.abs(meanErrorPct ?? 0).toFixed(1)} %, within the noise (3 standard errors: ${(3 * se).toFixed(0)} ${unit})`);
  if (shapePoor) notes.push(`distribution differs (KS distance ${ks.d.toFixed(2)})`);
  if (ms.length < 30) notes.push(`only ${ms.length} measured values`);
  return { id, label, unit, used, measured: m, reproduced: r, meanErrorPct, ks: ks.d, ksP: ks.p, poor: meanPoor || shapePoor, note: notes.join('; ') || 'agrees' };
}

/** Mean exit → entry time per exit reason of a thread (µs). */
export function exitMeansUs(events: ThreadEvents, labels: LabelTable): Map<string, { n: number; meanUs: number }> {
  const acc = new Map<string, { n: number; sum: number }>();
  let open: { reason: string; ts: number } | null = null;
  for (let i = 0; i < events.length; i++) {
    const l = labels.name(events.labelAt(i));
    if (l === HOLE) open = null;
    else if (l.startsWith('kvm_exit ')) open = { reason: l.slice('kvm_exit '.length), ts: events.tsAt(i) };
    else if (l === 'kvm_entry' && open) {
      const a = acc.get(open.reason) ?? { n: 0, sum: 0 };
      a.n++;
      a.sum += (events.tsAt(i) - open.ts) / 1000;
      acc.set(open.reason, a);
      open = null;
    }
  }
  return new Map([...acc].map(([r, a]) => [r, { n: a.n, meanUs: a.sum / a.n }]));
}

export interface GoodnessInput {
  measured: SegmentSet;
  reproduced: SegmentSet;
  used: ReadonlySet<string>;
  guest: { measured: Float64Array; reproduced: Float64Array } | null;
  perf: { rows: PerfRow[]; reproduced: Map<string, { n: number; meanUs: number }> } | null;
  minValues: number;
}

export function goodnessOfFit(g: GoodnessInput): GoodnessOfFit {
  const segments: SegmentCheck[] = [];
  for (const [id, values] of g.measured.segments) {
    if (values.n < g.minValues) continue;
    segments.push(checkSegment(id, values.info.label, values.info.unit, g.used.has(id), values, g.reproduced.get(id) ?? null));
  }
  segments.sort((a, b) => Number(b.used) - Number(a.used) || b.measured.n - a.measured.n);
  const latency = g.guest ? checkSegment('guest latency', 'guest-side latency (deadline → ISR)', 'guest cycles', true, g.guest.measured, g.guest.reproduced) : null;
  const perf = g.perf
    ? g.perf.rows
        .filter((r) => r.meanUs !== null)
        .map((r) => {
          const rep = g.perf!.reproduced.get(r.reason) ?? null;
          const errorPct = rep && r.meanUs ? (100 * (rep.meanUs - r.meanUs)) / r.meanUs : null;
          return { reason: r.reason, measuredUs: r.meanUs!, reproducedUs: rep?.meanUs ?? null, errorPct, poor: errorPct !== null && Math.abs(errorPct) > 10 };
        })
    : null;
  const poor: string[] = [];
  for (const s of segments) if (s.poor && s.used) poor.push(`${s.label}: ${s.note}`);
  const unproduced = segments.filter((s) => !s.used && s.reproduced === null);
  if (unproduced.length > 0) {
    poor.push(`${unproduced.length} segment kind${unproduced.length === 1 ? '' : 's'} of the trace never occur in the simulated scenario, so the fit could not use ${unproduced.length === 1 ? 'it' : 'them'} (events in another order or on another path than the engine models): ${unproduced.slice(0, 3).map((s) => s.label).join('; ')}${unproduced.length > 3 ? '; …' : ''}`);
  }
  if (latency?.poor) poor.push(`guest-side latency: ${latency.note}`);
  const uncertain = [...segments.filter((s) => s.used), ...(latency ? [latency] : [])]
    .filter((s) => !s.poor && s.note !== 'agrees')
    .map((s) => `${s === latency ? 'guest-side latency' : s.label}: ${s.note}`);
  for (const p of perf ?? []) if (p.poor) poor.push(`perf kvm stat ${p.reason}: the reproduction's mean exit time is ${p.errorPct!.toFixed(1)} % off (${p.reproducedUs!.toFixed(2)} µs against ${p.measuredUs.toFixed(2)} µs)`);
  return { segments, latency, perf, poor, uncertain };
}
