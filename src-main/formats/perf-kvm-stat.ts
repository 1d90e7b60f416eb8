/**
 * Parses `perf kvm stat report` tables, keyed on the header line: the classic layout
 * (`VM-EXIT Samples Samples% Time% Min Time Max Time Avg time`, values with `us` and
 * `( +- x% )`, x86 VMX/SVM or arm64 exception classes) and the newer one (`Event name Samples
 * Sample% Time (ns) Time% Max Time (ns) Min Time (ns) Mean Time (ns)`). Keeps the table as
 * printed (µs) and exit totals in ns: nothing is converted to cycles, and there is no
 * distribution (no percentile is made up). Must not import node:*, electron or better-sqlite3.
 */
import type { PerfRow, RunSource } from '../../src-shared/measurement.js';
import { stripAnsi } from './accumulators.js';
import { assertText, END_OF_FILE, FormatError } from './errors.js';
import { machineOfVirt, virtOfReasons } from './exit-reasons.js';
import { addTotal, countField, decimalField, MAX_LATENCY_FIELD } from './numbers.js';
import { noData, parsedMeasurement } from './parsed.js';
import type { ExitTotals, LineParser, ParsedMeasurement } from './types.js';

const MAX_ROWS = 4096;

type Col = 'samples' | 'samplePct' | 'time' | 'timePct' | 'min' | 'max' | 'avg';

interface Layout {
  name: string;
  cols: Array<{ col: Col; unit: number | null }>;
}

