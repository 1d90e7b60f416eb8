// `--repeat N` output groups runs by the API's rule (the stored configuration but its seed), so
// the CLI's configurations are the groups whose spread runs:get reports.
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../src-shared/contract.js';
import { configurations } from '../../../src-main/cli/repeats-text.js';
import { syntheticRunConfig } from '../../../src-main/store/bench-save.js';

function detail(id: number, config: RunDetail['config']): RunDetail {
  return { id, workload: config!.workload, strategy: config!.strategy, profile: config!.profile.name, seed: config!.seed, config, repeats: undefined } as unknown as RunDetail;
}

describe('repeat configurations in the CLI', () => {
  it('groups by the stored configuration but its seed, not by the flags it was given', () => {
    const runs = [detail(1, syntheticRunConfig(1000, 1)), detail(2, syntheticRunConfig(1000, 2)), detail(3, syntheticRunConfig(2000, 3))];
    // the same setting spelled two ways is one configuration; another sample count is another
    const out = configurations(runs, [{ delta: '1000' }, { delta: '1_000' }, { delta: '1000' }]);
    expect(out.map((c) => c.runIds)).toEqual([[1, 2], [3]]);
    expect(out.map((c) => c.seeds)).toEqual([[1, 2], [3]]);
    expect(out[0]!.set).toEqual({ delta: '1000' });
  });
});
