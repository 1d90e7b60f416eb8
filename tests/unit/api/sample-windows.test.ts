// The tail of a large run, sample by sample: runs:worst lists the largest samples from the stored
// data, runs:sampleTrace replays one (in a worker) and returns its events, whose delivery is the
// stored value. Bad indices and measured runs are refused with the reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../../samples.js';
import { apiError, openLab } from './helpers.js';

describe('runs:worst and runs:sampleTrace', () => {
  it('lists the worst samples of a two-shard run and replays one from the second shard', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 60_000, seed: 9 }] });
    const id = runIds[0]!;
    expect(await t.lab.waitForRun(id)).toBe('done');
    const worst = await t.call('runs:worst', { id, n: 5 });
    expect(worst).toHaveLength(5);
    for (let i = 1; i < worst.length; i++) expect(worst[i - 1]!.value).toBeGreaterThanOrEqual(worst[i]!.value);
    const detail = await t.call('runs:get', { id });
    expect(worst[0]!.value).toBe(detail.summary!.latency.max);

    const late = await t.call('runs:sampleTrace', { id, index: 55_555 });
    expect(late.index).toBe(55_555);
    expect(late.events.at(-1)!.event).toBe('kvm_wait_lapic_expire');
    const top = await t.call('runs:sampleTrace', { id, index: worst[0]!.index });
    expect(top.value).toBe(worst[0]!.value);
    // the run's cold start is its worst: the vCPU slept and the scheduler woke it
    expect(top.events.some((e) => e.event === 'sched_switch')).toBe(true);
  }, 60_000);

  it('refuses an index past the end and a measured run, naming the field', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 100 }] });
    await t.lab.waitForRun(runIds[0]!);
    const past = await apiError(t.call('runs:sampleTrace', { id: runIds[0]!, index: 100 }));
    expect(past).toMatchObject({ code: 'bad-input', field: 'index' });
    expect(past.message).toContain('0–99');
    const imported = await t.call('import', { fileName: 'h.txt', content: '# Histogram\n000001 000010\n000002 000005\n# Total: 000000015\n' });
    const measured = await apiError(t.call('runs:sampleTrace', { id: imported.runIds[0]!, index: 0 }));
    expect(measured.code).toBe('conflict');
    expect(measured.message).toMatch(/measurement/);
  }, 60_000);

  it('refuses a cancelled run, whose partial shards no longer map an index to its shard', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000_000 }] });
    const id = runIds[0]!;
    for (let i = 0; i < 200 && (await t.call('runs:get', { id })).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // some samples done
    await t.call('runs:cancel', { id });
    expect(await t.lab.waitForRun(id)).toBe('cancelled');
    const e = await apiError(t.call('runs:sampleTrace', { id, index: 0 }));
    expect(e).toMatchObject({ code: 'conflict', field: 'id' });
    expect(e.message).toMatch(/cancelled/);
  }, 60_000);
  it('says why an import has no samples to list: values kept as a histogram, or a summary only', async () => {
    const t = openLab();
    const trace = await t.call('import', { fileName: 'excerpt.txt', content: readFileSync(samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), 'utf8') });
    expect(await apiError(t.call('runs:worst', { id: trace.runId, n: 5 }))).toMatchObject({ code: 'not-found', message: expect.stringMatching(/keeps its values as a histogram, without their order.*largest value is \d+ ns/) });
    const status = await t.call('import', { fileName: 'status.txt', content: 'T: 0 ( 3524) P:99 I:1000 C: 576934 Min:      1 Act:    4 Avg:    5 Max:    1650' });
    expect(await apiError(t.call('runs:worst', { id: status.runId, n: 5 }))).toMatchObject({ message: expect.stringMatching(/gives a summary only/) });
  });
});
