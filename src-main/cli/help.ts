/**
 * Help text generated from the verbs' option tables and the registries (workloads, strategies,
 * export and import formats), so it lists every option and every name that exists.
 * Must not import the engine.
 */
import { STRATEGIES } from '../../src-shared/strategies.js';
import { WORKLOADS } from '../../src-shared/workloads.js';
import type { VerbOption, VerbSpec } from './verb.js';

/** Options every verb takes. */
export const GLOBAL_OPTIONS: Record<string, VerbOption> = {
  db: { type: 'string', value: 'PATH', help: 'database file (default $TIMER_LAB_DB, else the XDG data folder ~/.local/share/timer-lab)' },
  json: { type: 'boolean', help: 'machine-readable output on stdout' },
  threads: { type: 'string', value: 'N', help: 'worker threads for simulations (default: the CPUs this machine has)' },
};

function optionUsage(name: string, o: VerbOption): string {
  const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  return o.multiple ? `${flag}…` : flag;
}

function optionLines(options: Record<string, VerbOption>): string[] {
  const entries = Object.entries(options);
  const width = Math.max(0, ...entries.map(([n, o]) => optionUsage(n, o).length));
  return entries.map(([n, o]) => `  ${optionUsage(n, o).padEnd(width)}  ${o.help}${o.default !== undefined && o.type === 'string' ? ` (default ${String(o.default)})` : ''}`);
}

/** `timer-lab VERB --help`. */
export function verbHelp(verb: VerbSpec): string {
  const usage = [`timer-lab ${verb.name}`, verb.positionals ?? '', ...Object.entries(verb.options).map(([n, o]) => `[${optionUsage(n, o)}]`)].filter(Boolean).join(' ');
  const lines = [`usage: ${usage}`, '', verb.summary, ''];
  if (Object.keys(verb.options).length > 0) lines.push('options:', ...optionLines(verb.options), '');
  lines.push('every command also takes:', ...optionLines(GLOBAL_OPTIONS), '');
  if (verb.notes) lines.push(verb.notes, '');
  return `${lines.join('\n')}\n`;
}

/** `timer-lab help`: every verb with its summary and options. */
export function globalHelp(verbs: readonly VerbSpec[]): string {
  const lines = ['timer-lab — simulate and compare KVM TSC-deadline timer strategies', '', 'usage: timer-lab <command> [options]   (timer-lab <command> --help for one command)', ''];
  for (const v of verbs) {
    lines.push(`  ${[v.name, v.positionals ?? ''].filter(Boolean).join(' ')}  — ${v.summary}`);
    for (const l of optionLines(v.options)) lines.push(`    ${l.trimStart()}`);
  }
  lines.push('', 'every command takes:', ...optionLines(GLOBAL_OPTIONS), '');
  lines.push(`workloads:  ${WORKLOADS.join(', ')}`);
  lines.push(`strategies: ${STRATEGIES.join(', ')}`);
  lines.push('exit codes: 0 ok, 2 bad input (also an id or name that is not there, or a clash with what is), 1 failure, 130 cancelled by Ctrl-C (143 by SIGTERM, 129 by SIGHUP)', '');
  return `${lines.join('\n')}\n`;
}
