// The CLI's numeric flags take the contract's limits, so the CLI refuses exactly what the API
// would (with the flag named) and nothing the API takes: predict --draws, calibrate --bootstrap,
// list --limit, show --worst, import --tsc-khz and compare --threshold, one past each limit, through the real CLI;
// --threshold in plain decimal only, as config values are.
import { describe, expect, it } from 'vitest';
import { CALLS, MAX_BOOTSTRAP, MAX_LIST_LIMIT, MAX_NOISE_THRESHOLD_PCT, MAX_PREDICT_DRAWS, MAX_WORST_SAMPLES, MIN_BOOTSTRAP } from '../../../src-shared/contract.js';
import { MAX_TSC_KHZ, MIN_TSC_KHZ } from '../../../src-shared/profile.js';
import { assertBuilt, cli, tempDir } from './helpers.js';

describe('CLI flag limits', () => {
  it('are the contract limits', async () => {
    const takes = (channel: keyof typeof CALLS, args: object) => CALLS[channel].safeParse(args).success;
    expect([takes('predict', { profile: 'p', draws: MAX_PREDICT_DRAWS }), takes('predict', { profile: 'p', draws: MAX_PREDICT_DRAWS + 1 })]).toEqual([true, false]);
    expect([MIN_BOOTSTRAP - 1, MIN_BOOTSTRAP, MAX_BOOTSTRAP, MAX_BOOTSTRAP + 1].map((bootstrap) => takes('calibrate', { inputs: [1], bootstrap }))).toEqual([false, true, true, false]);
    expect([takes('runs:list', { limit: MAX_LIST_LIMIT }), takes('runs:list', { limit: MAX_LIST_LIMIT + 1 })]).toEqual([true, false]);
    expect([takes('runs:worst', { id: 1, n: MAX_WORST_SAMPLES }), takes('runs:worst', { id: 1, n: MAX_WORST_SAMPLES + 1 })]).toEqual([true, false]);
    expect([MAX_NOISE_THRESHOLD_PCT, MAX_NOISE_THRESHOLD_PCT + 0.5].map((noiseThresholdPct) => takes('compare', { ids: [1, 2], noiseThresholdPct }))).toEqual([true, false]);
    assertBuilt();
    const t = tempDir();
    try {
      const cases: Array<[string[], string]> = [
        [['predict', '--profile', 'p', '--draws', String(MAX_PREDICT_DRAWS + 1)], `--draws: expected a decimal integer between 0 and ${MAX_PREDICT_DRAWS}, got "${MAX_PREDICT_DRAWS + 1}"`],
        [['calibrate', 'host.report', '--bootstrap', String(MAX_BOOTSTRAP + 1)], `--bootstrap: expected a decimal integer between ${MIN_BOOTSTRAP} and ${MAX_BOOTSTRAP}`],
        [['list', '--limit', String(MAX_LIST_LIMIT + 1)], `--limit: expected a decimal integer between 1 and ${MAX_LIST_LIMIT}`],
        [['show', '1', '--worst', String(MAX_WORST_SAMPLES + 1)], `--worst: expected a decimal integer between 1 and ${MAX_WORST_SAMPLES}`],
        [['import', 'f.txt', '--tsc-khz', String(MAX_TSC_KHZ + 1)], `--tsc-khz: expected a decimal integer between ${MIN_TSC_KHZ} and ${MAX_TSC_KHZ}`],
        [['compare', '1', '2', '--threshold', String(MAX_NOISE_THRESHOLD_PCT + 0.5)], `--threshold: expected a percentage 0–${MAX_NOISE_THRESHOLD_PCT}, got "${MAX_NOISE_THRESHOLD_PCT + 0.5}"`],
        ...['0x10', '', '1,5', 'Infinity'].map((raw): [string[], string] => [['compare', '1', '2', '--threshold', raw], `--threshold: expected a percentage 0–${MAX_NOISE_THRESHOLD_PCT}, got "${raw}"`]),
      ];
      const results = await Promise.all(cases.map(([args]) => cli([...args, '--db', t.db])));
      cases.forEach(([args, message], i) => {
        expect(results[i]!.code, `${args.join(' ')}: ${results[i]!.stderr}`).toBe(2);
        expect(results[i]!.stderr).toContain(`timer-lab: ${message}`);
      });
      const listed = await cli(['list', '--limit', String(MAX_LIST_LIMIT), '--db', t.db, '--json']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
    } finally {
      t.remove();
    }
  });
});
