// What a comparison says about the runs' hosts: kernels, CPU profiles and CPU vendors that differ.
import { describe, expect, it } from 'vitest';
import { buildRunConfig } from '../../../src-main/engine/index.js';
import type { RunDetail } from '../../../src-shared/contract.js';
import { builtinProfile } from '../../../src-shared/profiles/index.js';
import { contextDifferences } from '../../../src-shared/run-context.js';

function run(id: number, profile: string, set: Record<string, unknown> = {}): RunDetail {
  const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: builtinProfile(profile)!, samples: 100, seed: 1, set });
  return { id, profile, config, measurement: null } as unknown as RunDetail;
}

describe('contextDifferences', () => {
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
