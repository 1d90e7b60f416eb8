/**
 * The self-contained HTML report of a comparison (or of one run): configuration (the parameters
 * the workload reads, with effect), percentile table with deltas, the spread across repeats and
 * the significance verdict, the same warnings as the app, a single run's exit reasons with their
 * shares of the exits and of the exit time, and the charts of the shared catalog
 * (histograms with exact maxima, percentile spectrum, difference by percentile, critical-path
 * waterfall) as inline SVG with their footers. No scripts, no external resources.
 * Must not import electron.
 */
import { DEFAULT_NOISE_THRESHOLD_PCT, type CompareResult, type RunDetail } from '../../src-shared/contract.js';
import { compareChart, escapeXml, formatNumber, renderSvg, RUN_CHARTS, runChart, type CompareChartKind } from '../../src-shared/charts/index.js';
import { measureTitle } from '../../src-shared/measures.js';
import { numberText, statText, UNKNOWN_STAT } from '../../src-shared/stat-text.js';
import { EXIT_TABLE_LIMITS, exitReasonTable, sharePctText } from '../../src-shared/exit-reason-rows.js';
import type { RunSummary } from '../../src-shared/result.js';
import { CI_MEAN_LABEL, CI_P99_LABEL, formatPValue, intervalText, verdict } from '../../src-shared/verdict.js';
import { runContextLines, runKernel } from '../../src-shared/run-context.js';
import type { RunStore } from '../store/index.js';
import { compare } from './compare.js';
import { RepeatIndex } from './repeats.js';
import { paramNoEffect } from '../../src-shared/param-effects.js';
import { paramAssignments } from '../../src-shared/config.js';

const STATS = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
/** The comparison charts a printed report carries (the CDF repeats the spectrum). */
const REPORT_COMPARE_CHARTS: readonly CompareChartKind[] = ['histogram', 'spectrum', 'delta', 'breakdown'];

