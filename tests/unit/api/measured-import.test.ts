// Imports of real measurements through the API: one run per thread and vCPU plus the merged run
// as one experiment, no invented statistics, overflows counted, repeated files pointing to their
// runs, files without data refused, hostile numbers refused with nothing saved, and comparisons
// of runs that measure different things (or have no distribution) without a verdict.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { statText } from '../../../src-shared/stat-text.js';
import { repoRoot, samplePath } from '../../samples.js';
import { apiError, openLab, runOne, type TestLab } from './helpers.js';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'imports', name), 'utf8');
const HIST = readFileSync(samplePath('cyclictest-histogram-4threads-h400.txt'), 'utf8');
const STATUS = [
  'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650',
  'T: 1 ( 3525) P:99 I:1000 C: 384622 Min:      2 Act:    3 Avg:    4 Max:      27',
].join('\n');

async function imported(t: TestLab, fileName: string, content: string, extra: Record<string, unknown> = {}) {
  return t.call('import', { fileName, content, ...extra });
}

describe('a multi-thread file becomes one run per thread plus the merged run, as one experiment', () => {
  it('the real 4-thread histogram: 5 runs whose counts are the # Total line', async () => {
    const t = openLab();
    const res = await imported(t, 'hist.txt', HIST);
    expect(res.runIds).toHaveLength(5);
    expect(res.runId).toBe(res.runIds[0]);
    expect(res.deduplicated).toBe(false);
    const runs = await Promise.all(res.runIds.map((id) => t.call('runs:get', { id })));
    expect(runs.map((r) => r.name)).toEqual(['hist.txt · all 4 threads', 'hist.txt · thread 0', 'hist.txt · thread 1', 'hist.txt · thread 2', 'hist.txt · thread 3']);
    expect(new Set(runs.map((r) => r.experimentId))).toEqual(new Set([res.experimentId]));
    expect(runs.slice(1).map((r) => r.summary?.samples)).toEqual([11055136, 11055141, 11055141, 11055131]);
    expect(runs.every((r) => r.measure === 'wakeup-latency' && r.workload === 'cyclictest')).toBe(true);
    // the merged run carries the file's per-thread table; thread 3's mean is ~15 % above the others
    const table = runs[0]?.measurement?.sources ?? [];
    expect(table.map((s) => s.source.label)).toEqual(['thread 0', 'thread 1', 'thread 2', 'thread 3']);
    expect((table[3]?.mean ?? 0) / (table[0]?.mean ?? 1)).toBeGreaterThan(1.14);
    expect(runs[2]?.measurement?.source).toMatchObject({ scope: 'thread', thread: 1 });
  });

  it('a trace with two VMs and three vCPU threads: one run per vCPU, exits in ns, cycles only with the estimated TSC rate', async () => {
    const t = openLab();
    const res = await imported(t, 'two-vms.txt', fixture('trace-cmd-two-vms-lost-events.txt'));
    const runs = await Promise.all(res.runIds.map((id) => t.call('runs:get', { id })));
    expect(runs.map((r) => r.measurement?.source.label)).toEqual([
      'all 3 vCPU threads',
      'vCPU 0 · thread 1001 (CPU 0/KVM) · CPU 2',
      'vCPU 1 · thread 1002 (CPU 1/KVM) · CPU 3',
      'vCPU 0 · thread 2001 (CPU 0/KVM) · CPU 5',
    ]);
    const merged = runs[0];
    expect(merged?.measure).toBe('host-expiry-to-entry');
    expect(merged?.summary?.latency).toMatchObject({ unit: 'ns', min: 1000, max: 13_000, resolution: 1000 });
    expect(merged?.measurement?.context.tsc).toMatchObject({ khz: 2_500_000, basis: 'estimated' });
    expect(merged?.measurement?.lostEvents).toBe(37);
    expect(merged?.measurement?.pairing?.dropped['lost events']).toBe(3);
    expect(merged?.measurement?.exits.find((e) => e.reason === 'HLT')).toMatchObject({ count: 10, timed: 7, totalNs: 3_519_000 });
    // cycles from the estimated 2.5 GHz: 3 519 000 ns → 8 797 500 cycles
    expect(merged?.summary?.exits.HLT).toEqual({ count: 10, hostCycles: 8_797_500 });
    // the timeline of the first timer events is kept, its timestamps in ns
    expect(merged?.hasTrace).toBe(true);
    const rows = await t.call('runs:trace', { id: res.runId, limit: 5 });
    expect(rows[0]).toMatchObject({ t: 50_000, event: 'kvm_entry' });
    const report = await t.call('export', { ids: [res.runId], format: 'trace-cmd' });
    expect(report.content).toContain('kvm_exit');
    expect(runs[1]?.hasTrace).toBe(false);
  });

  it('threads with different intervals: each thread run has its own, the merged run none', async () => {
    const t = openLab();
    const res = await imported(t, 'status.txt', STATUS.replace('T: 1 ( 3525) P:99 I:1000', 'T: 1 ( 3525) P:99 I:700'));
    const runs = await Promise.all(res.runIds.map((id) => t.call('runs:get', { id })));
    expect(runs.map((r) => [r.measurement?.source.scope, r.measurement?.context.intervalUs])).toEqual([
      ['merged', null],
      ['thread', 1000],
      ['thread', 700],
    ]);
    expect(runs[0]?.measurement?.warnings.join('\n')).toMatch(/different intervals \(1000, 700 µs\)/);
  });

  it('traceTimerEvents 0 keeps no timeline', async () => {
    const t = openLab();
    const res = await imported(t, 'excerpt.txt', readFileSync(samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), 'utf8'), { traceTimerEvents: 0 });
    expect((await t.call('runs:get', { id: res.runId })).hasTrace).toBe(false);
  });

  it('a multi-line vmexit file: each timer test a run with every line, the other tests in the table', async () => {
    const t = openLab();
    const res = await imported(t, 'vmexit.txt', fixture('vmexit-multi.txt'));
    const runs = await Promise.all(res.runIds.map((id) => t.call('runs:get', { id })));
    expect(runs.map((r) => [r.workload, r.summary?.samples, r.summary?.latency.mean])).toEqual([
      ['vmexit-tscdeadline', 3, (3190 + 3211 + 3177) / 3],
      ['vmexit-tscdeadline-immed', 3, (1942 + 1938 + 1951) / 3],
    ]);
    expect(runs[0]?.measurement?.vmexitTests?.find((x) => x.test === 'cpuid')?.cycles).toEqual([1497]);
  });
});

