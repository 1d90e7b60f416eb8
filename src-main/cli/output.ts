/**
 * Human-readable CLI output: run summaries, run lists, comparison tables, and a progress line on
 * stderr for runs that take longer than a second. Must not import the engine.
 */
import type { CompareResult, RunDetail, RunListItem } from '../../src-shared/contract.js';
import type { RunSummary } from '../../src-shared/result.js';
import { escapeControlChars } from '../../src-shared/control-chars.js';
import { defaultRunParams, paramAssignments } from '../../src-shared/config.js';
import { MEASURES } from '../../src-shared/measures.js';
import { workloadMetric } from '../../src-shared/workloads.js';
import { overheadFigures } from '../../src-shared/overhead-figures.js';
import { EXIT_TABLE_LIMITS, exitReasonTable, sharePctText } from '../../src-shared/exit-reason-rows.js';
import { perfKvmStatTable } from '../../src-shared/perf-kvm-stat-rows.js';
import { runHostOf, runHostText } from '../../src-shared/run-host.js';
import { statText, UNKNOWN_STAT } from '../../src-shared/stat-text.js';
import { CI_MEAN_LABEL, CI_P99_LABEL, formatPValue, intervalText } from '../../src-shared/verdict.js';
import { measuredText } from './measured-text.js';
import { textTable } from './text-table.js';

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? UNKNOWN_STAT : Number.isInteger(v) ? String(v) : v.toFixed(digits);
const num = (v: number) => fmt(v);

export function summaryText(s: RunSummary, id?: number): string {
  const l = s.latency;
  const n = s.latencyNs;
  const measured = s.engineVersion === '';
  const what = workloadMetric(s.workload);
  // a count of cycles converted to time is the time per iteration, not "cycles … (ns)"
  const whatNs = what === 'latency' ? what : 'time per iteration';
  const samples = `${s.samples} sample${s.samples === 1 ? '' : 's'}`;
  const stopped = s.stoppedBy === 'cancelled' ? ' · cancelled part-way' : s.stoppedBy ? ` · stopped by ${s.stoppedBy}` : '';
  const t = (k: 'mean' | 'min' | 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'stddev', st = l) => statText(st, k, num);
  const stats = `mean ${t('mean')}  min ${t('min')}  p50 ${t('p50')}  p90 ${t('p90')}  p99 ${t('p99')}  p99.9 ${t('p999')}  max ${t('max')}  stddev ${t('stddev')}`;
  const lines = measured
    ? [
        `${id === undefined ? '' : `run ${id}: `}measured${(s.workload as string) === 'measured' ? '' : ` ${s.workload}`} · ${samples}`,
        `${what} (${l.unit}): ${stats}`,
        ...(l.unit !== 'ns' && n.unit === 'ns' && n.mean !== l.mean ? [`${whatNs} (ns): mean ${t('mean', n)}  p50 ${t('p50', n)}  p99 ${t('p99', n)}  max ${t('max', n)}`] : []),
      ]
    : [
        `${id === undefined ? '' : `run ${id}: `}${s.workload} · ${s.strategy} · ${s.profile} · ${samples} · seed ${s.seed}${stopped}`,
        `host: ${runHostText(runHostOf(s)!)}`,
        ...(s.warnings ?? []).map((w) => `warning: ${w}`),
        `${what} (${l.unit}): ${stats}`,
        `${whatNs} (ns):${' '.repeat(Math.max(1, what.length + 5 - whatNs.length))}mean ${fmt(n.mean)}  p50 ${fmt(n.p50)}  p99 ${fmt(n.p99)}  max ${fmt(n.max)}`,
        exitsText(s),
        `host overhead per timer event: ${fmt(s.overheadCyclesPerTimerEvent, 0)} cycles`,
        ...overheadFigures(s).map((f) => `${f.label}: ${fmt(f.value, 0)} cycles — ${f.explanation}`),
      ];
  const steps = Object.entries(s.criticalPath).sort((a, b) => b[1] - a[1]);
  if (steps.length > 0) {
    lines.push(`critical path (mean cycles per sample): ${steps.map(([k, v]) => `${k} ${fmt(v, 0)}`).join(', ')}`);
  }
  return lines.join('\n');
}