export function htmlReport(store: RunStore, runs: RunDetail[], generatedAt = new Date()): string {
  const repeats = new RepeatIndex(store);
  const cmp: CompareResult | null =
    runs.length >= 2 ? compare(store, { ids: runs.map((r) => r.id), noiseThresholdPct: DEFAULT_NOISE_THRESHOLD_PCT }, repeats) : null;
  const title = cmp ? `Timer Lab comparison: ${runs.map((r) => r.name).join(' vs ')}` : `Timer Lab run ${runs[0]!.name}`;
  const parts: string[] = [];
  parts.push(`<h1>${escapeXml(title)}</h1>`);
  parts.push(`<p class="meta">Generated ${escapeXml(generatedAt.toISOString())} · ${runs.length} run(s)</p>`);
  parts.push(runsTable(runs));
  if (cmp) {
    parts.push(compareTable(cmp));
    // The same notes, under the same headings, as the app's compare view.
    if (cmp.warnings.length > 0) parts.push(`<h2>Check before comparing</h2><ul class="warnings">${cmp.warnings.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul>`);
    if (cmp.contextDifferences.length > 0) parts.push(`<h2>Contexts differ</h2><p class="note">Not only the strategy changes between these runs:</p><ul class="warnings">${cmp.contextDifferences.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul>`);
    for (const kind of REPORT_COMPARE_CHARTS) {
      const spec = compareChart(cmp, kind);
      if (spec) parts.push(figure(renderSvg(spec)));
    }
  } else {
    const r = runs[0]!;
    const across = r.status === 'done' ? repeats.across(r) : undefined;
    const context = runContextLines(r);
    if (context.length > 0) parts.push(`<h2>Context</h2><ul>${context.map((c) => `<li>${escapeXml(c)}</li>`).join('')}</ul>`);
    if (r.summary?.stoppedBy === 'cancelled') parts.push(`<p class="note">Cancelled: these are the ${r.summary.samples} samples it finished${r.config ? ` of the ${r.config.samples} asked for` : ''}.</p>`);
    if (r.summary) parts.push(statsTable(r));
    if (r.summary && !r.measurement) parts.push(exitsTable(r.summary.exits));
    if (across) parts.push(`<p class="note">Across ${across.n} runs of this configuration (runs ${across.runIds.map((i) => `#${i}`).join(', ')}): mean ${escapeXml(formatNumber(across.mean))} (95 % CI ${escapeXml(formatNumber(across.ciLow))} … ${escapeXml(formatNumber(across.ciHigh))}), standard deviation ${escapeXml(formatNumber(across.stddev))} between runs.</p>`);
    const h = store.getHistogram(r.id);
    for (const entry of RUN_CHARTS) {
      const spec = runChart(r, h, entry.kind);
      if (spec) parts.push(figure(renderSvg(spec)));
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeXml(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2330;padding:0 1rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border-bottom:1px solid #d6dae3;padding:.3rem .5rem;text-align:right}
th:first-child,td:first-child,td.l{text-align:left}.meta{color:#5b6477}figure{margin:1.5rem 0}svg{max-width:100%;height:auto}
.sig{font-weight:600}.note{background:#eef4fb;border-left:3px solid #0072b2;padding:.4rem .6rem}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}

function statsTable(r: RunDetail): string {
  const l = r.summary!.latency;
  const n = r.summary!.latencyNs;
  const cells = (s: typeof l) => STATS.map((k) => `<td>${escapeXml(statText(s, k, formatNumber))}</td>`).join('') + `<td>${escapeXml(statText(s, 'stddev', formatNumber))}</td>`;
  const rows = [`<tr><td class="l">${escapeXml(l.unit)}</td>${cells(l)}</tr>`];
  if (n.unit !== l.unit) rows.push(`<tr><td class="l">ns</td>${cells(n)}</tr>`);
  return `<h2>Statistics (${r.summary!.samples} samples)</h2><table><thead><tr><th>unit</th>${STATS.map((s) => `<th>${s}</th>`).join('')}<th>stddev</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The exits per reason, as the app's run view shows them ('' without exits). */
function exitsTable(exits: RunSummary['exits']): string {
  const t = exitReasonTable(exits);
  if (t.rows.length === 0) return '';
  const rows = t.rows.map(
    (e) => `<tr><td class="l">${escapeXml(e.reason)}</td><td>${escapeXml(formatNumber(e.count))}</td><td>${sharePctText(e.countPct)}</td><td>${escapeXml(formatNumber(e.hostCycles))}</td><td>${escapeXml(numberText(e.cyclesPerExit, formatNumber))}</td><td>${sharePctText(e.timePct)}</td></tr>`,
  );
  return `<h2>Exit reasons</h2><table><thead><tr><th>reason</th><th>count</th><th>exits %</th><th>host cycles</th><th>per exit</th><th>exit time %</th></tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">${escapeXml(`${t.totalCount} exits, ${formatNumber(t.totalHostCycles)} host cycles from exit to entry in all. ${EXIT_TABLE_LIMITS}`)}</p>`;
}

function figure(svg: string): string {
  return `<figure>${svg}</figure>`;
}

/** The parameters of a simulated run that act on it (its workload reads them, its strategy too, their switches are on). */
export function effectiveParams(r: RunDetail): string[] {
  const c = r.config;
  if (!c) return [];
  const ctx = { workload: c.workload, strategy: c.strategy, params: c.params as unknown as Record<string, unknown> };
  const out = paramAssignments(c.params, (k) => paramNoEffect(k, ctx) === null);
  if (paramNoEffect('X', ctx) === null) out.push(`X=${c.profile.X}`);
  return out;
}

function runsTable(runs: RunDetail[]): string {
  const rows = runs.map((r) => {
    const params = r.config ? effectiveParams(r).join(', ') : r.sourceFile ?? '';
    return `<tr><td>#${r.id}</td><td class="l">${escapeXml(r.name)}</td><td class="l">${escapeXml(r.role ? `${r.role} (${r.kind})` : r.kind)}: ${escapeXml(measureTitle(r.measure))}</td><td class="l">${escapeXml(r.workload)}</td><td class="l">${escapeXml(r.strategy)}</td><td class="l">${escapeXml(r.profile)}</td><td class="l">${escapeXml(runKernel(r) ?? '—')}</td><td>${r.summary?.samples ?? r.samples}</td><td>${r.seed ?? ''}</td><td class="l">${escapeXml(params)}</td></tr>`;
  });
  return `<h2>Runs</h2><table><thead><tr><th>id</th><th>name</th><th>kind / role</th><th>workload</th><th>strategy</th><th>CPU profile</th><th>kernel</th><th>samples</th><th>seed</th><th>parameters</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function compareTable(cmp: CompareResult): string {
  const head = STATS.map((s) => `<th>${s}</th><th>Δ%</th>`).join('');
  const withAcross = cmp.runs.some((r) => r.across);
  const rows = cmp.runs.map((r) => {
    const cells = STATS.map((s) => `<td>${escapeXml(statText(r, s, formatNumber))}</td><td>${r.id === cmp.baseline ? '' : signed(r.deltaPct[s])}</td>`).join('');
    const v = verdict(r, cmp.baseline, cmp.noiseThresholdPct);
    const across = withAcross ? `<td>${r.across ? `${escapeXml(formatNumber(r.across.mean))} ± ${escapeXml(formatNumber((r.across.ciHigh - r.across.ciLow) / 2))} (${r.across.n} runs)` : 'one run'}</td>` : '';
    const test = r.id === cmp.baseline ? '' : r.basis === 'runs' ? 'Welch (runs)' : 'Mann–Whitney';
    return `<tr><td>#${r.id}${r.role ? ` ${escapeXml(r.role)}` : ''}</td><td class="l">${escapeXml(r.profile || '—')}</td><td class="l">${escapeXml(r.kernel || '—')}</td>${cells}${across}<td class="p">${r.id === cmp.baseline ? '' : escapeXml(formatPValue(r.pValue))}</td><td class="l">${test}</td><td>${r.id === cmp.baseline ? '' : escapeXml(intervalText(r.ci95))}</td><td>${r.id === cmp.baseline ? '' : escapeXml(intervalText(r.ci95P99))}</td><td class="l ${r.significant ? 'sig' : ''}">${escapeXml(v)}</td></tr>`;
  });
  const acrossHead = withAcross ? '<th>mean across runs (95% CI)</th>' : '';
  return `<h2>Percentiles (${escapeXml(cmp.unit)}), baseline #${cmp.baseline}</h2><table><thead><tr><th>run</th><th>CPU profile</th><th>kernel</th>${head}${acrossHead}<th>p</th><th>test</th><th>${CI_MEAN_LABEL}</th><th>${CI_P99_LABEL}</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function signed(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return UNKNOWN_STAT;
  return `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
}
