/**
 * `timer-lab compare`: percentiles with Δ %, Mann–Whitney p and bootstrap CIs of Δmean and Δp99
 * against a baseline; `--json` adds the differences in the comparison's unit and the difference at
 * each percentile, as the comparison computed them for the app.
 */
import { DEFAULT_NOISE_THRESHOLD_PCT, MAX_NOISE_THRESHOLD_PCT } from '../../../src-shared/contract.js';
import { idArgs, intFlag, numberFlag, UsageError } from '../args.js';
import { verdictOf } from '../context.js';
import { compareText } from '../output.js';
import { defineVerb } from '../verb.js';

export const compare = defineVerb({
  name: 'compare',
  summary: 'compare runs against a baseline (default: the oldest hrtimer run)',
  positionals: 'ID ID…',
  options: {
    baseline: { type: 'string', value: 'ID', help: 'the run the others are compared with' },
    threshold: { type: 'string', value: 'PCT', help: `noise threshold: smaller mean shifts are called below it (0–${MAX_NOISE_THRESHOLD_PCT}, default ${DEFAULT_NOISE_THRESHOLD_PCT})` },
  },
  async run(ctx, v, positionals) {
    const ids = idArgs(positionals);
    if (ids.length < 2) throw new UsageError('compare needs at least two run ids');
    const baseline = intFlag('baseline', v.baseline, 1, Number.MAX_SAFE_INTEGER);
    const threshold = numberFlag('threshold', v.threshold, 0, MAX_NOISE_THRESHOLD_PCT, 'a percentage');
    const c = await ctx.call('compare', { ids, ...(baseline !== undefined ? { baseline } : {}), ...(threshold !== undefined ? { noiseThresholdPct: threshold } : {}) });
    if (ctx.json) {
      ctx.out(
        JSON.stringify({
          baseline: c.baseline,
          unit: c.unit,
          metric: c.metric,
          warnings: c.warnings,
          contextDifferences: c.contextDifferences,
          runs: c.runs.map((r) => ({
            id: r.id,
            strategy: r.strategy,
            profile: r.profile ?? null,
            kernel: r.kernel ?? null,
            mean: r.mean,
            p50: r.p50,
            p90: r.p90,
            p99: r.p99,
            p999: r.p999,
            max: r.max,
            deltaPct: r.deltaPct,
            deltaCycles: r.deltaCycles,
            pValue: r.pValue,
            ci95: r.ci95,
            ci95P99: r.ci95P99,
            significant: r.significant,
            measure: r.measure,
            noVerdict: r.noVerdict,
          })),
          percentileDeltas: c.percentileDeltas,
        }),
      );
    } else ctx.out(compareText(c, verdictOf(c)));
    return 0;
  },
});
