/**
 * Command-line parsing helpers on node:util parseArgs: strict options, `--set key=value`
 * collection, integer and number flags with range checks (plain decimal only, as the config rules
 * parse them), --threads capped at the machine's parallelism. Bad input throws UsageError (exit
 * code 2). Must not import the engine.
 */
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, parseDecimalInteger, parseNumberInRange, SETTING_NAME } from '../../src-shared/config.js';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<const O extends Record<string, OptionConfig>>(argv: string[], options: O, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true as const, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // a flag that takes one value, given twice, is refused rather than silently taking the last
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once; give it once`);
    seen.add(t.name);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * parseArgs takes `--seed -1` for a flag missing its value followed by an unknown option `-1`;
 * a value option followed by something that reads as a negative number gets it as its value
 * (`--seed=-1`), so the flag's own range check names the problem.
 */
function joinNegativeValues(argv: string[], options: Record<string, OptionConfig>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    if (name !== null && Object.hasOwn(options, name) && options[name]!.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** `--set a=1 --set b=on` → { a: '1', b: 'on' }; a name that cannot be a setting is refused here. */
export function collectSets(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${item}: expected name=value`);
    const name = item.slice(0, eq).trim();
    if (!SETTING_NAME.test(name)) {
      throw new UsageError(`--set ${name}: not a parameter name (names start with a letter; \`timer-lab profiles HSW-2016\` lists them)`);
    }
    out[name] = item.slice(eq + 1).trim();
  }
  return out;
}

export function intFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = parseDecimalInteger(raw);
  if (n === null || n < min || n > max) {
    throw new UsageError(`--${name}: expected a decimal integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

/** A number flag in plain decimal digits (a config value's rule, parseNumberInRange), min to max; `what` names it in the message. */
export function numberFlag(name: string, raw: string | undefined, min: number, max: number, what = 'a number'): number | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseNumberInRange(`--${name}`, raw, min, max);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(`--${name}: expected ${what} ${min}–${max}, got "${raw}"`) : err;
  }
}

/**
 * --threads N: more worker threads than the machine runs at once only cost memory, so N is capped
 * at os.availableParallelism(); `warn` is told when that happens.
 */
export function threadsFlag(raw: string | undefined, warn: (message: string) => void, available = availableParallelism()): number {
  const n = intFlag('threads', raw ?? '', 1, 1024)!;
  if (n <= available) return n;
  warn(`--threads ${n}: this machine runs ${available} threads at once (os.availableParallelism()); using ${available}`);
  return available;
}

export function idArgs(positionals: string[], what = 'ID'): number[] {
  if (positionals.length === 0) throw new UsageError(`expected at least one ${what}`);
  return positionals.map((p) => {
    const n = parseDecimalInteger(p);
    if (n === null || n <= 0 || !Number.isSafeInteger(n)) throw new UsageError(`${what} "${p}" is not a run id (a positive integer)`);
    return n;
  });
}
