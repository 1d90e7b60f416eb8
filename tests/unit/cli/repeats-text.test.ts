// `--repeat N` output groups runs by the API's rule (the stored configuration but its seed), so
// the CLI's configurations are the groups whose spread runs:get reports; and the CLI's limits on
// calibrate's and predict's draws are the contract's.
import { describe, expect, it } from 'vitest';
import { CALLS, MAX_BOOTSTRAP, MAX_PREDICT_DRAWS, MIN_BOOTSTRAP, type RunDetail } from '../../../src-shared/contract.js';
import { configurations } from '../../../src-main/cli/repeats-text.js';
import { syntheticRunConfig } from '../../../src-main/store/bench-save.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

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

describe('draw limits', () => {
  it('the contract takes the limits the CLI flags name', async () => {
    const predict = (draws: number) => CALLS.predict.safeParse({ profile: 'p', draws }).success;
    expect([predict(MAX_PREDICT_DRAWS), predict(MAX_PREDICT_DRAWS + 1)]).toEqual([true, false]);
    const bootstrap = (n: number) => CALLS.calibrate.safeParse({ inputs: [1], bootstrap: n }).success;
    expect([bootstrap(MIN_BOOTSTRAP - 1), bootstrap(MIN_BOOTSTRAP), bootstrap(MAX_BOOTSTRAP), bootstrap(MAX_BOOTSTRAP + 1)]).toEqual([false, true, true, false]);
    assertBuilt();
    const t = tempDir();
    try {
      const draws = await cli(['predict', '--profile', 'p', '--draws', String(MAX_PREDICT_DRAWS + 1), '--db', t.db]);
      expect(draws.code).toBe(2);
      expect(draws.stderr).toContain(`--draws: expected a decimal integer between 0 and ${MAX_PREDICT_DRAWS}, got "${MAX_PREDICT_DRAWS + 1}"`);
      const boot = await cli(['calibrate', 'host.report', '--bootstrap', String(MAX_BOOTSTRAP + 1), '--db', t.db]);
      expect(boot.code).toBe(2);
      expect(boot.stderr).toContain(`--bootstrap: expected a decimal integer between ${MIN_BOOTSTRAP} and ${MAX_BOOTSTRAP}`);
    } finally {
      t.remove();
    }
  });
});
