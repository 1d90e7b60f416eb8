/**
 * `timer-lab show` for an imported run: what it measures, which part of its file it holds, the
 * context the file gives and lacks, and the file's tables (per-thread or per-vCPU rows, exits in
 * ns, dropped pairs and why, lost events, hv_timer states, kvm_wait_lapic_expire deltas, system
 * information, vmexit lines, the perf kvm stat table, skipped lines). Must not import the engine.
 */
import type { RunDetail } from '../../src-shared/contract.js';
import { MEASURES } from '../../src-shared/measures.js';
import { runContextLines } from '../../src-shared/run-context.js';
import { measuredValueText, UNKNOWN_STAT } from '../../src-shared/stat-text.js';

const n = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? UNKNOWN_STAT : Number.isInteger(v) ? String(v) : v.toFixed(digits);

function table(rows: string[][], indent = '  '): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => indent + r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

export function measuredText(d: RunDetail): string {
  const m = d.measurement;
  if (!m) return '';
  const unit = d.summary?.latency.unit ?? 'ns';
  const step = unit === 'ns' ? m.context.resolutionNs : null;
  const q = (v: number | null | undefined) => measuredValueText(v, (x) => n(x), step);
  const info = MEASURES[m.measure];
  const lines: string[] = [`measures: ${info.title} — ${info.description}`];
  lines.push(`part of the file: ${m.source.label}${d.experimentId !== null ? ` (experiment ${d.experimentId})` : ''}`);
  lines.push(...runContextLines(d));
  if (m.overflow) lines.push(`overflow: ${m.overflow.count} samples above ${m.overflow.limit} ${unit}: percentiles among them read "> ${m.overflow.limit}"`);
  if (m.sources.length > 0) {
    lines.push(`per ${m.source.scope === 'merged' && m.sources[0]?.source.scope === 'vcpu' ? 'vCPU thread' : 'thread'} (${unit}):`);
    lines.push(...table([['source', 'samples', 'min', 'mean', 'max', 'overflow', 'exits'], ...m.sources.map((s) => [s.source.label, String(s.count), q(s.min), n(s.mean), q(s.max), String(s.overflow), n(s.exits)])]));
  }
  if (m.pairing) {
    const dropped = Object.entries(m.pairing.dropped).sort((a, b) => b[1] - a[1]);
    lines.push(`pairs: ${m.pairing.exitPairs} exit → entry, ${m.pairing.timerPairs} expiry → entry; not made: ${dropped.length ? dropped.map(([r, c]) => `${c} ${r}`).join(', ') : 'none'}`);
  }
  if (m.lostEvents !== null && m.lostEvents > 0) lines.push(`lost events in the file: ${m.lostEvents}`);
  if (m.hvTimer) lines.push(`kvm_hv_timer_state: ${m.hvTimer.software} × hv_timer 0 (software hrtimer), ${m.hvTimer.preemption} × hv_timer 1 (VMX preemption timer)`);
  if (m.lapicExpire) {
    const l = m.lapicExpire;
    lines.push(`kvm_wait_lapic_expire: ${l.count} deltas (guest TSC cycles): ${l.early} early, ${l.late} late, ${l.onTime} on time; min ${n(l.minCycles)}, mean ${n(l.meanCycles)}, max ${n(l.maxCycles)}`);
  }
  if (m.exits.length > 0) {
    const tsc = m.context.tsc;
    const cyc = tsc && tsc.basis !== 'assumed' ? tsc.khz / 1e6 : null;
    lines.push(`exits (ns${cyc ? `; cycles with the ${tsc?.basis} TSC rate` : ''}):`);
    const head = ['reason', 'count', 'timed', 'total ns', 'mean ns', 'min ns', 'max ns', ...(cyc ? ['cycles/exit'] : [])];
    lines.push(
      ...table([
        head,
        ...m.exits.map((e) => {
          const mean = e.timed > 0 ? e.totalNs / e.timed : null;
          return [e.reason, String(e.count), String(e.timed), n(e.totalNs, 0), n(mean), q(e.minNs), q(e.maxNs), ...(cyc ? [n(mean === null ? null : mean * cyc, 0)] : [])];
        }),
      ]),
    );
  }
  if (m.perfRows) {
    lines.push('perf kvm stat table (µs, as printed):');
    lines.push(...table([['reason', 'samples', 'samples%', 'time%', 'min', 'max', 'avg'], ...m.perfRows.map((p) => [p.reason, String(p.samples), n(p.samplesPct, 2), n(p.timePct, 2), n(p.minUs, 2), n(p.maxUs, 2), n(p.meanUs, 2)])]));
  }
  if (m.sysinfo) lines.push(`system: ${Object.entries(m.sysinfo).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (m.vmexitTests) lines.push(`vmexit tests (cycles per iteration): ${m.vmexitTests.map((t) => `${t.test} ${t.cycles.slice(0, 5).join('/')}${t.count > 5 ? `/… (${t.count})` : ''}`).join('; ')}`);
  if (m.unknownLines) lines.push(`lines skipped as not understood: ${m.unknownLines.count}${m.unknownLines.examples.map((e) => `\n  line ${e.line}: ${e.text.slice(0, 100)}`).join('')}`);
  return lines.join('\n');
}
