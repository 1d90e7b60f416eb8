/**
 * Writes CSV for spreadsheets and gnuplot: histograms (`value,count` or `value,<run1>,<run2>…`)
 * and one summary row per run. Pure: must not import node:*, electron or better-sqlite3.
 */
import type { HistogramData } from './types.js';

function cell(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // keep spreadsheets from evaluating text as a formula
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toHistogramCsv(input: HistogramData | Array<HistogramData & { name: string }>): string {
  if (!Array.isArray(input)) {
    const lines = ['value,count'];
    input.values.forEach((v, i) => lines.push(`${v},${input.counts[i] ?? 0}`));
    return `${lines.join('\n')}\n`;
  }
  const maps = input.map((h) => {
    const m = new Map<number, number>();
    h.values.forEach((v, i) => m.set(v, (m.get(v) ?? 0) + (h.counts[i] ?? 0)));
    return m;
  });
  const values = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const lines = [['value', ...input.map((h) => cell(h.name))].join(',')];
  for (const v of values) lines.push([v, ...maps.map((m) => m.get(v) ?? 0)].join(','));
  return `${lines.join('\n')}\n`;
}

export interface SummaryCsvRow {
  id: string | number;
  name: string;
  kind: string;
  workload: string;
  strategy: string;
  /** What the run measures (measures.ts title). */
  measures?: string;
  samples: number;
  /** A number, or its text when not a plain number ("—" unknown, "> 399000" in an overflow). */
  mean: number | string;
  p50: number | string;
  p90: number | string;
  p99: number | string;
  p999: number | string;
  max: number | string;
  unit: string;
}

export const SUMMARY_CSV_COLUMNS = ['id', 'name', 'kind', 'workload', 'strategy', 'measures', 'samples', 'mean', 'p50', 'p90', 'p99', 'p999', 'max', 'unit'] as const;

export function toSummaryCsv(rows: SummaryCsvRow[]): string {
  const lines = [SUMMARY_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(SUMMARY_CSV_COLUMNS.map((c) => cell(r[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