/** Parameters of a simulated run that differ from the defaults, as `name=value`. */
export function changedParams(d: RunDetail): string[] {
  if (!d.config) return [];
  const defaults = defaultRunParams() as unknown as Record<string, unknown>;
  return paramAssignments(d.config.params, (k, v) => v !== defaults[k]);
}

export function detailText(d: RunDetail): string {
  const changed = changedParams(d);
  // a name or tag stays on its line, whatever an earlier version stored
  const name = escapeControlChars(d.name);
  const tags = d.tags.map((t) => escapeControlChars(t));
  const head =
    `run ${d.id} "${name}" [${d.status}] ${d.kind}${tags.length ? ` tags: ${tags.join(', ')}` : ''}\n` +
    `created ${d.createdAt}${d.finishedAt ? `, finished ${d.finishedAt}` : ''}` +
    (d.config ? `\nparameters: ${changed.length ? changed.join(', ') : 'all defaults'}; profile ${d.config.profile.name} (X=${d.config.profile.X}, tsc_khz=${d.config.profile.tsc_khz})` : '');
  const src = d.source ? `\nsource: ${escapeControlChars(d.source.fileName)} (${d.source.format}, sha256 ${d.source.sha256.slice(0, 16)}…)` : '';
  const err = d.error ? `\nerror: ${d.error}` : '';
  const info = d.measure ? MEASURES[d.measure] : null;
  const measured = d.measurement ? `\n${measuredText(d)}` : info ? `\nmeasures: ${info.title} — ${info.description}` : '';
  const r = d.repeats;
  const across = r ? `\nacross ${r.n} runs of this configuration (#${r.runIds.join(', #')}): mean ${fmt(r.mean)} (95% CI ${fmt(r.ciLow)} … ${fmt(r.ciHigh)}), stddev ${fmt(r.stddev)} between runs` : '';
  const perf = d.summary ? perfKvmStatText(d.summary) : '';
  return `${head}${src}${err}${d.summary ? `\n${summaryText(d.summary)}` : ''}${perf}${across}${measured}`;
}

/** The exits per reason: count and share of the exits, host cycles, per exit and share of the exit time. */
export function exitsText(s: RunSummary): string {
  const t = exitReasonTable(s.exits);
  if (t.rows.length === 0) return 'VM exits: none';
  const header = ['reason', 'count', 'exits %', 'host cycles', 'per exit', 'exit time %'];
  const body = t.rows.map((r) => [r.reason, String(r.count), sharePctText(r.countPct), fmt(r.hostCycles, 0), fmt(r.cyclesPerExit, 0), sharePctText(r.timePct)]);
  return `VM exits (host cycles from exit to entry): ${t.totalCount} exits, ${fmt(t.totalHostCycles, 0)} host cycles\n${textTable([header, ...body], 'right')}\n${EXIT_TABLE_LIMITS}`;
}

/** The exits as `perf kvm stat report` lays them out (no Min/Max Time: the summary keeps means only), or ''. */
export function perfKvmStatText(s: RunSummary): string {
  const t = perfKvmStatTable(s.exits);
  if (!t) return '';
  const pct = (v: number) => `${v.toFixed(2)}%`;
  const header = ['VM-EXIT', 'Samples', 'Samples%', 'Time%', 'Avg time'];
  const body = t.rows.map((r) => [r.reason, String(r.samples), pct(r.samplesPct), pct(r.timePct), `${r.avgUs.toFixed(2)}us`]);
  return `\nperf kvm stat (exits whose kvm_exit and kvm_entry both fired):\n${textTable([header, ...body], 'right')}\nTotal Samples:${t.totalSamples}, Total events handled time:${t.totalUs.toFixed(2)}us.`;
}

