// `export` in every format, and `import` of a real cyclictest histogram (compared with a simulated
// cyclictest run) and of a malformed one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../../src-shared/contract.js';
import { apiError, openLab, runOne, type TestLab } from './helpers.js';
import { samplePath } from '../../samples.js';

const SAMPLE = samplePath('cyclictest-histogram-4threads-h400.txt');

async function twoRuns(t: TestLab): Promise<[number, number]> {
  const a = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 3_000, trace: true }, 'Halt <hrtimer> & co');
  const b = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 3_000 }, 'Halt vmx');
  return [a, b];
}

describe('export', () => {
  it('produces valid content in every format', async () => {
    const t = openLab();
    const [a, b] = await twoRuns(t);
    const seen = new Set<string>();
    const exp = async (ids: number[], format: (typeof EXPORT_FORMATS)[number]) => {
      seen.add(format);
      const f = await t.call('export', { ids, format });
      expect(f.encoding).toBe('utf8');
      expect(f.content.length).toBeGreaterThan(0);
      expect(f.fileName).toMatch(/^timer-lab-run/);
      return f;
    };

    const csv = await exp([a, b], 'csv');
    expect(csv.mime).toBe('text/csv');
    const lines = csv.content.trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['id', 'name', 'mean', 'p99']));
    expect(lines).toHaveLength(3);
    const meanCol = header.indexOf('mean');
    const rowA = lines.find((l) => l.startsWith(`${a},`))!;
    const detailA = await t.call('runs:get', { id: a });
    expect(Number(rowA.split(',')[meanCol])).toBeCloseTo(detailA.summary!.latency.mean, 6);

    const json = await exp([a, b], 'json');
    const parsed = JSON.parse(json.content) as Array<{ id: number; summary: unknown }>;
    expect(parsed.map((r) => r.id)).toEqual([a, b]);
    expect(parsed[0]!.summary).toEqual(detailA.summary);

    // cyclictest's formats carry wake-up latencies: those of simulated cyclictest runs
    const c1 = await runOne(t, { workload: 'cyclictest', strategy: 'hrtimer', samples: 3_000 });
    const c2 = await runOne(t, { workload: 'cyclictest', strategy: 'vmx-preemption', samples: 3_000 });
    const hist = await exp([c1, c2], 'cyclictest-hist');
    const histLines = hist.content.split('\n');
    expect(histLines[0]).toBe('# Histogram');
    expect(histLines.some((l) => /^\d{6}\s\d+\t\d+$/.test(l))).toBe(true);
    expect(hist.content).toMatch(/# Total: +\d+ +\d+/);
    // Round trip: the exported histogram imports again as a 2-thread cyclictest histogram.
    const back = await t.call('import', { fileName: 'back.txt', content: hist.content });
    expect(back.format).toBe('cyclictest-hist');
    expect((await t.call('runs:get', { id: back.runId })).summary!.samples).toBe(6_000);

    const cjson = await exp([c1, c2], 'cyclictest-json');
    const cdoc = JSON.parse(cjson.content) as { num_threads: number; thread: Record<string, { cycles: number }> };
    expect(cdoc.num_threads).toBe(2);
    expect(cdoc.thread['0']!.cycles).toBe(3_000);
    const cback = await t.call('import', { fileName: 'back.json', content: cjson.content });
    expect(cback.format).toBe('cyclictest-json');

    // the guest-side log of a simulated run, in sample order, imports back with the same samples
    const log = await exp([a], 'tscdeadline-latency');
    const latencies = log.content.split('\n').filter((l) => l.startsWith('latency: '));
    expect(latencies).toHaveLength(3_000);
    const logBack = await t.call('import', { fileName: 'back.log', content: log.content });
    expect(logBack.format).toBe('tscdeadline-latency');
    expect((await t.call('runs:get', { id: logBack.runId })).summary!.latency.mean).toBeCloseTo(detailA.summary!.latency.mean, 9);

    const trace = await exp([a], 'trace-cmd');
    expect(trace.content.split('\n')[0]).toMatch(/^cpus=\d+/);
    expect(trace.content).toMatch(/kvm_exit/);
    expect(trace.content).toMatch(/kvm_entry/);

    const chrome = await exp([a], 'chrome-trace');
    const ct = JSON.parse(chrome.content) as { traceEvents: Array<{ name: string; ph: string }> };
    expect(Array.isArray(ct.traceEvents)).toBe(true);
    expect(ct.traceEvents.length).toBeGreaterThan(10);

    const html = await exp([a, b], 'html');
    expect(html.content).toContain('<svg');
    expect(html.content).toContain('Halt &lt;hrtimer&gt; &amp; co');
    expect(html.content).toContain('Halt vmx');
    expect(html.content).not.toMatch(/<script/i);
    expect(html.content).not.toContain('Halt <hrtimer>'); // names are escaped
    const single = await exp([b], 'html');
    expect(single.content).toContain('<svg');
    expect(single.content).not.toMatch(/<script/i);

    expect([...seen].sort()).toEqual([...EXPORT_FORMATS].sort());
  });

  it('refuses trace exports of several runs or of a run without a trace', async () => {
    const t = openLab();
    const [a, b] = await twoRuns(t);
    const e = await apiError(t.call('export', { ids: [a, b], format: 'trace-cmd' }));
    expect(e).toMatchObject({ code: 'bad-input', field: 'ids' });
    expect((await apiError(t.call('export', { ids: [b], format: 'chrome-trace' }))).code).toBe('conflict');
  });
});

