/**
 * Human-readable calibration and prediction output: the detection, each cost against the base
 * with its interval, origin and the segments that fixed it, the goodness of fit (said plainly
 * where it is poor), and the predicted figures with their intervals. Must not import the engine.
 */
import { fitVerdict, type CalibrationResult, type Interval, type PredictResult } from '../../src-shared/calibration.js';
import { textTable } from './text-table.js';

const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : '—');

export function calibrationText(r: CalibrationResult): string {
  const d = r.detected;
  const out: string[] = [];
  out.push(`detected: ${d.strategy} (${d.strategyEvidence})`);
  out.push(`guest: ${d.guest === 'halt' ? 'halts' : 'spins'} (${d.guestEvidence}); workload ${d.workload} (${d.workloadEvidence})`);
  const settings = Object.entries(d.settings).map(([k, v]) => `${k}=${String(v)}`);
  if (settings.length) out.push(`settings: ${settings.join(', ')}`);
  out.push(`kernel: ${d.kernel ? `${d.kernel.releases} (from ${d.kernel.basis.join(', ')})` : 'the event placement does not say'}${d.kernelGiven ? `; ${d.kernelGiven.note}` : ''}`);
  out.push(`kvm_hv_timer_state around HLT: ${d.hvTimerStatePlacement === 'before-block' ? 'before the vCPU blocks (post-4.9 placement)' : d.hvTimerStatePlacement === 'at-unblock' ? 'at unblock (4.9–4.12 placement)' : 'not seen'}`);
  for (const m of d.mechanisms) if (m.present !== null) out.push(`  ${m.id} ${m.name}: ${m.evidence} → ${m.releases}`);
  if (d.haltPoll) out.push(`halt-polling: ${d.haltPoll.note}`);
  out.push(`TSC: ${d.tsc.note}; ${d.resolutionNote}; vCPU ${d.vcpu.vcpu ?? '?'} (thread ${d.vcpu.thread}), ${d.timerCycles} timer cycles`);
  out.push('');
  out.push(`costs (host cycles) of ${r.profile}, against ${r.base}; 95 % intervals from ${r.fit.bootstrap} bootstrap resamples of the timer cycles:`);
  const rows = [['cost', 'value', 'interval', 'base', 'origin', 'jitter', 'fixed by']];
  const order = { fitted: 0, sum: 1, base: 2 } as const;
  for (const [name, c] of Object.entries(r.costs).sort((a, b) => order[a[1].origin] - order[b[1].origin])) {
    if (c.origin === 'base') continue;
    rows.push([
      name,
      String(c.value),
      `${c.low}–${c.high}`,
      String(c.base),
      c.origin === 'sum' ? `sum (with ${c.sumWith.slice(0, 3).join(', ')}${c.sumWith.length > 3 ? ', …' : ''})` : c.determined ? 'fitted, determined' : 'fitted, wide',
      `${c.jitter.value}${c.jitter.origin === 'base' ? ' (base)' : ` (${c.jitter.low}–${c.jitter.high})`}`,
      `${c.segments.length} segment${c.segments.length === 1 ? '' : 's'}`,
    ]);
  }
  out.push(textTable(rows));
  const kept = Object.entries(r.costs).filter(([, c]) => c.origin === 'base').map(([n]) => n);
  if (kept.length) out.push(`kept at the base (nothing in the files depends on them): ${kept.join(', ')}`);
  out.push('');
  out.push(`goodness of fit (reproduction of ${r.detected.strategy} with the fitted profile):`);
  const g = [['segment', 'n', 'measured mean', 'reproduced', 'Δ %', 'KS', 'note']];
  for (const s of [...(r.goodness.latency ? [r.goodness.latency] : []), ...r.goodness.segments.filter((x) => x.used)].slice(0, 24)) {
    g.push([s.label.length > 70 ? `${s.label.slice(0, 69)}…` : s.label, String(s.measured.n), n0(s.measured.mean), s.reproduced ? n0(s.reproduced.mean) : '—', s.meanErrorPct === null ? '—' : s.meanErrorPct.toFixed(1), s.ks === null ? '—' : s.ks.toFixed(2), s.note]);
  }
  out.push(textTable(g));
  for (const p of r.goodness.perf ?? []) out.push(`perf kvm stat ${p.reason}: ${p.measuredUs.toFixed(2)} µs measured, ${p.reproducedUs === null ? 'not reproduced' : `${p.reproducedUs.toFixed(2)} µs reproduced`}`);
  out.push(fitVerdict(r.goodness));
  for (const p of r.goodness.poor.length > 0 ? r.goodness.poor : r.goodness.uncertain) out.push(`  - ${p}`);
  for (const w of r.warnings) out.push(`note: ${w}`);
  out.push(r.saved ? `saved as profile ${r.profile}${r.measuredRunIds.length ? `; the files are runs ${r.measuredRunIds.join(', ')} (measured)` : ''}; use it with --profile ${r.profile}, or timer-lab predict --profile ${r.profile}` : 'not saved (--no-save)');
  return out.join('\n');
}

const iv = (i: Interval) => `${n0(i.value)} [${n0(i.low)}, ${n0(i.high)}]`;

export function predictionText(p: PredictResult): string {
  const rows = [['run', 'role', 'strategy', 'mean (cycles)', 'p50', 'p99', 'settings']];
  for (const r of p.runs) rows.push([String(r.runId), r.role, r.strategy, iv(r.mean), iv(r.p50), iv(r.p99), Object.entries(r.settings).map(([k, v]) => `${k}=${String(v)}`).join(', ')]);
  const out = [`prediction from ${p.profile}: experiment ${p.experimentId}; intervals over ${p.draws} bootstrap draws of the fit`, textTable(rows)];
  for (const n of p.notes) out.push(`note: ${n}`);
  const ids = [...p.measuredRunIds.slice(0, 1), ...p.runs.map((r) => r.runId)];
  out.push(`compare them: timer-lab compare ${ids.join(' ')}`);
  return out.join('\n');
}
