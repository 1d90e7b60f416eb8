// Import options that do not apply to the file's format, by the in-memory call and the streaming
// import alike: a TSC rate for cyclictest output (already in time units) or a timeline length for
// a file without a trace is refused naming the option and the format, with nothing saved; a unit
// for a file that states its own is ignored with a warning and no part of the import's identity,
// so the file is not stored again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallArgs } from '../../../src-shared/contract.js';
import { repoRoot, samplePath } from '../../samples.js';
import { apiError, openLab, type TestLab } from './helpers.js';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'imports', name), 'utf8');
const HIST = readFileSync(samplePath('cyclictest-histogram-4threads-h400.txt'), 'utf8');
const TRACE = readFileSync(samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), 'utf8');
const PERF = fixture('perf-kvm-stat-x86.txt');
const JSON_LOG = fixture('cyclictest-overflow.json');

type Meta = Omit<CallArgs<'import'>, 'content'>;
const TRANSPORTS = {
  call: (t: TestLab, meta: Meta, content: string) => t.call('import', { ...meta, content }),
  stream: (t: TestLab, meta: Meta, content: string) => {
    async function* body() {
      yield content.slice(0, 1000);
      yield content.slice(1000);
    }
    return t.host.importStream(meta, body(), Buffer.byteLength(content));
  },
};

describe.each(Object.entries(TRANSPORTS))('import options that do not apply (%s)', (_name, importFile) => {
  it('refuses a TSC rate for cyclictest output, naming the option and the format, and saves nothing', async () => {
    const t = openLab();
    const e = await apiError(importFile(t, { fileName: 'cyc.txt', tscKhz: 2_600_000 }, HIST));
    expect(e).toMatchObject({ code: 'bad-input', field: 'tscKhz' });
    expect(e.message).toMatch(/^tscKhz: does not apply to a cyclictest-hist file/);
    expect(e.message).toContain('tscdeadline-latency, vmexit, trace-cmd, perf-kvm-stat');
    expect(await t.call('runs:list', {})).toEqual([]);
    // a named format decides too
    const named = await apiError(importFile(t, { fileName: 'cyc.json', format: 'cyclictest-json', tscKhz: 2_600_000 }, JSON_LOG));
    expect(named.message).toContain('a cyclictest-json file');
    // a timeline length only for a trace-cmd report
    const events = await apiError(importFile(t, { fileName: 'cyc.txt', traceTimerEvents: 10 }, HIST));
    expect(events).toMatchObject({ code: 'bad-input', field: 'traceTimerEvents' });
    expect(events.message).toContain('a cyclictest-hist file');
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it.each([
    ['perf kvm stat', 'perf.txt', PERF, 'perf-kvm-stat'],
    ['trace-cmd report', 'trace.txt', TRACE, 'trace-cmd'],
    ['cyclictest --json', 'cyc.json', JSON_LOG, 'cyclictest-json'],
  ])('ignores a unit for a %s with a warning, and does not store the file again', async (_what, fileName, content, format) => {
    const t = openLab();
    const plain = await importFile(t, { fileName }, content);
    expect(plain.format).toBe(format);
    const asNs = await importFile(t, { fileName, unit: 'ns' }, content);
    expect(asNs).toMatchObject({ runIds: plain.runIds, deduplicated: true });
    expect(asNs.warnings[0]).toBe(
      `the unit ns does not apply to a ${format} file, which states its unit or has no cyclictest values (it applies to cyclictest, cyclictest-verbose, cyclictest-hist): ignored`,
    );
    expect(await t.call('runs:list', {})).toHaveLength(plain.runIds.length);
    // the app's default unit, sent with every file, gives no warning
    const asUs = await importFile(t, { fileName, unit: 'us' }, content);
    expect(asUs).toMatchObject({ runIds: plain.runIds, deduplicated: true });
    expect(asUs.warnings.join('\n')).not.toContain('does not apply');
  });

  it('a unit ignored on the first import is neither stored nor warned about again as part of the runs', async () => {
    const t = openLab();
    const first = await importFile(t, { fileName: 'perf.txt', unit: 'ns' }, PERF);
    expect(first.deduplicated).toBe(false);
    expect(first.warnings[0]).toContain('does not apply to a perf-kvm-stat file');
    const run = await t.call('runs:get', { id: first.runId });
    expect(run.measurement?.importOptions).toBe('{}');
    expect(run.notes ?? '').not.toContain('does not apply');
    expect(await importFile(t, { fileName: 'perf.txt' }, PERF)).toMatchObject({ runIds: first.runIds, deduplicated: true });
  });

  it('keeps the options that apply: a unit for histogram text, a TSC rate for a trace', async () => {
    const t = openLab();
    const us = await importFile(t, { fileName: 'h.txt' }, HIST);
    const ns = await importFile(t, { fileName: 'h.txt', unit: 'ns' }, HIST);
    expect(ns.deduplicated).toBe(false);
    expect(ns.runIds.some((id) => us.runIds.includes(id))).toBe(false);
    const rated = await importFile(t, { fileName: 'trace.txt', tscKhz: 2_600_000 }, TRACE);
    expect((await t.call('runs:get', { id: rated.runId })).measurement?.context.tsc).toMatchObject({ khz: 2_600_000, basis: 'known' });
  });
});
