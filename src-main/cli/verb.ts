/**
 * A CLI verb as data: its name, one-line summary, positional arguments and option table (each
 * option with its help text), and the function that runs it. The help text is generated from
 * these tables (help.ts), so an option cannot be missing from it. Must not import the engine.
 */
import type { ParseArgsConfig } from 'node:util';
import { parse, UsageError } from './args.js';
import type { CliContext } from './context.js';

type ParseOption = NonNullable<ParseArgsConfig['options']>[string];

/** A node:util parseArgs option plus what help prints for it. */
export type VerbOption = ParseOption & {
  help: string;
  /** Placeholder of the value in help (e.g. `N`, `FILE`); string options only. */
  value?: string;
};

export type VerbOptions = Record<string, VerbOption>;

export interface VerbSpec<O extends VerbOptions = VerbOptions> {
  name: string;
  summary: string;
  /** Positional arguments as help prints them, e.g. `ID…`, `FILE`. */
  positionals?: string;
  options: O;
  /** Extra lines of help under the options. */
  notes?: string;
  /** API fields this verb takes under another flag than `--<field>` (e.g. strategy → `--strategies`). */
  fieldFlags?: Record<string, string>;
  run(ctx: CliContext, values: ReturnType<typeof parse<O>>['values'], positionals: string[]): Promise<number>;
}

/** Keeps the option table's literal types so `values` is typed from it. */
export function defineVerb<const O extends VerbOptions>(spec: VerbSpec<O>): VerbSpec<O> {
  return spec;
}

/** Parses a verb's arguments against its own option table (unknown flags are usage errors). */
export function runVerb<O extends VerbOptions>(verb: VerbSpec<O>, ctx: CliContext, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, verb.options, verb.positionals !== undefined);
  const most = mostPositionals(verb.positionals);
  if (positionals.length > most) throw new UsageError(`unexpected argument "${positionals[most]}" (usage: timer-lab ${verb.name} ${verb.positionals ?? ''})`.replace(/ \)$/, ')'));
  return verb.run(ctx, values, positionals);
}

/** How many positionals a usage text allows: one per word, any number after an ellipsis. */
function mostPositionals(usage: string | undefined): number {
  if (!usage) return 0;
  return usage.includes('…') ? Infinity : usage.trim().split(/\s+/).length;
}
