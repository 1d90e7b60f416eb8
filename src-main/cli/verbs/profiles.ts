/** `timer-lab profiles`: list the cost profiles, print one (or its JSON), add one. */
import { readFileSync } from 'node:fs';
import { settableNames } from '../../../src-shared/config.js';
import { ApiError } from '../../api/index.js';
import { defineVerb } from '../verb.js';
import { UsageError } from '../args.js';

export const profiles = defineVerb({
  name: 'profiles',
  summary: 'list cost profiles, print one with every cost, or add one from JSON',
  positionals: '[NAME]',
  options: {
    add: { type: 'string', value: 'FILE.json', help: 'save a profile (a new name; only what differs from its base is stored)' },
    replace: { type: 'boolean', default: false, help: 'with --add: overwrite the saved profile of that name (and its calibration)' },
  },
  notes: 'A profile as JSON (profiles NAME --json) can be edited and added back under a new name (or over its own with --replace); built-in profiles are read-only.',
  async run(ctx, v, positionals) {
    if (v.replace && v.add === undefined) throw new UsageError('profiles: --replace goes with --add FILE.json');
    if (v.add !== undefined) {
      let profile: unknown;
      try {
        profile = JSON.parse(readFileSync(v.add, 'utf8'));
      } catch (err) {
        throw new ApiError('bad-input', `--add ${v.add}: ${(err as Error).message}`);
      }
      await ctx.call('profiles:save', { profile, replace: v.replace });
      ctx.out(`saved profile ${(profile as { name?: string }).name ?? ''}`);
      return 0;
    }
    if (positionals.length > 0) {
      const p = await ctx.call('profiles:get', { name: positionals[0]! });
      if (ctx.json) ctx.out(JSON.stringify(p, null, 2));
      else {
        ctx.out(`${p.name}: ${p.description}${p.base ? ` (based on ${p.base})` : ''}\ntsc_khz ${p.tsc_khz}, X ${p.X}`);
        for (const [k, c] of Object.entries(p.costs)) ctx.out(`  ${k.padEnd(32)} ${String(c.cycles).padStart(6)} ±${(c.jitter * 100).toFixed(0)}%  ${c.meaning} [${c.basis}]`);
        ctx.out(`\nSettable with --set: ${settableNames().join(', ')}`);
      }
      return 0;
    }
    const rows = await ctx.call('profiles:list', {});
    ctx.out(ctx.json ? JSON.stringify(rows) : rows.map((p) => `${p.name}${p.builtIn ? ' (built-in)' : ''}: ${p.description}`).join('\n'));
    return 0;
  },
});