describe('import', () => {
  it('imports the 4-thread cyclictest histogram as a measured run and compares it in ns', async () => {
    const t = openLab();
    const content = readFileSync(SAMPLE, 'utf8');
    const res = await t.call('import', { fileName: 'cyclictest-histogram-4threads-h400.txt', content });
    expect(res.format).toBe('cyclictest-hist');
    const d = await t.call('runs:get', { id: res.runId });
    expect(d.kind).toBe('measured');
    expect(d.status).toBe('done');
    expect(d.source).toMatchObject({ fileName: 'cyclictest-histogram-4threads-h400.txt', format: 'cyclictest-hist' });
    expect(d.source!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.summary!.latency.unit).toBe('ns');
    // # Total: 011055136 011055141 011055141 011055131
    expect(d.summary!.samples).toBe(11055136 + 11055141 + 11055141 + 11055131);
    expect(d.summary!.latency.min).toBe(4_000);
    expect(d.summary!.latency.max).toBe(28_000);
    expect(d.summary!.latency.mean).toBeGreaterThan(5_000);
    expect(d.summary!.latency.mean).toBeLessThan(6_500);

    const sim = await runOne(t, { workload: 'cyclictest', strategy: 'vmx-preemption', samples: 5_000 });
    const c = await t.call('compare', { ids: [res.runId, sim] });
    expect(c.unit).toBe('ns');
    const simRow = c.runs.find((r) => r.id === sim)!;
    const simDetail = await t.call('runs:get', { id: sim });
    // The simulated run is converted from cycles to ns with its profile's tsc_khz.
    expect(simRow.mean).toBeCloseTo(simDetail.summary!.latencyNs.mean, 3);
    expect(c.runs.find((r) => r.id === res.runId)!.mean).toBeCloseTo(d.summary!.latency.mean, 3);
  });

  it('refuses a malformed histogram naming the line, and saves nothing', async () => {
    const t = openLab();
    const lines = readFileSync(SAMPLE, 'utf8').split('\n');
    const broken = lines.findIndex((l) => l.startsWith('000006 '));
    lines[broken] = '000006 1768019\tabc\t1624599\t7690862';
    const e = await apiError(t.call('import', { fileName: 'broken.txt', content: lines.join('\n') }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain(`line ${broken + 1}`);
    expect(e.field).toBe('content');
    expect(await t.call('runs:list', {})).toEqual([]);
    // A file in no known format is refused too.
    const e2 = await apiError(t.call('import', { fileName: 'x.txt', content: 'hello world\n' }));
    expect(e2.code).toBe('bad-input');
    expect(await t.call('runs:list', {})).toEqual([]);
  });
});
