/**
 * `timer-lab`: the command-line front door. Every verb goes through the API contract, like the
 * app and web mode: calls for everything it asks, pushes for progress and for the end of runs.
 * Same database as the app (`--db PATH`, TIMER_LAB_DB, or the XDG data folder). `--json`
 * everywhere. Exit codes: 0 ok, 2 bad input, 1 failure, 128 + the signal when a signal cancelled runs (130 Ctrl-C,
 * 143 SIGTERM, 129 SIGHUP). Never imports the engine.
 */
import { existsSync, statSync } from 'node:fs';
import { ApiError, LabServices, createApiHost, defaultDatabasePath, toApiError } from '../api/index.js';
import { threadsFlag, UsageError } from './args.js';
import { createCliContext, terminalText } from './context.js';
import { globalHelp, verbHelp } from './help.js';
import { runVerb } from './verb.js';
import { findVerb, VERBS } from './verbs/index.js';

/** A reader that stops early (`| head`) closes the pipe: end quietly, as Unix tools do. */
function quietOnClosedPipe(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const [verb, ...rest] = verbFirst(argv);
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    const about = verb === 'help' && rest[0] !== undefined ? findVerb(rest[0]) : undefined;
    process.stdout.write(about ? verbHelp(about) : globalHelp(VERBS));
    return verb === undefined ? 2 : 0;
  }
  if (verb === '--version') {
    process.stdout.write('timer-lab 0.1.0\n');
    return 0;
  }
  const impl = findVerb(verb);
  if (!impl) {
    process.stderr.write(`timer-lab: unknown command "${verb}" (try: timer-lab help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verbHelp(impl));
    return 0;
  }
  let lab: LabServices | null = null;
  try {
    const { db, json, threads, args } = globalFlags(rest);
    lab = new LabServices({ dbPath: db, ...(threads !== undefined ? { threads } : {}) });
    if (lab.notice) process.stderr.write(`timer-lab: warning: ${lab.notice}\n`);
    return await runVerb(impl, createCliContext(createApiHost(lab), json, db), args);
  } catch (err) {
    return reportError(err, rest, impl.fieldFlags ?? {});
  } finally {
    await lab?.close({ notice: (text) => process.stderr.write(`timer-lab: ${text}\n`) });
  }
}

/** The options every verb accepts, with whether each takes a value. */
const GLOBAL_OPTIONS: Readonly<Record<string, boolean>> = { '--db': true, '--json': false, '--threads': true };

/** Global options may also come before the verb (`timer-lab --db X list`): they are moved after it. */
function verbFirst(argv: string[]): string[] {
  let i = 0;
  for (;;) {
    const a = argv[i];
    if (a === undefined) break;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    const takesValue = GLOBAL_OPTIONS[name];
    if (takesValue === undefined) break;
    i += takesValue && !a.includes('=') ? 2 : 1;
  }
  if (i === 0) return argv;
  return [...argv.slice(i, i + 1), ...argv.slice(0, Math.min(i, argv.length)), ...argv.slice(i + 1)];
}

/** Options every verb accepts: --db, --json, --threads. */
function globalFlags(argv: string[]): { db: string; json: boolean; threads: number | undefined; args: string[] } {
  const args: string[] = [];
  let db = process.env.TIMER_LAB_DB || defaultDatabasePath();
  let json = false;
  let threads: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--db' || a.startsWith('--db=')) {
      const v = a === '--db' ? argv[++i] : a.slice(5);
      if (!v) throw new UsageError('--db: expected a file path');
      if (existsSync(v) && statSync(v).isDirectory()) throw new UsageError(`--db ${v}: is a folder; give a database file path`);
      db = v;
    } else if (a === '--threads' || a.startsWith('--threads=')) {
      threads = threadsFlag(a === '--threads' ? argv[++i] : a.slice(10), (m) => process.stderr.write(`timer-lab: warning: ${m}\n`));
    } else args.push(a);
  }
  return { db, json, threads, args };
}

function reportError(err: unknown, argv: string[], fieldFlags: Record<string, string>): number {
  if (!(err instanceof UsageError)) err = toApiError(err); // e.g. a FormatError from `import` is bad input (exit 2)
  if (err instanceof UsageError) {
    process.stderr.write(terminalText(`timer-lab: ${err.message}\n`));
    return 2;
  }
  if (err instanceof ApiError) {
    const field = err.field === undefined ? null : flagFor(err.field, argv, fieldFlags);
    const message = field !== null && err.message.startsWith(`${err.field}: `) ? `${field}: ${err.message.slice(err.field!.length + 2)}` : err.message;
    process.stderr.write(terminalText(`timer-lab: ${message}\n`));
    // what the user typed names nothing there, or collides with what is there: bad input too
    return err.code === 'bad-input' || err.code === 'not-found' || err.code === 'conflict' ? 2 : 1;
  }
  process.stderr.write(terminalText(`timer-lab: ${err instanceof Error ? err.message : String(err)}\n`));
  return 1;
}

/**
 * API fields name the contract's arguments; on the command line they are flags or positionals:
 * runs.0.set.delta (or set.delta) → `--set delta`, runs.0.samples → `--samples`, ids.0 → `ID`, tags.1 → `--tag`
 * or `TAG`, workload → `--workload` when that flag was given; a field the verb takes under another
 * flag (`fieldFlags`) → that flag. Null when nothing fits.
 */
function flagFor(field: string, argv: string[], fieldFlags: Record<string, string>): string | null {
  const set = /^(?:runs\.\d+\.)?set\.(.+)$/.exec(field);
  if (set) return `--set ${set[1]}`;
  const top = field.replace(/^runs\.\d+\./, '').split('.')[0]!;
  const given = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  if (top === 'id' || top === 'ids') return 'ID';
  if (top === 'tags') return given('--tag') ? '--tag' : 'TAG';
  if (Object.hasOwn(fieldFlags, top)) return fieldFlags[top]!;
  const flag = `--${top.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return field.startsWith('runs.') || given(flag) ? flag : null;
}
