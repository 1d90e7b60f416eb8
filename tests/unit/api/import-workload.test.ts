// An imported tscdeadline_latency log does not say whether its guest halted or busy-waited: the
// run's workload says so (tscdeadline, neither halt nor busy), it still measures guest deadline →
// ISR, and a comparison with simulated halting or busy-waiting runs warns about it.
import { describe, expect, it } from 'vitest';
import { TSCDEADLINE_GUEST_UNKNOWN } from '../../../src-shared/workloads.js';
import { openLab, runOne } from './helpers.js';

describe('the workload of an imported tscdeadline_latency log', () => {
  it('is not invented from the file: a busy-waiting guest\'s log is not stored as tscdeadline-halt', async () => {
    const t = openLab();
    const busy = await runOne(t, { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 800 });
    const log = await t.call('export', { ids: [busy], format: 'tscdeadline-latency' });
    const imp = await t.call('import', { fileName: 'busy.log', content: log.content });
    const run = await t.call('runs:get', { id: imp.runId });
    expect(run.workload).toBe(TSCDEADLINE_GUEST_UNKNOWN);
    expect(run.workload).not.toBe('tscdeadline-halt');
    expect(run.measure).toBe('guest-deadline-to-isr');

    const c = await t.call('compare', { ids: [busy, imp.runId] });
    expect(c.warnings).toContainEqual(expect.stringContaining(`whether the guest of run ${imp.runId} halted or busy-waited between timers is not known from the file (compared with tscdeadline-busy)`));
    // it measures the same thing: a verdict is still given
    expect(c.warnings.join('\n')).not.toContain('measure different things');
  });

  it('gives no such warning among runs whose guest is known', async () => {
    const t = openLab();
    const a = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 500 });
    const b = await runOne(t, { workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 500 });
    const c = await t.call('compare', { ids: [a, b] });
    expect(c.warnings.join('\n')).not.toContain('halted or busy-waited');
  });
});
