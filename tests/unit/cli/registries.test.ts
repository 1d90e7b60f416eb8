// CLI help is generated from the registries and the verbs' option tables: every workload and
// strategy is named, and every option of every verb is in both the global and the verb's help.
import { beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../src-shared/strategies.js';
import { WORKLOADS } from '../../../src-shared/workloads.js';
import { VERBS } from '../../../src-main/cli/verbs/index.js';
import { assertBuilt, cli } from './helpers.js';

beforeAll(() => assertBuilt());

describe('CLI help from the registries', () => {
  it('names every workload and strategy', async () => {
    const help = (await cli(['help'])).stdout;
    for (const w of WORKLOADS) expect(help).toContain(w);
    for (const s of STRATEGIES) expect(help).toContain(s);
    const run = (await cli(['run', '--help'])).stdout;
    for (const w of WORKLOADS) expect(run).toContain(w);
    for (const s of STRATEGIES) expect(run).toContain(s);
  });

  it('lists every option of every verb, in the global help and in the verb help', async () => {
    const help = (await cli(['help'])).stdout;
    for (const verb of VERBS) {
      const own = (await cli([verb.name, '--help'])).stdout;
      for (const name of Object.keys(verb.options)) {
        expect(help, `${verb.name} --${name}`).toContain(`--${name}`);
        expect(own, `${verb.name} --help lists --${name}`).toContain(`--${name}`);
      }
    }
    expect(help).toContain('--limit N');
    expect(help).toContain('--notes TEXT');
  });
});
