/**
 * `timer-lab predict --profile NAME`: simulates the strategies and settings a calibrated profile
 * did not measure, over the fit's bootstrap draws, stored as one experiment of reproduced and
 * predicted runs; prints each figure with its interval.
 */
import { MAX_PREDICT_DRAWS } from '../../../src-shared/contract.js';
import { STRATEGIES, type Strategy } from '../../../src-shared/strategies.js';
import { MAX_SAMPLES } from '../../../src-shared/workloads.js';
import { collectSets, intFlag, UsageError } from '../args.js';
import { predictionText } from '../calibration-text.js';
import { defineVerb } from '../verb.js';
import { RunWatcher } from '../wait.js';

export const predictVerb = defineVerb({
  name: 'predict',
  summary: 'predict the strategies and settings a calibrated profile did not measure, with intervals from the fit',
  options: {
    profile: { type: 'string', value: 'P', help: 'a profile saved by timer-lab calibrate' },
    strategies: { type: 'string', value: 'S,S…', help: `strategies to predict (default: ${STRATEGIES.join(',')}; the measured one only with --set)` },
    set: { type: 'string', multiple: true, value: 'name=value', help: 'a setting of the predicted runs (timerAdvanceNs=-1, haltPollNs=0, hltInGuest=on, …)' },
    samples: { type: 'string', value: 'N', help: 'samples of each stored run (default 10000)' },
    draws: { type: 'string', value: 'N', help: 'bootstrap draws of the fit to simulate (default: all the profile keeps)' },
    name: { type: 'string', value: 'N', help: 'name of the experiment' },
  },
  async run(ctx, v) {
    if (!v.profile) throw new UsageError('--profile is required (a profile saved by timer-lab calibrate)');
    const strategies = v.strategies === undefined ? undefined : v.strategies.split(',').map((s) => s.trim()).filter(Boolean);
    for (const s of strategies ?? []) if (!(STRATEGIES as readonly string[]).includes(s)) throw new UsageError(`--strategies: "${s}" is not one of ${STRATEGIES.join(', ')}`);
    if (strategies && strategies.length === 0) throw new UsageError('--strategies: give at least one strategy');
    const samples = intFlag('samples', v.samples, 100, MAX_SAMPLES);
    const draws = intFlag('draws', v.draws, 0, MAX_PREDICT_DRAWS);
    const watcher = new RunWatcher(ctx);
    const result = await ctx.call('predict', {
      profile: v.profile,
      set: collectSets(v.set),
      ...(strategies ? { strategies: strategies as Strategy[] } : {}),
      ...(samples !== undefined ? { samples } : {}),
      ...(draws !== undefined ? { draws } : {}),
      ...(v.name ? { name: v.name } : {}),
    });
    const details = await watcher.wait(result.runs.map((r) => r.runId), `prediction ${result.experimentId}`);
    const failed = details.filter((d) => d.status !== 'done');
    ctx.out(ctx.json ? JSON.stringify({ ...result, status: details.map((d) => ({ id: d.id, status: d.status })) }) : predictionText(result));
    for (const f of failed) process.stderr.write(`timer-lab: run ${f.id} ${f.status}${f.error ? `: ${f.error}` : ''}\n`);
    return failed.length === 0 ? 0 : failed.every((d) => d.status === 'cancelled') ? watcher.cancelledExitCode : 1;
  },
});
