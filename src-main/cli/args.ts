/**
 * Command-line parsing helpers on node:util parseArgs: strict options, `--set key=value`
 * collection, integer flags with range checks. Bad input throws UsageError (exit code 2).
 * Must not import the engine.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionConfig = NonNullable<ParseArgsConfig['options']>[string];

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<const O extends Record<string, OptionConfig>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true as const });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--set a=1 --set b=on` → { a: '1', b: 'on' }. */
export function collectSets(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${item}: expected name=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

export function intFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name}: expected an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export function idArgs(positionals: string[], what = 'ID'): number[] {
  if (positionals.length === 0) throw new UsageError(`expected at least one ${what}`);
  return positionals.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what} "${p}" is not a run id (a positive integer)`);
    return n;
  });
}
