/**
 * Parses `perf kvm stat report` tables, keyed on the header line: the classic layout
 * (`VM-EXIT Samples Samples% Time% Min Time Max Time Avg time`, values with `us` and
 * `( +- x% )`) and the newer one (`Event name Samples Sample% Time (ns) Time% Max Time (ns)
 * Min Time (ns) Mean Time (ns)`). Output: `exits`. Must not import node:*, electron or
 * better-sqlite3.
 */
import { stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import type { ExitTotals, LineParser, ParsedMeasurement } from './types.js';

type Col = 'samples' | 'samplePct' | 'time' | 'timePct' | 'min' | 'max' | 'avg';

interface Layout {
  name: string;
  cols: Array<{ col: Col; unit: number | null }>;
}

interface Row {
  name: string;
  count: number;
  totalNs: number;
  min: number;
  max: number;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

function headerLayout(line: string): Layout | null {
  if (!/\bSamples\b/.test(line) || !/Time/.test(line)) return null;
  const parts = line.trim().split(/\s{2,}/);
  if (parts.length < 5) return null;
  const cols: Layout['cols'] = [];
  for (const p of parts.slice(1)) {
    const unitMatch = /\((ns|us|ms|s)\)$/.exec(p);
    const unit = unitMatch?.[1] !== undefined ? (UNIT_NS[unitMatch[1]] ?? null) : null;
    let col: Col | null = null;
    if (/^Samples$/.test(p)) col = 'samples';
    else if (/^Samples?%$/.test(p)) col = 'samplePct';
    else if (/^Time%$/.test(p)) col = 'timePct';
    else if (/^Min Time/.test(p)) col = 'min';
    else if (/^Max Time/.test(p)) col = 'max';
    else if (/^(Avg|Mean) [Tt]ime/.test(p)) col = 'avg';
    else if (/^Time( \(\w+\))?$/.test(p)) col = 'time';
    if (!col) return null;
    cols.push({ col, unit });
  }
  if (!cols.some((c) => c.col === 'samples')) return null;
  return { name: parts[0] ?? '', cols };
}

export class PerfKvmStatParser implements LineParser {
  readonly format = 'perf-kvm-stat' as const;
  private layout: Layout | null = null;
  private layoutLine = 0;
  private rows: Row[] = [];
  private blocks = 0;
  private totalSamples: number | null = null;
  private totalTimeNs: number | null = null;
  private readonly warnings: string[] = [];
  private readonly meta: Record<string, string> = {};
  private lines = 0;
  private unknownCodes = 0;

  push(raw: string, lineNo: number): void {
    assertText(raw, lineNo);
    this.lines = lineNo;
    const line = stripAnsi(raw).trimEnd();
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const layout = headerLayout(line);
    if (layout) {
      this.layout = layout;
      this.layoutLine = lineNo;
      this.rows = [];
      this.totalSamples = null;
      this.totalTimeNs = null;
      this.blocks++;
      return;
    }
    if (/^unknown kvm exit code/.test(t)) {
      this.unknownCodes++;
      return;
    }
    const total = /^Total Samples:\s*(\d+), Total events handled time:\s*([\d.]+)(ns|us|ms|s)\.?$/.exec(t);
    if (total) {
      const [, samples, time, unit = ''] = total;
      this.totalSamples = Number(samples);
      this.totalTimeNs = Number(time) * (UNIT_NS[unit] ?? NaN);
      return;
    }
    if (!this.layout) {
      const a = /^Analyze events for (.*):$/.exec(t);
      if (a?.[1] !== undefined) this.meta.scope = a[1];
      return; // preamble: perf warnings, live-mode wall clock, …
    }
    if (this.totalSamples !== null || /^\d\d:\d\d:\d\d(\.\d+)?$/.test(t)) return; // after the table
    this.rows.push(this.row(line, lineNo));
  }

  private row(line: string, lineNo: number): Row {
    const layout = this.layout as Layout;
    const expected = `a row "NAME ${layout.cols.map((c) => c.col).join(' ')}" under the header of line ${this.layoutLine}`;
    const body = line.replace(/\(\s*\+-\s*[\d.]+%\s*\)\s*$/, '').trim();
    const tokens = body.split(/\s+/);
    const n = layout.cols.length;
    if (tokens.length < n + 1) throw new FormatError(lineNo, expected, line);
    const name = tokens.slice(0, tokens.length - n).join(' ');
    const vals = tokens.slice(tokens.length - n);
    const out: Partial<Record<Col, number>> = {};
    layout.cols.forEach((c, i) => {
      const m = /^(-?\d+(?:\.\d+)?)(ns|us|ms|s|%)?$/.exec(vals[i] ?? '');
      if (!m) throw new FormatError(lineNo, expected, line);
      const v = Number(m[1]);
      const suffixScale = m[2] === undefined || m[2] === '%' ? undefined : UNIT_NS[m[2]];
      out[c.col] = suffixScale !== undefined ? v * suffixScale : c.unit !== null ? v * c.unit : v;
    });
    if (/[%]/.test(vals[layout.cols.findIndex((c) => c.col === 'samples')] ?? '')) throw new FormatError(lineNo, expected, line);
    const count = out.samples as number;
    const avg = out.avg ?? 0;
    return {
      name,
      count,
      totalNs: out.time ?? avg * count,
      min: out.min ?? avg,
      max: out.max ?? avg,
    };
  }

  finish(): ParsedMeasurement {
    if (!this.layout) throw new FormatError(this.lines + 1, 'a perf kvm stat header line ("VM-EXIT  Samples  Samples% …" or "Event name  Samples  Sample% …")', END_OF_FILE);
    if (this.rows.length === 0) throw new FormatError(this.lines + 1, `table rows under the header of line ${this.layoutLine}`, END_OF_FILE);
    const exits: Record<string, ExitTotals> = {};
    let count = 0;
    let total = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const r of this.rows) {
      const e = (exits[r.name] ??= { count: 0, totalNs: 0 });
      e.count += r.count;
      e.totalNs += r.totalNs;
      count += r.count;
      total += r.totalNs;
      if (r.count > 0) {
        min = Math.min(min, r.min);
        max = Math.max(max, r.max);
      }
      this.meta[`minNs.${r.name}`] = String(r.min);
      this.meta[`maxNs.${r.name}`] = String(r.max);
    }
    if (this.totalSamples === null) this.warnings.push('no "Total Samples:" line: the table may be truncated');
    else if (this.totalSamples !== count) this.warnings.push(`Total Samples ${this.totalSamples} differs from the row sum ${count}`);
    if (this.totalTimeNs !== null) this.meta.totalTimeNs = String(this.totalTimeNs);
    if (this.blocks > 1) this.warnings.push(`${this.blocks} tables (live mode): kept the last one`);
    if (this.unknownCodes > 0) this.warnings.push(`${this.unknownCodes} "unknown kvm exit code" lines`);
    this.warnings.push('perf kvm stat gives per-reason aggregates only: no latency distribution');
    return {
      format: this.format,
      unit: 'ns',
      samples: null,
      histogram: null,
      summary: { count, min: count ? min : 0, max: count ? max : 0, mean: count ? total / count : 0 },
      exits,
      warnings: this.warnings,
      meta: { ...this.meta, layout: this.layout.cols.some((c) => c.col === 'time') ? 'ns-columns' : 'classic', event: this.layout.name },
    };
  }
}
