// What a comparison says about the runs' hosts: kernels, CPU profiles and CPU vendors that differ.
import { describe, expect, it } from 'vitest';
import { buildRunConfig } from '../../../src-main/engine/index.js';
import type { RunDetail } from '../../../src-shared/contract.js';
import { builtinProfile } from '../../../src-shared/profiles/index.js';
import { contextDifferences, sharedContextNotes } from '../../../src-shared/run-context.js';

function run(id: number, profile: string, set: Record<string, unknown> = {}): RunDetail {
  const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: builtinProfile(profile)!, samples: 100, seed: 1, set });
  return { id, profile, config, measurement: null } as unknown as RunDetail;
}

/** An imported thread of a µs histogram file (kernel, CPU and TSC unknown). */
function thread(id: number, resolutionNs = 1000): RunDetail {
  const context = { kernel: null, machine: null, virt: null, tsc: null, resolutionNs, resolutionNote: 'whole µs (assumed)', intervalUs: null };
  return { id, profile: 'imported', config: null, measurement: { context, source: { scope: 'thread', label: `thread ${id}` }, sources: [] } } as unknown as RunDetail;
}

describe('contextDifferences', () => {
  it('does not call a caution every compared run shares a difference; it is said once', () => {
    expect(contextDifferences([thread(228), thread(223)])).toEqual([]);
    expect(sharedContextNotes([thread(228), thread(223)])).toEqual(['every run compared has 1 µs resolution (whole µs (assumed))']);
    // one run's caution, not another's, is a difference
    expect(contextDifferences([thread(5), thread(6, 1)])).toEqual(['run 5 has 1 µs resolution (whole µs (assumed))']);
    expect(sharedContextNotes([thread(5), thread(6, 1)])).toEqual([]);
    expect(contextDifferences([thread(7), run(8, 'SKX')])).toContain('run 7 has 1 µs resolution (whole µs (assumed))');
    // a single run is never "every run compared"
    expect(sharedContextNotes([thread(9)])).toEqual([]);
  });

  it('is silent when the runs share a host', () => {
    expect(contextDifferences([run(1, 'SKX'), run(2, 'SKX', { kernel: '5.15' })])).toEqual([]);
  });

  it('says when kernels differ on one CPU profile', () => {
    expect(contextDifferences([run(1, 'SKX', { kernel: '4.9' }), run(2, 'SKX', { kernel: '6.8' })])).toEqual(['kernels differ: run 1 models Linux 4.9, run 2 models Linux 6.8']);
  });

  it('says when CPU profiles differ, and when their vendors do', () => {
    expect(contextDifferences([run(1, 'SKX', { kernel: '6.8' }), run(2, 'SPR')])).toEqual(['CPU profiles differ: run 1 models SKX, run 2 models SPR', 'TSC rates differ: run 1 2.400 GHz, run 2 2.000 GHz']);
    expect(contextDifferences([run(3, 'SKX', { kernel: '6.1' }), run(4, 'EPYC')])).toEqual([
      'CPU profiles differ: run 3 models SKX, run 4 models EPYC',
      'CPU vendors differ: run 3 models Intel VMX, run 4 models AMD SVM',
      'TSC rates differ: run 3 2.400 GHz, run 4 2.445 GHz',
    ]);
  });
});
