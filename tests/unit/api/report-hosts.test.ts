// The HTML report of a comparison across hosts: CPU profile and kernel columns in the runs and
// percentile tables, and the differing kernels, CPU profiles and vendors under "Contexts differ".
import { describe, expect, it } from 'vitest';
import { openLab } from './helpers.js';

describe('HTML report across hosts', () => {
  it('labels every run with its CPU profile and kernel and says the hosts differ', async () => {
    const t = openLab();
    const spec = { workload: 'tscdeadline-busy' as const, strategy: 'hrtimer' as const, samples: 1000, seed: 1 };
    const { runIds } = await t.call('experiments:submit', { name: 'hosts', runs: [{ ...spec, profile: 'SKX', set: { kernel: '6.8' } }, { ...spec, profile: 'EPYC' }] });
    for (const id of runIds) expect(await t.lab.waitForRun(id)).toBe('done');
    const html = (await t.call('export', { ids: runIds, format: 'html' })).content;
    expect(html).toContain('<th>strategy</th><th>CPU profile</th><th>kernel</th>');
    expect(html).toContain('<thead><tr><th>run</th><th>CPU profile</th><th>kernel</th>');
    expect(html).toContain(`<tr><td>#${runIds[0]}</td><td class="l">SKX</td><td class="l">6.8</td>`);
    expect(html).toContain(`<tr><td>#${runIds[1]}</td><td class="l">EPYC</td><td class="l">6.1</td>`);
    const context = html.slice(html.indexOf('<h2>Contexts differ</h2>'));
    expect(context).toContain(`kernels differ: run ${runIds[0]} models Linux 6.8, run ${runIds[1]} models Linux 6.1`);
    expect(context).toContain(`CPU profiles differ: run ${runIds[0]} models SKX, run ${runIds[1]} models EPYC`);
    expect(context).toContain('CPU vendors differ');
  });
});