interface Row {
  name: string;
  count: number;
  totalNs: number;
  minNs: number | null;
  maxNs: number | null;
  meanNs: number | null;
  samplePct: number | null;
  timePct: number | null;
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
      const [, samples = '', time = '', unit = ''] = total;
      this.totalSamples = countField(samples, lineNo, raw, 'Total Samples');
      this.totalTimeNs = decimalField(time, lineNo, raw, 'Total events handled time', 0, 1e15) * (UNIT_NS[unit] ?? 1);
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
    const tokens = body.split(/\s+/, 256);
    const n = layout.cols.length;
    if (tokens.length < n + 1) throw new FormatError(lineNo, expected, line);
    if (this.rows.length >= MAX_ROWS) throw new FormatError(lineNo, `at most ${MAX_ROWS} table rows`, line);
    const name = tokens.slice(0, tokens.length - n).join(' ');
    const vals = tokens.slice(tokens.length - n);
    const out: Partial<Record<Col, number>> = {};
    layout.cols.forEach((c, i) => {
      const m = /^([^a-z%]+)(ns|us|ms|s|%)?$/.exec(vals[i] ?? '');
      if (!m) throw new FormatError(lineNo, expected, line);
      const [, num = '', suffix] = m;
      if (c.col === 'samples') {
        if (suffix !== undefined) throw new FormatError(lineNo, expected, line);
        out.samples = countField(num, lineNo, line, `${name} Samples`);
        return;
      }
      const max = suffix === '%' || c.col === 'samplePct' || c.col === 'timePct' ? 100.01 : MAX_LATENCY_FIELD;
      const v = decimalField(num, lineNo, line, `${name} ${c.col}`, 0, max);
      const suffixScale = suffix === undefined || suffix === '%' ? undefined : UNIT_NS[suffix];
      out[c.col] = suffixScale !== undefined ? v * suffixScale : c.unit !== null ? v * c.unit : v;
    });
    const count = out.samples ?? 0;
    const mean = out.avg ?? null;
    const total = out.time ?? (mean === null ? 0 : mean * count);
    if (out.min !== undefined && out.max !== undefined && out.min > out.max) throw new FormatError(lineNo, `${name}: Min Time ≤ Max Time`, line);
    return {
      name,
      count,
      totalNs: addTotal(0, total, lineNo, line, `${name} total time`),
      minNs: out.min ?? null,
      maxNs: out.max ?? null,
      meanNs: mean ?? (count > 0 && out.time !== undefined ? out.time / count : null),
      samplePct: out.samplePct ?? null,
      timePct: out.timePct ?? null,
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
      const e = (exits[r.name] ??= { count: 0, timed: 0, totalNs: 0, minNs: null, maxNs: null });
      e.count += r.count;
      e.timed += r.count;
      e.totalNs += r.totalNs;
      e.minNs = r.minNs;
      e.maxNs = r.maxNs;
      count = addTotal(count, r.count, this.layoutLine, r.name, 'Samples over the table');
      total = addTotal(total, r.totalNs, this.layoutLine, r.name, 'time over the table');
      if (r.count > 0) {
        min = Math.min(min, r.minNs ?? r.meanNs ?? Infinity);
        max = Math.max(max, r.maxNs ?? r.meanNs ?? -Infinity);
      }
    }
    if (count === 0) throw noData(this.lines + 1, 'a table row with Samples above 0');
    if (this.totalSamples === null) this.warnings.push('no "Total Samples:" line: the table may be truncated');
    else if (this.totalSamples !== count) this.warnings.push(`Total Samples ${this.totalSamples} differs from the row sum ${count}`);
    if (this.totalTimeNs !== null) this.meta.totalTimeNs = String(this.totalTimeNs);
    if (this.blocks > 1) this.warnings.push(`${this.blocks} tables (live mode): kept the last one`);
    if (this.unknownCodes > 0) this.warnings.push(`${this.unknownCodes} "unknown kvm exit code" lines`);
    this.warnings.push('perf kvm stat gives per-reason aggregates only: no distribution, so no percentile and no p-value');
    const classic = !this.layout.cols.some((c) => c.col === 'time');
    const virt = virtOfReasons(Object.fromEntries(this.rows.map((r) => [r.name, r.count])));
    const source = this.scopeSource();
    const perfRows: PerfRow[] = this.rows.map((r) => ({
      reason: r.name,
      samples: r.count,
      samplesPct: r.samplePct,
      timePct: r.timePct,
      minUs: r.minNs === null ? null : r.minNs / 1000,
      maxUs: r.maxNs === null ? null : r.maxNs / 1000,
      meanUs: r.meanNs === null ? null : r.meanNs / 1000,
      totalUs: r.totalNs / 1000,
    }));
    return parsedMeasurement({
      format: this.format,
      measure: 'exit-handling-time',
      unit: 'ns',
      series: [
        {
          source,
          samples: null,
          histogram: null,
          overflow: null,
          summary: { count, min: Number.isFinite(min) ? min : 0, max: Number.isFinite(max) ? max : 0, mean: total / count },
          exits,
        },
      ],
      context: {
        virt,
        machine: machineOfVirt(virt),
        resolutionNs: classic ? 10 : 1,
        resolutionNote: classic ? 'µs with 2 decimals (10 ns)' : 'whole ns',
        // "pid(s) N" names one VM, "VCPU N" one vCPU; "all VMs, all VCPUs" says neither count
        vms: source.vm !== undefined ? 1 : null,
        vcpus: source.vcpu !== undefined ? 1 : null,
      },
      warnings: this.warnings,
      meta: { ...this.meta, layout: classic ? 'classic' : 'ns-columns', event: this.layout.name },
      perfRows,
    });
  }

  /** "Analyze events for all VMs, all VCPUs:" / "… for pid(s) 1234, VCPU 0:". */
  private scopeSource(): RunSource {
    const scope = this.meta.scope ?? 'all VMs, all VCPUs';
    const s: RunSource = { scope: 'file', label: `perf kvm stat: ${scope}` };
    const pid = /pid\(s\) (\d{1,10})\b/.exec(scope);
    const vcpu = /VCPU (\d{1,5})\b/.exec(scope);
    if (pid?.[1]) s.vm = Number(pid[1]);
    if (vcpu?.[1]) s.vcpu = Number(vcpu[1]);
    return s;
  }
}
