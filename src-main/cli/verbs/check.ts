/** `timer-lab check`: the full integrity check of the database; exit code 1 when it finds problems. */
import { defineVerb } from '../verb.js';

export const check = defineVerb({
  name: 'check',
  summary: 'run the full integrity check of the database (exit code 1 on damage)',
  options: {},
  notes: 'Every open already runs the quick check; this one reads every page (PRAGMA integrity_check and foreign_key_check).',
  async run(ctx) {
    const r = await ctx.call('db:check', {});
    if (ctx.json) ctx.out(JSON.stringify(r));
    else if (r.ok) ctx.out(`${r.file}: ok (integrity_check and foreign_key_check found no problem)`);
    else ctx.out(`${r.file}: ${r.problems.length} problem(s) found:\n${r.problems.map((p) => `  ${p}`).join('\n')}`);
    return r.ok ? 0 : 1;
  },
});
