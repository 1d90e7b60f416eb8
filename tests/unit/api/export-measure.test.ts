// Another tool's export format only for runs measuring what that tool measures: a cyclictest
// run, a vmexit run or a host trace is not written as a tscdeadline_latency log or a cyclictest
// histogram; the refusal names the run, what it measures and the formats that fit it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, EXPORT_FORMAT_INFO, exportFormatsFor } from '../../../src-shared/export-formats.js';
import { isMeasureId } from '../../../src-shared/measures.js';
import { samplePath } from '../../samples.js';
import { apiError, openLab, runOne } from './helpers.js';

const TRACE = samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt');

describe('export formats and what runs measure', () => {
  it('every export format names measures of the registry, or any', () => {
    for (const f of EXPORT_FORMATS) {
      const m = EXPORT_FORMAT_INFO[f].measures;
      if (m !== 'any') expect(m.length > 0 && m.every(isMeasureId), f).toBe(true);
    }
    expect(exportFormatsFor('wakeup-latency')).toEqual(['csv', 'json', 'cyclictest-hist', 'cyclictest-json', 'trace-cmd', 'chrome-trace', 'html']);
    expect(exportFormatsFor(null)).not.toContain('tscdeadline-latency');
  });

  it('refuses a cyclictest run as a tscdeadline_latency log, naming the run, its measure and the formats that fit', async () => {
    const t = openLab();
    const cyc = await runOne(t, { workload: 'cyclictest', strategy: 'vmx-preemption', samples: 500 });
    const e = await apiError(t.call('export', { ids: [cyc], format: 'tscdeadline-latency' }));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain(`run ${cyc} measures wake-up latency`);
    expect(e.message).toContain('guest deadline → ISR');
    expect(e.message).toContain('cyclictest-hist, cyclictest-json');
    expect(e.message).not.toMatch(/tscdeadline-latency[,)]/);
    // its own tool's format is written
    expect((await t.call('export', { ids: [cyc], format: 'cyclictest-hist' })).content).toMatch(/^# Histogram/);
  });

  it('refuses a vmexit run (cycles per iteration) as a latency log or a cyclictest histogram', async () => {
    const t = openLab();
    const vm = await runOne(t, { workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', samples: 500 });
    for (const format of ['tscdeadline-latency', 'cyclictest-hist', 'cyclictest-json'] as const) {
      const e = await apiError(t.call('export', { ids: [vm], format }));
      expect(e.code, format).toBe('conflict');
      expect(e.message).toContain(`run ${vm} measures cycles per iteration`);
    }
    expect((await t.call('export', { ids: [vm], format: 'csv' })).content).toContain('cycles per iteration');
  });

  it('refuses a tscdeadline run as a cyclictest histogram, and any run of several that does not fit', async () => {
    const t = openLab();
    const halt = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 500 });
    const cyc = await runOne(t, { workload: 'cyclictest', strategy: 'hrtimer', samples: 500 });
    const e = await apiError(t.call('export', { ids: [cyc, halt], format: 'cyclictest-json' }));
    expect(e.message).toContain(`run ${halt} measures guest deadline → ISR`);
    expect(e.message).toContain('tscdeadline-latency');
    expect((await t.call('export', { ids: [halt], format: 'tscdeadline-latency' })).content).toMatch(/latency: \d+/);
  });

  it('refuses an imported host trace (host expiry → VM entry) as a cyclictest histogram', async () => {
    const t = openLab();
    const imp = await t.call('import', { fileName: 'trace.txt', content: readFileSync(TRACE, 'utf8') });
    const run = await t.call('runs:get', { id: imp.runId });
    expect(run.measure).toBe('host-expiry-to-entry');
    for (const format of ['cyclictest-hist', 'tscdeadline-latency'] as const) {
      const e = await apiError(t.call('export', { ids: [imp.runId], format }));
      expect(e.code).toBe('conflict');
      expect(e.message).toContain(`run ${imp.runId} measures host expiry → VM entry`);
    }
    expect((await t.call('export', { ids: [imp.runId], format: 'trace-cmd' })).content).toMatch(/kvm_entry/);
  });
});
