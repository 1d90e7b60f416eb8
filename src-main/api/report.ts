/**
 * The self-contained HTML report of a comparison (or of one run): configuration, percentile table
 * with deltas and the significance verdict, overlaid histograms, percentile spectrum and the
 * critical-path breakdown as inline SVG. No scripts, no external resources.
 * Must not import electron.
 */
import type { CompareResult, RunDetail } from '../../src-shared/contract.js';
import { compareChart, escapeXml, formatNumber, renderSvg, RUN_CHARTS, runChart, type CompareChartKind } from '../../src-shared/charts/index.js';
import { measureTitle } from '../../src-shared/measures.js';
import { statText, UNKNOWN_STAT } from '../../src-shared/stat-text.js';
import { formatPValue, verdict } from '../../src-shared/verdict.js';
import { runContextLines } from '../../src-shared/run-context.js';
import type { RunStore } from '../store/index.js';
import { compare } from './compare.js';

const STATS = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
/** The comparison charts a printed report carries (the CDF repeats the spectrum). */
const REPORT_COMPARE_CHARTS: readonly CompareChartKind[] = ['histogram', 'spectrum', 'breakdown'];

export function htmlReport(store: RunStore, runs: RunDetail[], generatedAt = new Date()): string {
  const cmp: CompareResult | null =
    runs.length >= 2 ? compare(store, { ids: runs.map((r) => r.id), noiseThresholdPct: 1 }) : null;
  const title = cmp ? `Timer Lab comparison: ${runs.map((r) => r.name).join(' vs ')}` : `Timer Lab run ${runs[0]!.name}`;
  const parts: string[] = [];
  parts.push(`<h1>${escapeXml(title)}</h1>`);
  parts.push(`<p class="meta">Generated ${escapeXml(generatedAt.toISOString())} · ${runs.length} run(s)</p>`);
  parts.push(runsTable(runs));
  if (cmp) {
    parts.push(compareTable(cmp));
    const notes = [...cmp.warnings, ...cmp.contextDifferences];
    if (notes.length > 0) parts.push(`<h2>What differs between the runs</h2><ul>${notes.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul>`);
    for (const kind of REPORT_COMPARE_CHARTS) {
      const spec = compareChart(cmp, kind);
      if (spec) parts.push(figure(renderSvg(spec)));
    }
  } else {
    const r = runs[0]!;
    const context = runContextLines(r);
    if (context.length > 0) parts.push(`<h2>Context</h2><ul>${context.map((c) => `<li>${escapeXml(c)}</li>`).join('')}</ul>`);
    if (r.summary) parts.push(statsTable(r));
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
.sig{font-weight:600}
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

function figure(svg: string): string {
  return `<figure>${svg}</figure>`;
}

function runsTable(runs: RunDetail[]): string {
  const rows = runs.map((r) => {
    const c = r.config;
    const params = c ? Object.entries(c.params).map(([k, v]) => `${k}=${String(v)}`).join(', ') : r.sourceFile ?? '';
    return `<tr><td>#${r.id}</td><td class="l">${escapeXml(r.name)}</td><td class="l">${escapeXml(r.role ? `${r.role} (${r.kind})` : r.kind)}: ${escapeXml(measureTitle(r.measure))}</td><td class="l">${escapeXml(r.workload)}</td><td class="l">${escapeXml(r.strategy)}</td><td class="l">${escapeXml(r.profile)}</td><td>${r.summary?.samples ?? r.samples}</td><td>${r.seed ?? ''}</td><td class="l">${escapeXml(params)}</td></tr>`;
  });
  return `<h2>Runs</h2><table><thead><tr><th>id</th><th>name</th><th>kind / role</th><th>workload</th><th>strategy</th><th>profile</th><th>samples</th><th>seed</th><th>parameters</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function compareTable(cmp: CompareResult): string {
  const head = STATS.map((s) => `<th>${s}</th><th>Δ%</th>`).join('');
  const rows = cmp.runs.map((r) => {
    const cells = STATS.map((s) => `<td>${escapeXml(statText(r, s, formatNumber))}</td><td>${r.id === cmp.baseline ? '' : signed(r.deltaPct[s])}</td>`).join('');
    const v = verdict(r, cmp.baseline, cmp.noiseThresholdPct);
    const ci = r.ci95 ? `[${formatNumber(r.ci95[0])}, ${formatNumber(r.ci95[1])}]` : UNKNOWN_STAT;
    return `<tr><td>#${r.id}${r.role ? ` ${escapeXml(r.role)}` : ''}</td>${cells}<td>${r.id === cmp.baseline ? '' : escapeXml(formatPValue(r.pValue))}</td><td>${r.id === cmp.baseline ? '' : ci}</td><td class="l ${r.significant ? 'sig' : ''}">${escapeXml(v)}</td></tr>`;
  });
  return `<h2>Percentiles (${escapeXml(cmp.unit)}), baseline #${cmp.baseline}</h2><table><thead><tr><th>run</th>${head}<th>p (Mann–Whitney)</th><th>95% CI of Δmean</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function signed(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return UNKNOWN_STAT;
  return `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
}