describe('no statistic is stored that the file does not give', () => {
  it('cyclictest status lines: count, mean, min, max, and nothing else', async () => {
    const t = openLab();
    const res = await imported(t, 'status.txt', STATUS);
    const d = await t.call('runs:get', { id: res.runId });
    expect(d.summary?.latency).toMatchObject({ mean: (576934 * 5000 + 384622 * 4000) / 961556, min: 1000, max: 1650000 });
    for (const k of ['p50', 'p90', 'p99', 'p999', 'stddev'] as const) expect(d.summary?.latency[k]).toBeNull();
    expect(d.p99).toBeNull();
    expect((await t.call('runs:list', {})).find((r) => r.id === res.runId)?.p99).toBeNull();
    const csv = await t.call('export', { ids: [res.runId], format: 'csv' });
    expect(csv.content.split('\n')[1]).toContain(',—,—,—,—,');
    await expect(t.call('runs:histogram', { id: res.runId })).rejects.toThrow(/no histogram/);
  });

  it('perf kvm stat: µs kept (no cycles without a TSC rate), no percentile, no assumed 2.6 GHz', async () => {
    const t = openLab();
    const res = await imported(t, 'perf.txt', fixture('perf-kvm-stat-arm64.txt'));
    const d = await t.call('runs:get', { id: res.runId });
    expect(d.measure).toBe('exit-handling-time');
    expect(d.summary?.latency.p99).toBeNull();
    expect(d.summary?.exits).toEqual({});
    expect(d.measurement?.context.tsc).toBeNull();
    expect(d.measurement?.perfRows?.[0]).toMatchObject({ reason: 'DABT_LOW', minUs: 2.19, maxUs: 3364.65, meanUs: 6.24 });
    // with a TSC rate given at import, exit times are also shown in cycles, labelled "known"
    const t2 = openLab();
    const withTsc = await imported(t2, 'perf.txt', fixture('perf-kvm-stat-x86.txt'), { tscKhz: 2_000_000 });
    const d2 = await t2.call('runs:get', { id: withTsc.runId });
    expect(d2.measurement?.context.tsc).toEqual({ khz: 2_000_000, basis: 'known', method: 'given at import' });
    expect(d2.summary?.exits.MSR_WRITE?.hostCycles).toBe(Math.round(20480 * 1440 * 2));
  });

  it('histogram overflows count toward the total; the maximum is the file\'s; percentiles among them read "> limit"', async () => {
    const t = openLab();
    const res = await imported(t, 'overflow.txt', fixture('cyclictest-hist-overflow.txt'));
    const [merged, t0] = await Promise.all(res.runIds.slice(0, 2).map((id) => t.call('runs:get', { id })));
    expect(t0?.summary?.samples).toBe(575);
    expect(t0?.summary?.latency.max).toBe(3_030_000);
    expect(t0?.summary?.latency.stddev).toBeNull();
    // 575 samples, 572 in the buckets: p99 (rank 570) is in them, p99.9 (rank 575) is not
    expect(t0?.summary?.latency.p99).not.toBeNull();
    expect(t0?.summary?.latency.p999).toBeNull();
    expect(t0?.summary?.latency.above).toBe(19_000);
    expect(statText(t0!.summary!.latency, 'p999', String)).toBe('> 19000');
    expect(merged?.summary?.samples).toBe(1142);
    expect(merged?.measurement?.overflow).toEqual({ count: 3, limit: 19_000 });
  });

  it('the unit choice reads cyclictest -N text in ns', async () => {
    const t = openLab();
    const res = await imported(t, 'hist-ns.txt', '# Histogram\n000000 000000\n000001 000004\n# Total: 000000004\n', { unit: 'ns' });
    const d = await t.call('runs:get', { id: res.runId });
    expect(d.summary?.latency).toMatchObject({ min: 1, max: 1, mean: 1 });
    expect(res.warnings.join()).not.toMatch(/--unit/);
  });
});

