/** The history verbs: `list`, `show`, `rm`, `tag`. */
import { MAX_LIST_LIMIT, MAX_WORST_SAMPLES, RUN_KINDS, RUN_STATUSES } from '../../../src-shared/contract.js';
import { STRATEGIES } from '../../../src-shared/strategies.js';
import { MAX_SAMPLES, WORKLOADS } from '../../../src-shared/workloads.js';
import { toTraceCmdReport } from '../../formats/index.js';
import { idArgs, intFlag, UsageError } from '../args.js';
import { detailText, listText } from '../output.js';
import { defineVerb } from '../verb.js';

export const list = defineVerb({
  name: 'list',
  summary: 'the history, newest first',
  options: {
    workload: { type: 'string', value: 'W', help: `only this workload (${WORKLOADS.join(', ')})` },
    strategy: { type: 'string', value: 'S', help: `only this strategy (${STRATEGIES.join(', ')})` },
    kind: { type: 'string', value: 'K', help: `only ${RUN_KINDS.join(' or ')} runs` },
    status: { type: 'string', value: 'S', help: `only runs in this state (${RUN_STATUSES.join(', ')})` },
    tag: { type: 'string', value: 'T', help: 'only runs with this tag' },
    text: { type: 'string', value: 'Q', help: 'only runs whose name, notes, tags or source file contain this text (any case)' },
    limit: { type: 'string', value: 'N', help: `at most N runs (1–${MAX_LIST_LIMIT}, default 500)` },
  },
  async run(ctx, v) {
    const filter: Record<string, unknown> = {};
    for (const k of ['workload', 'strategy', 'kind', 'status', 'tag', 'text'] as const) if (v[k] !== undefined) filter[k] = v[k];
    const limit = intFlag('limit', v.limit, 1, MAX_LIST_LIMIT);
    if (limit !== undefined) filter.limit = limit;
    const rows = await ctx.call('runs:list', filter as never);
    ctx.out(ctx.json ? JSON.stringify(rows) : listText(rows));
    return 0;
  },
});

export const show = defineVerb({
  name: 'show',
  summary: 'one run: parameters, statistics, exits, critical path',
  positionals: 'ID',
  options: {
    worst: { type: 'string', value: 'N', help: `list the N largest samples with their indices (1–${MAX_WORST_SAMPLES})` },
    sample: { type: 'string', value: 'INDEX', help: 'print the events of one sample (simulated runs) as trace-cmd report text' },
  },
  async run(ctx, v, positionals) {
    const [id] = idArgs(positionals);
    if (v.worst !== undefined) {
      const rows = await ctx.call('runs:worst', { id: id!, n: intFlag('worst', v.worst, 1, MAX_WORST_SAMPLES)! });
      ctx.out(ctx.json ? JSON.stringify(rows) : rows.map((r) => `sample ${r.index}: ${r.value}`).join('\n'));
      return 0;
    }
    if (v.sample !== undefined) {
      const w = await ctx.call('runs:sampleTrace', { id: id!, index: intFlag('sample', v.sample, 0, MAX_SAMPLES - 1)! });
      if (ctx.json) ctx.out(JSON.stringify(w));
      else {
        const d = await ctx.call('runs:get', { id: id! });
        const tscKhz = d.config?.profile.tsc_khz ?? 1_000_000;
        const deadlineUs = Math.floor((w.deadline * 1000) / tscKhz);
        const at = `${Math.floor(deadlineUs / 1e6)}.${String(deadlineUs % 1e6).padStart(6, '0')}`;
        ctx.out(`sample ${w.index} = ${w.value}: ${w.events.length} events from the arming of its deadline; the deadline is at ${at}`);
        ctx.out(toTraceCmdReport(w.events, { tscKhz }));
      }
      return 0;
    }
    const d = await ctx.call('runs:get', { id: id! });
    ctx.out(ctx.json ? JSON.stringify(d) : detailText(d));
    return 0;
  },
});

export const rm = defineVerb({
  name: 'rm',
  summary: 'delete runs',
  positionals: 'ID…',
  options: {},
  async run(ctx, _v, positionals) {
    const r = await ctx.call('runs:delete', { ids: idArgs(positionals) });
    ctx.out(ctx.json ? JSON.stringify(r) : `deleted ${r.deleted} run(s)`);
    return 0;
  },
});

export const tag = defineVerb({
  name: 'tag',
  summary: 'add tags to a run (or remove them)',
  positionals: 'ID TAG…',
  options: { remove: { type: 'boolean', default: false, help: 'remove the tags instead' } },
  async run(ctx, v, positionals) {
    const [idText, ...tags] = positionals;
    const [id] = idArgs(idText === undefined ? [] : [idText]);
    if (tags.length === 0) throw new UsageError('tag: expected ID TAG [TAG…]');
    const current = (await ctx.call('runs:get', { id: id! })).tags;
    const next = v.remove ? current.filter((t) => !tags.includes(t)) : [...current, ...tags];
    await ctx.call('runs:tag', { id: id!, tags: next });
    const after = (await ctx.call('runs:get', { id: id! })).tags;
    ctx.out(ctx.json ? JSON.stringify({ id, tags: after }) : `run ${id} tags: ${after.join(', ') || '(none)'}`);
    return 0;
  },
});
