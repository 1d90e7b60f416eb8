// Input the CLI and the API must refuse, naming the flag or setting: setting names with extra
// parts or prototype keys, integers written in anything but plain decimal, errors of settings
// left at their default (host noise), and more threads than the machine has (capped, said once).
import { describe, expect, it } from 'vitest';
import { applySetting, ConfigError, defaultRunParams, parseDecimalInteger, parseIntInRange } from '../../../src-shared/config.js';
import { collectSets, idArgs, intFlag, parse, threadsFlag, UsageError } from '../../../src-main/cli/args.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { apiError, openLab } from '../api/helpers.js';
import { looksLikeCrash } from './fault-helpers.js';
import { assertBuilt, cli } from './helpers.js';

const NOT_DECIMAL = ['0x100', '0o7', '0b11', '+5', '1e3', '1.0', '1_', '_1', '1__0', '', ' ', 'Infinity', 'NaN', '٣', '1 2', '--5'];

describe('plain decimal integers only', () => {
  it('parses decimal digits with an optional minus and _ between digits', () => {
    expect(parseDecimalInteger('200_000')).toBe(200_000);
    expect(parseDecimalInteger(' 42 ')).toBe(42);
    expect(parseDecimalInteger('-1')).toBe(-1);
    expect(parseDecimalInteger('007')).toBe(7);
    for (const t of NOT_DECIMAL) expect(parseDecimalInteger(t), t).toBeNull();
  });

  it('refuses every other spelling in config values and flags, naming them', () => {
    for (const t of NOT_DECIMAL) {
      expect(() => parseIntInRange('delta', t, 0, 1e9), t).toThrow(ConfigError);
      expect(() => parseIntInRange('delta', t, 0, 1e9), t).toThrow(/^delta: expected an integer in plain decimal digits/);
      expect(() => intFlag('samples', t, 1, 100), t).toThrow(/^--samples: expected a decimal integer/);
      expect(() => idArgs([t]), t).toThrow(UsageError);
    }
    expect(intFlag('samples', '200_000', 1, 1e6)).toBe(200_000);
    expect(parseIntInRange('delta', 5000, 0, 1e9)).toBe(5000);
  });

  it('refuses hex and other non-decimal numbers for jitters', () => {
    const params = defaultRunParams();
    expect(applySetting(params, DEFAULT_PROFILE, 'pending_inject.jitter', '0.3').profile.costs.pending_inject!.jitter).toBe(0.3);
    expect(applySetting(params, DEFAULT_PROFILE, 'pending_inject.jitter', '.25').profile.costs.pending_inject!.jitter).toBe(0.25);
    for (const t of ['0x0', '0b0', 'Infinity', '', '1,5']) {
      expect(() => applySetting(params, DEFAULT_PROFILE, 'pending_inject.jitter', t), t).toThrow(/^pending_inject\.jitter: expected a number/);
    }
  });
});

describe('setting names', () => {
  it('refuses a cost name with more than one sub-part', () => {
    expect(() => applySetting(defaultRunParams(), DEFAULT_PROFILE, 'pending_inject.jitter.x', '0.3')).toThrow(
      /^pending_inject\.jitter\.x: unknown parameter; did you mean "pending_inject\.jitter"\?/,
    );
    expect(() => applySetting(defaultRunParams(), DEFAULT_PROFILE, 'pending_inject.cycles', '3')).toThrow(/unknown parameter/);
  });

  it('refuses prototype keys and other non-names in --set', () => {
    for (const item of ['__proto__=1', '__proto__.x=1', '1abc=2', '.x=1', 'a b=1', '=1', 'x']) {
      expect(() => collectSets([item]), item).toThrow(UsageError);
    }
    expect(() => collectSets(['__proto__=1'])).toThrow('--set __proto__: not a parameter name');
    expect(collectSets(['delta=5', 'pending_inject.jitter=0.1'])).toEqual({ delta: '5', 'pending_inject.jitter': '0.1' });
  });

  it('through the API too: prototype-looking names that survive parsing are unknown parameters', async () => {
    const t = openLab();
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'constructor.prototype.x', 'pending_inject.jitter.x']) {
      const err = await apiError(t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 100, set: { [name]: 1 } }] }));
      expect(err).toMatchObject({ code: 'bad-input', field: `runs.0.set.${name}` });
    }
    expect(await t.call('runs:list', {})).toEqual([]);
  });

  it('names the setting behind the refusal when a check of several settings refuses (host noise: the preemptions)', async () => {
    const t = openLab();
    const err = await apiError(
      t.call('experiments:submit', {
        runs: [{ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 100, set: { hostNoise: 'on', preemptRateHz: 100_000, preemptCycles: 100_000 } }],
      }),
    );
    expect(err.field).toBe('runs.0.set.preemptRateHz');
  });
});

