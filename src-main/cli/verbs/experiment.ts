/** `timer-lab experiment`: one run per strategy of the same setup, then their comparison. */
import { usableStrategies } from '../../../src-shared/run-checks.js';
import { collectSets, UsageError } from '../args.js';
import { verdictOf } from '../context.js';
import { compareText, summaryText } from '../output.js';
import { RUN_OPTIONS, runSpec } from '../run-spec.js';
import { defineVerb } from '../verb.js';
import { RunWatcher } from '../wait.js';

export const experiment = defineVerb({
  name: 'experiment',
  summary: 'run the same setup under several strategies and compare them',
  options: {
    ...RUN_OPTIONS,
    strategies: {
      type: 'string',
      value: 'S,S…',
      help: 'comma-separated strategies, one run each (default: every released strategy this profile and kernel can run)',
    },
    notes: { type: 'string', value: 'TEXT', help: 'free-text notes stored with the experiment' },
  },
  async run(ctx, v) {
    const strategies =
      v.strategies === undefined
        ? usableStrategies(await ctx.call('profiles:get', { name: v.profile ?? 'HSW-2016' }), collectSets(v.set))
        : v.strategies.split(',').map((s) => s.trim()).filter(Boolean);
    if (strategies.length === 0) throw new UsageError('--strategies: give at least one strategy');
    const runs = strategies.map((s, i) => runSpec(ctx, v, s, { trace: true, strategyFlag: 'strategies', warn: i === 0 }));
    const watcher = new RunWatcher(ctx);
    const { experimentId, runIds } = await ctx.call('experiments:submit', {
      name: v.name ?? `${runs[0]!.workload}: ${strategies.join(' vs ')}`,
      notes: v.notes ?? '',
      tags: v.tag ?? [],
      runs,
    });
    const details = await watcher.wait(runIds, `experiment ${experimentId}`);
    const failed = details.filter((d) => d.status !== 'done');
    if (ctx.json) {
      ctx.out(JSON.stringify({ experimentId, runs: details.map((d) => ({ id: d.id, status: d.status, error: d.error, ...(d.summary ?? {}) })) }));
    } else {
      ctx.out(`experiment ${experimentId}`);
      for (const d of details) ctx.out(d.summary ? summaryText(d.summary, d.id) : `run ${d.id} ${d.status}${d.error ? `: ${d.error}` : ''}`);
      if (details.length >= 2 && failed.length === 0) {
        const c = await ctx.call('compare', { ids: runIds });
        ctx.out(compareText(c, verdictOf(c)));
      }
    }
    if (failed.length === 0) return 0;
    return failed.every((d) => d.status === 'cancelled') ? 130 : 1;
  },
});