export function listText(rows: RunListItem[]): string {
  if (rows.length === 0) return 'no runs';
  const header = ['id', 'status', 'kind', 'workload', 'strategy', 'samples', 'mean', 'p99', 'unit', 'name', 'tags'];
  const body = rows.map((r) => [
    String(r.id),
    r.status,
    r.kind,
    r.workload,
    r.strategy,
    String(r.samples),
    fmt(r.mean),
    fmt(r.p99, 0),
    r.unit ?? '',
    r.name,
    r.tags.join(','),
  ]);
  return textTable([header, ...body]);
}

export function compareText(c: CompareResult, verdictOf: (row: CompareResult['runs'][number]) => string): string {
  const keys = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
  const withAcross = c.runs.some((r) => r.across);
  const header = ['run', 'CPU', 'kernel', ...keys, ...(withAcross ? ['mean across runs (95% CI)'] : []), 'p-value', CI_MEAN_LABEL, CI_P99_LABEL, 'verdict'];
  const delta = (v: number | null) => (v === null ? '' : ` (${v >= 0 ? '+' : ''}${fmt(v, 2)}%)`);
  const body = c.runs.map((r) => [
    `${r.id === c.baseline ? '*' : ''}${r.id}${r.role ? ` ${r.role}` : ''}`,
    r.profile || '-',
    r.kernel || '-',
    ...keys.map((k) => `${statText(r, k, num)}${r.id === c.baseline ? '' : delta(r.deltaPct[k])}`),
    ...(withAcross ? [r.across ? `${fmt(r.across.mean)} ± ${fmt((r.across.ciHigh - r.across.ciLow) / 2)} (n=${r.across.n})` : ''] : []),
    r.id === c.baseline ? '' : formatPValue(r.pValue),
    r.id === c.baseline ? '' : intervalText(r.ci95),
    r.id === c.baseline ? '' : intervalText(r.ci95P99),
    verdictOf(r),
  ]);
  const warnings = (c.warnings ?? []).map((w) => `warning: ${w}\n`).join('');
  const context = (c.contextDifferences ?? []).map((w) => `context: ${w}\n`).join('');
  return `${warnings}${context}unit: ${c.unit}; baseline *${c.baseline}\n${textTable([header, ...body])}`;
}

/**
 * A progress reporter for a terminal: silent for the first second, then one stderr line updated
 * in place; silent when stderr is not a terminal unless TIMER_LAB_PROGRESS=1.
 */
export function progressLine(
  label: string,
  unit: 'samples' | 'bytes' = 'samples',
): { update(done: number, total: number, rate: number, eta: number | null): void; end(): void } {
  const started = Date.now();
  // TIMER_LAB_PROGRESS=1 shows it on a pipe too (one line a second), for logs and tests
  const tty = process.stderr.isTTY === true;
  const shownOnPipe = process.env.TIMER_LAB_PROGRESS === '1';
  let last = 0;
  let shown = false;
  return {
    update(done, total, rate, eta) {
      const now = Date.now();
      // Progress is for a person at a terminal: piped or redirected output stays clean.
      if ((!tty && !shownOnPipe) || now - started < 1000 || (!tty && now - last < 1000)) return;
      last = now;
      shown = true;
      const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '0';
      const elapsed = (now - started) / 1000;
      const msg =
        unit === 'bytes'
          ? `${label}: ${pct}% ${(done / 1048576).toFixed(0)}/${(total / 1048576).toFixed(0)} MB, ${(done / 1048576 / elapsed).toFixed(0)} MB/s`
          : `${label}: ${pct}% ${done}/${total} samples, ${(rate / 1e6).toFixed(2)}M samples/s, ETA ${eta === null ? '?' : `${eta.toFixed(1)} s`}`;
      process.stderr.write(tty ? `\r${msg}\x1b[K` : `${msg}\n`);
    },
    end() {
      if (shown && tty) process.stderr.write('\n');
    },
  };
}
