// The run summary the CLI prints: the metric named from the workload registry (a vmexit run's
// cycles per iteration, in ns its time per iteration), counts in the singular when there is one,
// and a cancelled run said as such.
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../../src-main/cli/output.js';
import { buildRunConfig, DEFAULT_PROFILE, simulate } from '../../../src-main/engine/index.js';

const summaryOf = (workload: string, samples: number) => simulate(buildRunConfig({ workload, strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples, seed: 1 })).summary;

describe('summaryText', () => {
  it('names a vmexit run cycles per iteration, and its ns line time per iteration, aligned', () => {
    const lines = summaryText(summaryOf('vmexit-tscdeadline', 200)).split('\n');
    const cycles = lines.find((l) => l.startsWith('cycles per iteration (cycles): '));
    const ns = lines.find((l) => l.startsWith('time per iteration (ns):'));
    expect(cycles).toBeDefined();
    expect(ns).toBeDefined();
    expect(ns!.indexOf('mean')).toBe(cycles!.indexOf('mean'));
    expect(lines.join('\n')).not.toMatch(/cycles per iteration \(ns\)|latency/);
  });

  it('keeps latency for a latency workload, with its ns line aligned', () => {
    const lines = summaryText(summaryOf('tscdeadline-busy', 200)).split('\n');
    const cycles = lines.find((l) => l.startsWith('latency (cycles): '))!;
    const ns = lines.find((l) => l.startsWith('latency (ns):'))!;
    expect(ns.indexOf('mean')).toBe(cycles.indexOf('mean'));
  });

  it('says "1 sample" and "cancelled part-way"', () => {
    const s = { ...summaryOf('tscdeadline-busy', 1), stoppedBy: 'cancelled' as const };
    expect(summaryText(s).split('\n')[0]).toMatch(/· 1 sample · seed 1 · cancelled part-way$/);
  });
});
