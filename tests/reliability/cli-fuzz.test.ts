// A seeded fuzz of the CLI's configuration surface: RELIABILITY_FUZZ invocations (120 by
// default) of every verb with flags and `--set` names and values drawn from valid, nearly valid
// and hostile spellings. Each must end within its time limit (no hang), exit 0, 1 or 2, print no
// stack trace or internal error, and every error must name the flag, setting or value it is
// about. A failure prints the seed and the invocation so it can be replayed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settableNames } from '../../src-shared/config.js';
import { STRATEGIES } from '../../src-shared/strategies.js';
import { WORKLOADS } from '../../src-shared/workloads.js';
import { samplePath } from '../samples.js';
import { assertBuilt, cli } from '../unit/cli/helpers.js';
import { looksLikeCrash, Random, report, SEED } from './helpers.js';

const INVOCATIONS = Number(process.env.RELIABILITY_FUZZ ?? 120);
const PARALLEL = 2;
const TIME_LIMIT_MS = 45_000;
const dir = mkdtempSync(path.join(tmpdir(), 'timer-lab-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETTABLE = settableNames();
// (no NUL: no operating system can pass one inside an argument)
const HOSTILE = ['', ' ', '__proto__', 'constructor', 'prototype', 'toString', '💥', '../../etc/passwd', '$(id)', '"', "'", '\\', '%E0%A4%A', '-', '--', '=', 'a'.repeat(300)];
const INTEGERS = ['1', '7', '100', '2500', '1_000', '0', '-1', '-0', '0x10', '0o7', '0b11', '+5', '1e3', '1.5', '1.', '.5', ' 12', '12 ', '1__0', '_1', '1_', '99999999999999999999', '9007199254740993', 'NaN', 'Infinity', '-Infinity', '٣', '１２'];
const NUMBERS = ['0', '0.1', '0.4', '0.41', '.2', '1e-1', '-0.1', '0x1', 'NaN', '1,5', '0.1.2'];
const BOOLS = ['on', 'off', 'true', 'false', 'yes', 'no', '1', '0', 'ON', 'maybe', ''];

function value(rnd: Random): string {
  const kind = rnd.int(0, 9);
  if (kind <= 4) return rnd.pick(INTEGERS);
  if (kind <= 6) return rnd.pick(NUMBERS);
  if (kind === 7) return rnd.pick(BOOLS);
  if (kind === 8) return rnd.pick(['hlt', 'poll', 'HLT', 'idle']);
  return rnd.pick(HOSTILE);
}

function settingName(rnd: Random): string {
  const name = rnd.pick(SETTABLE);
  switch (rnd.int(0, 7)) {
    case 0:
      return `${name}.x`;
    case 1:
      return name.slice(0, -1);
    case 2:
      return name.toUpperCase();
    case 3:
      return rnd.pick(HOSTILE);
    case 4:
      return `${name}.jitter.jitter`;
    default:
      return name;
  }
}

/** Small sample counts keep valid runs fast; the rest come from the hostile lists. */
function samples(rnd: Random): string {
  return rnd.chance(0.6) ? String(rnd.int(1, 3000)) : rnd.pick(INTEGERS);
}

function invocation(rnd: Random, db: string): string[] {
  const verb = rnd.pick(['run', 'run', 'run', 'experiment', 'list', 'show', 'compare', 'export', 'import', 'profiles', 'tag', 'rm', 'check', 'bogus']);
  const args: string[] = [verb];
  const maybe = (p: number, ...more: string[]) => {
    if (rnd.chance(p)) args.push(...more);
  };
  const workload = () => (rnd.chance(0.85) ? rnd.pick(WORKLOADS) : rnd.pick(HOSTILE));
  const strategy = () => (rnd.chance(0.85) ? rnd.pick(STRATEGIES) : rnd.pick(HOSTILE));
  const id = () => (rnd.chance(0.7) ? String(rnd.int(1, 12)) : rnd.pick(INTEGERS));
  switch (verb) {
    case 'run':
    case 'experiment':
      maybe(0.95, '--workload', workload());
      if (verb === 'run') maybe(0.95, '--strategy', strategy());
      else maybe(0.5, '--strategies', rnd.pick(['hrtimer,vmx-preemption', 'hrtimer', 'hrtimer,,', ',', 'hrtimer,nope']));
      args.push('--samples', samples(rnd));
      maybe(0.3, '--seed', rnd.pick(INTEGERS));
      maybe(0.15, '--profile', rnd.pick(['HSW-2016', 'nope', '', '__proto__']));
      for (let i = rnd.int(0, 3); i > 0; i--) args.push('--set', `${settingName(rnd)}=${value(rnd)}`);
      maybe(0.05, '--set', rnd.pick(['novalue', '=1', '==', 'a==b']));
      maybe(0.1, '--threads', rnd.pick(['1', '2', '0', '256', 'x', '0x2']));
      maybe(0.05, rnd.pick(['--frobnicate', '-x', '--samples']));
      if (verb === 'run') maybe(0.8, '--no-save');
      break;
    case 'list':
      maybe(0.5, '--limit', rnd.pick(INTEGERS));
      maybe(0.3, rnd.pick(['--workload', '--strategy', '--kind', '--status', '--tag', '--text']), value(rnd));
      break;
    case 'show':
    case 'rm':
      args.push(id());
      break;
    case 'compare':
      args.push(id(), id());
      maybe(0.3, '--baseline', id());
      maybe(0.3, '--threshold', rnd.pick(NUMBERS));
      break;
    case 'export':
      args.push(id());
      maybe(0.9, '--format', rnd.pick(['csv', 'json', 'html', 'trace-cmd', 'chrome-trace', 'cyclictest-hist', 'svg', 'png', 'xlsx', '']));
      maybe(0.9, '--out', rnd.chance(0.8) ? path.join(dir, `out-${rnd.int(0, 1e6)}`) : rnd.pick(['/nonexistent/dir/x', dir, '']));
      break;
    case 'import':
      args.push(rnd.pick([samplePath('cyclictest-histogram-4threads-h400.txt'), samplePath('SOURCES.md'), dir, path.join(dir, 'missing.txt')]));
      maybe(0.3, '--format', rnd.pick(['cyclictest-hist', 'perf-kvm-stat', 'nope']));
      maybe(0.2, '--tsc-khz', rnd.pick(INTEGERS));
      maybe(0.1, '--unit', rnd.pick(['us', 'ns', 'ms']));
      break;
    case 'profiles':
      maybe(0.5, rnd.pick(['HSW-2016', 'nope', '__proto__']));
      maybe(0.1, '--add', path.join(dir, 'missing.json'));
      break;
    case 'tag':
      args.push(id(), rnd.pick(['fuzz', 'a,b', '', ' ', 'x'.repeat(100)]));
      maybe(0.3, '--remove');
      break;
    default:
      break;
  }
  return [...args, '--db', db];
}

/** The tokens a user wrote that an error may name (flags, setting names, values, ids). */
function namedTokens(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv.slice(0, -2)) {
    const [name, ...rest] = a.split('=');
    if (name && name.trim().length > 0) out.push(name.trim());
    if (rest.length > 0 && rest.join('=').trim().length > 0) out.push(rest.join('=').trim());
  }
  return out;
}

describe('CLI configuration fuzz', () => {
  it(`survives ${INVOCATIONS} seeded invocations: no crash, no hang, every error names what it is about`, async () => {
    assertBuilt();
    const rnd = new Random(SEED);
    const db = path.join(dir, 'fuzz.sqlite');
    mkdirSync(dir, { recursive: true });
    // a few runs so show, compare, export and tag find something
    expect((await cli(['experiment', '--workload', 'tscdeadline-busy', '--samples', '2000', '--db', db])).code).toBe(0);
    const cases = Array.from({ length: INVOCATIONS }, () => invocation(rnd, db));
    const problems: string[] = [];
    const byExit = new Map<string, number>();
    const t0 = Date.now();
    let next = 0;
    async function worker(): Promise<void> {
      while (next < cases.length) {
        const argv = cases[next++]!;
        let r;
        try {
          r = await cli(argv, { timeoutMs: TIME_LIMIT_MS });
        } catch (err) {
          problems.push(`hang: timer-lab ${JSON.stringify(argv)}: ${(err as Error).message.split('\n')[0]}`);
          byExit.set('hang', (byExit.get('hang') ?? 0) + 1);
          continue;
        }
        byExit.set(String(r.code), (byExit.get(String(r.code)) ?? 0) + 1);
        const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('timer-lab: ') && !l.startsWith('timer-lab: warning:'));
        const what = `timer-lab ${JSON.stringify(argv)} → exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`;
        if (looksLikeCrash(r.stderr) || looksLikeCrash(r.stdout)) problems.push(`crash: ${what}`);
        else if (r.code !== 0 && r.code !== 1 && r.code !== 2) problems.push(`exit code: ${what}`);
        else if (r.code !== 0) {
          const message = errorLines.join('\n');
          const tokens = namedTokens(argv);
          // a flag, a line number, something the user typed, or a quoted part of it
          const quoted = [...message.matchAll(/['"]([^'"]{2,})['"]/g)].map((m) => m[1]!);
          const names =
            /--[a-z][a-z-]*|\bline \d+|\b(ID|TAG|FILE)\b|unknown command/.test(message) ||
            tokens.some((t) => message.includes(t)) ||
            quoted.some((q) => tokens.some((t) => t.includes(q)));
          if (errorLines.length === 0) problems.push(`no error message: ${what}`);
          else if (!names) problems.push(`error names nothing the user wrote: ${what}`);
        }
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    report('CLI config fuzz', {
      seed: SEED,
      invocations: cases.length,
      ...Object.fromEntries([...byExit].map(([k, v]) => [`exit${k}`, v])),
      crashes: problems.filter((p) => p.startsWith('crash')).length,
      hangs: byExit.get('hang') ?? 0,
      problems: problems.length,
      seconds: ((Date.now() - t0) / 1000).toFixed(1),
    });
    expect(problems).toEqual([]);
    expect(byExit.get('2') ?? 0).toBeGreaterThan(cases.length / 4); // the fuzz reaches the validation, not just the happy path
    expect(byExit.get('0') ?? 0).toBeGreaterThan(5);
  }, 400_000);
});
