/** `timer-lab experiment`: one run per strategy of the same setup, then their comparison. */
import { MAX_COMPARED_RUNS } from '../../../src-shared/contract.js';
import { usableStrategies } from '../../../src-shared/run-checks.js';
import { collectSets, UsageError } from '../args.js';
import { verdictOf } from '../context.js';
import { compareText, summaryText } from '../output.js';
import { acrossText, configurations } from '../repeats-text.js';
import { repeated, repeatFlag, RUN_OPTIONS, runSpec, warnHostSettingsWithoutEffect } from '../run-spec.js';
import { defineVerb } from '../verb.js';
import { RunWatcher } from '../wait.js';

export const experiment = defineVerb({
  name: 'experiment',
  summary: 'run the same setup under several strategies and compare them',
  fieldFlags: { strategy: '--strategies' },
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
    const repeat = repeatFlag(v.repeat);
    const base = strategies.map((s, i) => runSpec(ctx, v, s, { trace: true, strategyFlag: 'strategies', warn: i === 0 }));
    if (base[0]) await warnHostSettingsWithoutEffect(ctx, base[0]);
    const runs = base.flatMap((spec) => repeated(spec, repeat));
    const watcher = new RunWatcher(ctx);
    const { experimentId, runIds } = await ctx.call('experiments:submit', {
      name: v.name ?? `${runs[0]!.workload}: ${strategies.join(' vs ')}${repeat > 1 ? ` × ${repeat} seeds` : ''}`,
      notes: v.notes ?? '',
      tags: v.tag ?? [],
      runs,
    });
    const details = await watcher.wait(runIds, `experiment ${experimentId}`);
    const failed = details.filter((d) => d.status !== 'done');
    const configs = configurations(details, runs.map((r) => r.set ?? {}));
    // One run per configuration is compared (one per strategy, so never more than a comparison takes); with repeats its verdict uses the spread across runs.
    const compared = configs.map((c) => c.runIds[0]!).slice(0, MAX_COMPARED_RUNS);
    if (ctx.json) {
      ctx.out(JSON.stringify({ experimentId, runs: details.map((d) => ({ id: d.id, status: d.status, error: d.error, ...(d.summary ?? {}) })), ...(repeat > 1 ? { configurations: configs } : {}) }));
    } else {
      ctx.out(`experiment ${experimentId}`);
      for (const d of details) ctx.out(d.summary ? summaryText(d.summary, d.id) : `run ${d.id} ${d.status}${d.error ? `: ${d.error}` : ''}`);
      if (repeat > 1) {
        const unit = details.find((d) => d.summary)?.summary?.latency.unit ?? 'cycles';
        for (const c of configs) ctx.out(acrossText(c, unit));
      }
      if (compared.length >= 2 && failed.length === 0) {
        const c = await ctx.call('compare', { ids: compared });
        ctx.out(compareText(c, verdictOf(c)));
      }
    }
    if (failed.length === 0) return 0;
    return failed.every((d) => d.status === 'cancelled') ? watcher.cancelledExitCode : 1;
  },
});