describe('empty and repeated imports', () => {
  it('the same file again points to the existing runs and stores nothing', async () => {
    const t = openLab();
    const first = await imported(t, 'hist.txt', HIST);
    const again = await imported(t, 'renamed.txt', HIST);
    expect(again).toMatchObject({ runIds: first.runIds, experimentId: first.experimentId, deduplicated: true, format: 'cyclictest-hist' });
    expect(again.warnings[0]).toContain('imported before');
    expect(await t.call('runs:list', {})).toHaveLength(5);
  });

  it('the same file with another unit or TSC rate is another import; the name alone is not', async () => {
    const t = openLab();
    const first = await imported(t, 'hist.txt', HIST);
    const ns = await imported(t, 'hist.txt', HIST, { unit: 'ns' });
    expect(ns.deduplicated).toBe(false);
    expect(ns.runIds.some((id) => first.runIds.includes(id))).toBe(false);
    const [us, asNs] = [await t.call('runs:get', { id: first.runId }), await t.call('runs:get', { id: ns.runId })];
    expect(asNs.summary!.latency.mean * 1000).toBeCloseTo(us.summary!.latency.mean, 6);
    expect(await imported(t, 'hist.txt', HIST, { unit: 'ns', name: 'another name' })).toMatchObject({ runIds: ns.runIds, deduplicated: true });
    // µs, as the app always sends it, is the default: the file imported without a unit
    expect(await imported(t, 'hist.txt', HIST, { unit: 'us' })).toMatchObject({ runIds: first.runIds, deduplicated: true });
    const kvm = fixture('vmexit-multi.txt'); // cycles: a TSC rate gives them in ns
    const plain = await imported(t, 'tsc.txt', kvm);
    const withRate = await imported(t, 'tsc.txt', kvm, { tscKhz: 2_400_000 });
    expect(withRate.deduplicated).toBe(false);
    expect(await imported(t, 'tsc.txt', kvm, { tscKhz: 2_400_000 })).toMatchObject({ runIds: withRate.runIds, deduplicated: true });
    expect(await imported(t, 'tsc.txt', kvm)).toMatchObject({ runIds: plain.runIds, deduplicated: true });
  });

  it('a format the import names counts as an option only when detection would find another one', async () => {
    const t = openLab();
    // named first, then left to detection: the same import either way
    const named = await imported(t, 'hist.txt', HIST, { format: 'cyclictest-hist' });
    expect(named.deduplicated).toBe(false);
    expect(await imported(t, 'hist.txt', HIST)).toMatchObject({ runIds: named.runIds, deduplicated: true, format: 'cyclictest-hist' });
    expect(await imported(t, 'hist.txt', HIST, { format: 'cyclictest-hist' })).toMatchObject({ runIds: named.runIds, deduplicated: true });
    expect(await t.call('runs:list', {})).toHaveLength(5);
    // a file two readers accept: vmexit lines (what detection finds) followed by a host trace
    const both = `${fixture('vmexit-multi.txt')}${fixture('trace-cmd-amd-svm.txt')}`;
    const plain = await imported(t, 'both.txt', both);
    expect(plain).toMatchObject({ format: 'vmexit', deduplicated: false });
    expect(await imported(t, 'both.txt', both, { format: 'vmexit' })).toMatchObject({ runIds: plain.runIds, deduplicated: true });
    const asTrace = await imported(t, 'both.txt', both, { format: 'trace-cmd' });
    expect(asTrace).toMatchObject({ format: 'trace-cmd', deduplicated: false });
    expect(asTrace.runIds.some((id) => plain.runIds.includes(id))).toBe(false);
    expect(await imported(t, 'both.txt', both, { format: 'trace-cmd' })).toMatchObject({ runIds: asTrace.runIds, deduplicated: true });
    expect(await t.call('runs:list', {})).toHaveLength(5 + plain.runIds.length + asTrace.runIds.length);
  });

  it('runs imported before import options were kept: matched as plain imports unless their context shows an option', async () => {
    const t = openLab();
    const plain = await imported(t, 'hist.txt', HIST);
    const ns = await imported(t, 'hist.txt', HIST, { unit: 'ns' });
    const kvm = fixture('vmexit-multi.txt');
    const rated = await imported(t, 'tsc.txt', kvm, { tscKhz: 2_400_000 });
    // as an older version stored them: no importOptions in the measurement
    const db = new Database(t.dbPath);
    db.prepare("UPDATE runs SET measurement_json = json_remove(measurement_json, '$.importOptions') WHERE kind = 'measured'").run();
    db.close();
    // the plain µs runs still match a plain import; the ns and rated runs are given to no plain one
    expect(await imported(t, 'hist.txt', HIST)).toMatchObject({ runIds: plain.runIds, deduplicated: true });
    const plainKvm = await imported(t, 'tsc.txt', kvm);
    expect(plainKvm.deduplicated).toBe(false);
    expect(plainKvm.runIds.some((id) => rated.runIds.includes(id))).toBe(false);
    const nsAgain = await imported(t, 'hist.txt', HIST, { unit: 'ns' });
    expect(nsAgain.runIds.some((id) => ns.runIds.includes(id) || plain.runIds.includes(id))).toBe(false);
  });

  it('a file without usable data is refused ("no timer events found") and nothing is saved', async () => {
    const t = openLab();
    for (const content of ['T: 0 ( 3524) P:99 I:1000 C:      0 Min: 1000000 Act:    0 Avg:    0 Max:       0', '# Histogram\n000000 000000\n# Total: 000000000\n', 'cpus=2\n <idle>-0 [000] 1.000001: cpu_idle: state=1 cpu_id=0\n']) {
      const e = await apiError(imported(t, 'empty.txt', content));
      expect(e).toMatchObject({ code: 'bad-input', field: 'content' });
      expect(e.message).toMatch(/^line \d+: .*no timer events found/);
    }
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('negative, 400-digit and 1e308 numbers: bad input naming the line, nothing saved', async () => {
    const t = openLab();
    const cases = [
      '# Histogram\n000000 -00005\n# Total: 5\n',
      `# Histogram\n000000 ${'9'.repeat(400)}\n# Total: 1\n`,
      '{"thread":{"0":{"histogram":{"1":1e308,"2":1e308}}}}',
      fixture('perf-kvm-stat-x86.txt').replace('20480', '-20480'),
    ];
    for (const content of cases) {
      const e = await apiError(imported(t, 'bad.txt', content));
      expect(e.code).toBe('bad-input');
      expect(e.message).toMatch(/^line \d+: /);
    }
    expect(await t.call('runs:list', {})).toEqual([]);
  });
});

describe('comparisons of measured runs', () => {
  it('runs that measure different things are shown side by side with no verdict or p-value, and say why', async () => {
    const t = openLab();
    const trace = await imported(t, 'trace.txt', fixture('trace-cmd-ns-new-kvm-exit.txt'));
    const sim = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 2000 });
    const c = await t.call('compare', { ids: [sim, trace.runId] });
    const row = c.runs.find((r) => r.id === trace.runId);
    expect(row?.pValue).toBeNull();
    expect(row?.ci95).toBeNull();
    expect(row?.significant).toBe(false);
    expect(row?.deltaPct.mean).toBeNull();
    expect(row?.noVerdict).toBe('no verdict or p-value: they measure different things (guest deadline → ISR vs host expiry → VM entry)');
    expect(c.warnings.join('\n')).toContain('these runs measure different things');
    // both are still shown: the trace's numbers (ns) and the simulated run converted to ns
    expect(row?.mean).toBe(1293);
    expect(c.cdf.map((x) => x.id).sort()).toEqual([sim, trace.runId].sort());
    // the contexts differ: an estimated TSC rate, and no kernel in the trace
    expect(c.contextDifferences.join('\n')).toContain(`run ${trace.runId}: TSC rate estimated`);
    expect(c.contextDifferences.join('\n')).toContain(`run ${trace.runId} does not say which kernel it ran`);
  });

  it('the same measure compares with a verdict; a run without a distribution gets none', async () => {
    const t = openLab();
    const hist = await imported(t, 'hist.txt', HIST);
    const status = await imported(t, 'status.txt', STATUS);
    const sim = await runOne(t, { workload: 'cyclictest', strategy: 'vmx-preemption', samples: 3000 });
    const c = await t.call('compare', { ids: [hist.runId, sim, status.runId], baseline: hist.runId });
    const simRow = c.runs.find((r) => r.id === sim);
    const statusRow = c.runs.find((r) => r.id === status.runId);
    expect(simRow?.noVerdict).toBeNull();
    expect(simRow?.pValue).not.toBeNull();
    expect(statusRow?.pValue).toBeNull();
    expect(statusRow?.noVerdict).toContain('this run has no distribution');
    expect(statusRow?.p99).toBeNull();
    // its mean is still compared with the baseline's: both are wake-up latencies
    expect(statusRow?.deltaPct.mean).not.toBeNull();
    expect(c.warnings.join('\n')).toContain(`run ${status.runId} has no distribution`);
    const html = await t.call('export', { ids: [hist.runId, status.runId], format: 'html' });
    expect(html.content).toContain('no p-value: this run has no distribution');
  });

  it('a cycles import with no TSC rate is shown, not converted with an assumed one', async () => {
    const t = openLab();
    const log = await imported(t, 'tsc.txt', 'tsc deadline timer enabled\nlatency: 3200\nlatency: 3300\nSUMMARY: 1 tests\n');
    const hist = await imported(t, 'hist.txt', HIST);
    const c = await t.call('compare', { ids: [log.runId, hist.runId], baseline: hist.runId });
    const row = c.runs.find((r) => r.id === log.runId);
    expect(c.unit).toBe('ns');
    expect(row?.mean).toBeNull();
    expect(row?.noVerdict).toContain('no known TSC rate');
    expect(c.cdf.map((x) => x.id)).toEqual([hist.runId]);
  });
});