describe('--threads', () => {
  it('is capped at what the machine has, with one clear warning', () => {
    const said: string[] = [];
    expect(threadsFlag('256', (m) => said.push(m), 2)).toBe(2);
    expect(said).toEqual(['--threads 256: this machine runs 2 threads at once (os.availableParallelism()); using 2']);
    expect(threadsFlag('2', (m) => said.push(m), 2)).toBe(2);
    expect(said).toHaveLength(1);
    for (const t of ['0', '-1', '0x2', 'many', '1e2']) expect(() => threadsFlag(t, () => undefined, 2), t).toThrow(/^--threads: /);
  });
});

describe('the real CLI', () => {
  it('refuses each case with exit 2 and a message naming the flag or setting, never a stack trace', async () => {
    assertBuilt();
    const run = ['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--no-save', '--db', ':memory:'];
    const cases: Array<[string[], string]> = [
      [['--set', 'pending_inject.jitter.x=0.3'], '--set pending_inject.jitter.x: unknown parameter'],
      [['--set', '__proto__=1'], '--set __proto__: not a parameter name'],
      ...['0x100', '0o7', '0b11', '+5', '1e3'].map((v): [string[], string] => [['--samples', v], `--samples: expected a decimal integer between 1 and`]),
      [['--set', 'delta=0x100'], '--set delta: expected an integer in plain decimal digits, got "0x100"'],
      [['--set', 'hostNoise=on', '--set', 'preemptRateHz=100000', '--set', 'preemptCycles=100000'], '--set preemptRateHz: host noise would take'],
      // a one-value flag given twice is refused, not silently taken from the last
      [['--strategy', 'vmx-preemption'], '--strategy is given more than once'],
    ];
    for (const [extra, message] of cases) {
      const r = await cli([...run, ...(extra.includes('--samples') ? [] : ['--samples', '100']), ...extra]);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`timer-lab: ${message}`);
      expect(r.stderr).not.toMatch(/--hostIrqRateHz|--preempt/); // never a flag that does not exist
      expect(looksLikeCrash(r.stderr)).toBe(false);
    }
    const ok = await cli([...run, '--samples', '2_000', '--threads', '4096', '--json']);
    expect(ok.code).toBe(2); // 4096 is beyond any machine's flag range
    expect(ok.stderr).toContain('--threads: expected a decimal integer between 1 and 1024');
    const capped = await cli([...run, '--samples', '2_000', '--threads', '256', '--json']);
    expect(capped.code, capped.stderr).toBe(0);
    expect(capped.stderr).toMatch(/timer-lab: warning: --threads 256: this machine runs \d+ threads at once/);
    expect((JSON.parse(capped.stdout) as { samples: number }).samples).toBe(2000);
  });
});

describe('negative numbers after a flag', () => {
  it('get the flag\'s range message and exit 2, not a parser complaint about a missing value', async () => {
    assertBuilt();
    const run = ['run', '--workload', 'tscdeadline-busy', '--strategy', 'hrtimer', '--no-save', '--db', ':memory:'];
    const cases: Array<[string[], string]> = [
      [[...run, '--samples', '-5'], '--samples: expected a decimal integer between 1 and'],
      [[...run, '--seed', '-1'], '--seed: expected a decimal integer between 0 and'],
      [['serve', '--port', '-1', '--db', ':memory:'], '--port: expected a decimal integer between 0 and 65535, got "-1"'],
      [['show', '1', '--sample', '-1', '--db', ':memory:'], '--sample: expected a decimal integer between 0 and'],
      [['compare', '1', '2', '--threshold', '-5', '--db', ':memory:'], '--threshold: expected a percentage 0–100, got "-5"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`timer-lab: ${message}`);
      expect(r.stderr).not.toContain('ambiguous');
    }
  });

  it('go to value flags only, and nothing after -- is touched', () => {
    const options = { seed: { type: 'string' }, quiet: { type: 'boolean' } } as const;
    expect(parse(['--seed', '-1'], options).values.seed).toBe('-1');
    expect(parse(['--seed', '-0.5'], options).values.seed).toBe('-0.5');
    expect(() => parse(['--quiet', '-1'], options)).toThrow(UsageError); // a switch takes no value: -1 stays an unknown option
    expect(parse(['--', '--seed', '-1'], options, true).positionals).toEqual(['--seed', '-1']);
    expect(() => intFlag('seed', '-1', 0, 10)).toThrow(/^--seed: expected a decimal integer between 0 and 10, got "-1"$/);
  });
});

describe('a strategy the profile refuses', () => {
  it('is named by the flag that gave it: --strategies for experiment, --strategy for run', async () => {
    assertBuilt();
    const setup = ['--workload', 'tscdeadline-busy', '--profile', 'EPYC', '--db', ':memory:'];
    const experiment = await cli(['experiment', ...setup, '--strategies', 'vmx-preemption']);
    expect(experiment.code, experiment.stderr).toBe(2);
    expect(experiment.stderr).toMatch(/^timer-lab: --strategies: vmx-preemption on EPYC: /);
    const run = await cli(['run', ...setup, '--strategy', 'vmx-preemption', '--no-save']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^timer-lab: --strategy: vmx-preemption on EPYC: /);
  });
});
