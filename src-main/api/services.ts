/**
 * The main-process services behind every front door: one store, one runner, the push fan-out,
 * and the operations the contract names. Runs are validated completely before anything is saved;
 * each run is stored queued, marked running when its first shard reports, and saved in one
 * transaction when it finishes (or marked failed / cancelled). Must not import electron.
 */
import { ConfigError, settableNames, type RunConfig } from '../../src-shared/config.js';
import { profileDefaultKernel } from '../../src-shared/kernels.js';
import { DEFAULT_PROFILE } from '../../src-shared/profiles/index.js';
import type { CallResults, ImportResult, ParsedArgs, PushChannel, PushPayloads, RunDetail, RunListItem, RunStatus } from '../../src-shared/contract.js';
import { buildRunConfig, type MergedRun } from '../engine/index.js';
import { Runner, RunCancelledError } from '../runner/index.js';
import { LEASE_RENEW_MS, NotFoundError, openStore, type ListFilter, type OpenedStore, type RunResult, type RunStore } from '../store/index.js';
import type { ParsedMeasurement } from '../formats/index.js';
import type { RunCalibrationInfo } from '../../src-shared/calibration.js';
import { CalibrationInputStore } from './calibration-inputs.js';
import { toApiError } from './error-map.js';
import { measuredImport, type ImportMeta } from './import.js';
import type { PushListener } from './host.js';
import { resolveProfile } from './profiles.js';
import { RepeatIndex } from './repeats.js';

export interface LabServicesOptions {
  dbPath: string;
  threads?: number;
  nativeBinding?: string;
  migrationsDir?: string;
}

type RunSpec = ParsedArgs<'experiments:submit'>['runs'][number];

/** Names a run spec can change with `set` (run parameters, X, tsc_khz, costs, jitters). */
const SETTABLE = new Set(settableNames());

/** Timer events traced for runs submitted with `trace` (shard 0 only), and kept from imported traces. */
export const TRACE_TIMER_EVENTS = 2000;

export class LabServices {
  readonly store: RunStore;
  /** Calibration inputs read and waiting for a calibration (this process only). */
  readonly calibrationInputs = new CalibrationInputStore();
  /** Repeat groups of experiments (runs of one configuration under several seeds). */
  readonly repeats: RepeatIndex;
  private runnerInstance: Runner | null = null;
  private readonly threads: number | undefined;
  private readonly opened: OpenedStore;
  private readonly listeners = new Set<PushListener>();
  private readonly pending = new Map<number, Promise<RunStatus>>();
  /** Runs interrupted by a previous crash, found when the database was opened. */
  readonly interruptedAtOpen: number;
  /** Said once to the user when the database opened read-only or damaged; null when all is well. */
  readonly notice: string | null;
  private readonly leaseTimer: NodeJS.Timeout;
  /**
   * How runs of this process ended when that could not be written (disk full, read-only file):
   * written as soon as the database accepts it again (every lease tick, and at close). If it
   * never does, the next start finds the run abandoned and marks it interrupted.
   */
  private readonly unrecorded = new Map<number, { status: 'failed' | 'cancelled'; error: string | null }>();

  constructor(opts: LabServicesOptions) {
    this.opened = openStore(opts.dbPath, {
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      ...(opts.migrationsDir ? { migrationsDir: opts.migrationsDir } : {}),
    });
    this.store = this.opened.store;
    this.repeats = new RepeatIndex(this.store);
    this.interruptedAtOpen = this.opened.interrupted;
    this.notice = this.opened.notice;
    // Keep the lease on this process's unfinished runs fresh, so other processes leave them alone.
    this.leaseTimer = setInterval(() => {
      try {
        if (this.pending.size > 0) this.store.renewLease();
      } catch {
        // a busy or full database is retried at the next tick
      }
      this.recordUnrecorded();
    }, LEASE_RENEW_MS);
    this.leaseTimer.unref();
    this.threads = opts.threads;
  }

  /** The worker pool, started on first use (list, show or export never start threads). */
  get runner(): Runner {
    this.runnerInstance ??= new Runner(this.threads === undefined ? {} : { threads: this.threads });
    return this.runnerInstance;
  }

  subscribe(listener: PushListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends PushChannel>(channel: K, payload: PushPayloads[K]): void {
    for (const l of this.listeners) {
      try {
        l(channel, payload);
      } catch {
        // a broken subscriber must not stop the others
      }
    }
  }

  /** Builds a complete RunConfig from a run spec; errors name `runs.<i>.<field>`. */
  configFor(spec: RunSpec, index = 0): RunConfig {
    const prefix = `runs.${index}.`;
    try {
      const profile = resolveProfile(this.store, spec.profile, `${prefix}profile`);
      return buildRunConfig({
        workload: spec.workload,
        strategy: spec.strategy,
        profile,
        samples: spec.samples,
        seed: spec.seed,
        set: spec.set,
      });
    } catch (err) {
      // A setting is named where it is changed: runs.<i>.set.<name>, also when the caller left
      // it at its default and a check of several settings together (host noise) refused it.
      const isSetting = err instanceof ConfigError && (Object.prototype.hasOwnProperty.call(spec.set, err.field) || SETTABLE.has(err.field));
      throw toApiError(err, isSetting ? `${prefix}set.` : prefix);
    }
  }

  submitExperiment(args: ParsedArgs<'experiments:submit'>): CallResults['experiments:submit'] {
    const configs = args.runs.map((spec, i) => this.configFor(spec, i)); // all valid before any write
    const varying = varyingSettings(args.runs.map((r) => r.set));
    const seedVaries = new Set(configs.map((c) => c.seed)).size > 1;
    const hostsMixed = new Set(configs.map(hostLabel)).size > 1;
    // one transaction: a failed write leaves neither an empty experiment nor runs nobody computes
    const runNames = configs.map((config, i) => runName(args.name, config, args.runs.length, args.runs[i]!.set, { varying, seedVaries, hostsMixed }));
    const { experimentId, runIds } = this.store.createExperimentWithRuns(
      { name: args.name, notes: args.notes, tags: args.tags },
      configs.map((config, i) => ({ name: runNames[i]!, config })),
    );
    runIds.forEach((id, i) => {
      this.emit('run:progress', progressPayload(id, experimentId, 'queued', 0, configs[i]!.samples));
      this.start(id, experimentId, configs[i]!, args.runs[i]!.trace, args.runs[i]!.traceTimerEvents ?? TRACE_TIMER_EVENTS);
    });
    return { experimentId, runIds, runNames };
  }

  /**
   * The runs of a prediction: one experiment of reproduced and predicted runs, each summary
   * labelled with its role and intervals when it finishes. Returns at once; the runs go on.
   */
  submitCalibrationRuns(name: string, runs: ReadonlyArray<{ name: string; config: RunConfig; calibration: RunCalibrationInfo }>): { experimentId: number; runIds: number[] } {
    const { experimentId, runIds } = this.store.createExperimentWithRuns(
      { name, notes: '', tags: [] },
      runs.map((r) => ({ name: r.name, config: r.config })),
    );
    runIds.forEach((id, i) => {
      this.emit('run:progress', progressPayload(id, experimentId, 'queued', 0, runs[i]!.config.samples));
      this.start(id, experimentId, runs[i]!.config, true, TRACE_TIMER_EVENTS, runs[i]!.calibration);
    });
    return { experimentId, runIds };
  }

  private start(id: number, experimentId: number | null, config: RunConfig, trace: boolean, traceTimerEvents: number, calibration?: RunCalibrationInfo): void {
    const done = this.runner
      .run(String(id), config, {
        trace,
        traceTimerEvents,
        onStart: () => {
          try {
            this.store.markRunning(id);
          } catch {
            // not fatal: finish() marks it running with the result, or fail() records why not
          }
        },
        onProgress: (p) =>
          this.emit('run:progress', {
            runId: id,
            experimentId,
            status: 'running',
            done: p.done,
            total: p.total,
            samplesPerSec: p.samplesPerSec,
            etaSec: p.etaSec,
          }),
      })
      .then(
        (merged) => this.finish(id, experimentId, merged, calibration),
        (err: unknown) => this.fail(id, err, calibration),
      )
      .catch((err: unknown) => this.fail(id, err, calibration)); // e.g. a subscriber's push failed: never an unhandled rejection
    this.pending.set(id, done);
    void done.finally(() => this.pending.delete(id));
  }

  private finish(id: number, experimentId: number | null, merged: MergedRun, calibration?: RunCalibrationInfo): RunStatus {
    try {
      this.store.markRunning(id);
      this.store.saveResult(id, storedResult(merged, calibration));
    } catch (err) {
      return this.fail(id, new Error(`the result could not be saved: ${toApiError(err).message}`));
    }
    this.emit('run:progress', progressPayload(id, experimentId, 'done', merged.samples.length, merged.samples.length));
    this.emit('run:finished', { runId: id, status: 'done', error: null });
    return 'done';
  }

  /** A cancelled run keeps the samples it finished (their true count); false when there were none or they could not be saved. */
  private savePartial(id: number, err: unknown, calibration?: RunCalibrationInfo): boolean {
    if (!(err instanceof RunCancelledError) || !err.partial) return false;
    try {
      this.store.markRunning(id);
      this.store.saveResult(id, storedResult(err.partial, calibration), 'cancelled');
      return true;
    } catch {
      return false; // recorded as cancelled without samples below
    }
  }

  /** Records how a run ended; never throws (a final state the database refuses is kept in `unrecorded`). */
  private fail(id: number, err: unknown, calibration?: RunCalibrationInfo): RunStatus {
    if (this.savePartial(id, err, calibration)) {
      this.emit('run:finished', { runId: id, status: 'cancelled', error: null });
      return 'cancelled';
    }
    const ending =
      err instanceof RunCancelledError
        ? { status: 'cancelled' as const, error: null }
        : { status: 'failed' as const, error: err instanceof Error ? err.message : String(err) };
    this.unrecorded.set(id, ending);
    this.recordUnrecorded();
    const error = this.unrecorded.has(id) ? unrecordedNote(ending.error) : ending.error;
    this.emit('run:finished', { runId: id, status: ending.status, error });
    return ending.status;
  }

  /** Writes the final states the database refused before; keeps those it still refuses. */
  private recordUnrecorded(): void {
    for (const [id, ending] of this.unrecorded) {
      try {
        if (ending.status === 'cancelled') this.store.markCancelled(id);
        else this.store.markFailed(id, ending.error ?? 'failed');
        this.unrecorded.delete(id);
      } catch (err) {
        // still full, read-only or busy: the next lease tick tries again (unless the run is gone)
        if (err instanceof NotFoundError) this.unrecorded.delete(id);
      }
    }
  }

  /** A run as stored, or as it ended in this process when that could not be stored yet. */
  getRun(id: number): RunDetail {
    const run = this.withUnrecorded(this.store.get(id));
    const across = run.status === 'done' ? this.repeats.across(run) : undefined;
    return across ? { ...run, repeats: across } : run;
  }

  /** The history (see RunStore.list), showing how runs ended that could not be stored yet. */
  listRuns(filter: ListFilter = {}): RunListItem[] {
    const rows = this.store.list(filter);
    return this.unrecorded.size === 0 ? rows : rows.map((r) => this.withUnrecorded(r));
  }

  private withUnrecorded<R extends { id: number; status: RunStatus; error: string | null }>(row: R): R {
    const ending = this.unrecorded.get(row.id);
    if (!ending || (row.status !== 'queued' && row.status !== 'running')) return row;
    return { ...row, status: ending.status, error: unrecordedNote(ending.error) };
  }

  /** Resolves when a run submitted in this process ends (its final status). */
  async waitForRun(id: number): Promise<RunStatus> {
    const p = this.pending.get(id);
    if (p) return p;
    return this.store.get(id).status;
  }

  /** Runs one spec without saving it (CLI `run --no-save`); progress is pushed with runId 0. */
  async simulate(args: ParsedArgs<'runs:simulate'>): Promise<CallResults['runs:simulate']> {
    const spec = args.run;
    const config = this.configFor(spec);
    const merged = await this.runner.run(`unsaved-${Date.now()}-${Math.random()}`, config, {
      trace: spec.trace,
      traceTimerEvents: spec.traceTimerEvents ?? TRACE_TIMER_EVENTS,
      onProgress: (p) =>
        this.emit('run:progress', { runId: 0, experimentId: null, status: 'running', done: p.done, total: p.total, samplesPerSec: p.samplesPerSec, etaSec: p.etaSec }),
    });
    return { summary: merged.summary, trace: merged.trace };
  }

  /**
   * Stores an already parsed measurement: every run of the file and their experiment, or, when
   * the same file (same SHA-256) was imported before with the same options, nothing new: the existing runs.
   */
  importParsed(parsed: ParsedMeasurement, meta: ImportMeta): ImportResult {
    const { experiment, runs } = measuredImport(parsed, meta);
    const stored = this.store.insertMeasuredImport(experiment, runs);
    return this.importResult(stored, parsed.format, stored.existing ? [] : parsed.warnings);
  }

  /** The runs already imported from a file with this SHA-256 and these import options, as an import's result, or null. */
  existingImport(sha256: string, options: string): ImportResult | null {
    const found = this.store.findImport(sha256, options);
    if (!found) return null;
    const format = this.store.get(found.runIds[0] ?? 0).source?.format as ImportResult['format'];
    return this.importResult({ ...found, existing: true }, format, []);
  }

  private importResult(stored: { experimentId: number | null; runIds: number[]; existing: boolean }, format: ImportResult['format'], warnings: string[]): ImportResult {
    const runId = stored.runIds[0] ?? 0;
    const note = stored.existing
      ? [`this file was imported before with the same options (same SHA-256, unit, TSC rate, format and timeline length): run${stored.runIds.length > 1 ? 's' : ''} ${stored.runIds.join(', ')}, not stored again (delete them to import it anew)`]
      : [];
    return { runId, runIds: stored.runIds, experimentId: stored.experimentId, format, warnings: [...note, ...warnings], deduplicated: stored.existing };
  }

  cancel(id: number): boolean {
    if (this.runnerInstance?.cancel(String(id))) return true;
    const status = this.store.get(id).status;
    if (status === 'queued') return this.store.markCancelled(id);
    return false;
  }

  /** Cancels the runs going in this process and waits, at most `graceMs`, until each is stored. */
  private async cancelInProgress(notice: CloseOptions['notice'], graceMs: number): Promise<void> {
    const going = [...this.pending];
    if (going.length === 0) return;
    const ids = going.map(([id]) => id);
    notice?.(`stopping: cancelling ${runsNamed(ids)} in progress and saving the samples finished (waiting up to ${graceMs / 1000} s)…`);
    for (const id of ids) {
      try {
        this.cancel(id);
      } catch {
        // gone from the store meanwhile: nothing to keep
      }
    }
    const unsaved = new Set(ids);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(going.map(([id, done]) => done.finally(() => unsaved.delete(id)))),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    if (unsaved.size > 0) notice?.(`${runsNamed([...unsaved])} not saved within ${graceMs / 1000} s: stored as cancelled without samples`);
  }

  /**
   * Closes the lab: every run still going in this process is first cancelled as `runs:cancel`
   * cancels it, and kept with the samples it finished (waiting at most `graceMs` for them to be
   * saved; a run not saved by then is stored as cancelled without samples); then the workers stop
   * and the store closes. Every front door (CLI, web mode, the desktop app) ends this way.
   */
  async close(opts: CloseOptions = {}): Promise<void> {
    await this.cancelInProgress(opts.notice, opts.graceMs ?? CLOSE_GRACE_MS);
    clearInterval(this.leaseTimer);
    await this.runnerInstance?.close();
    await Promise.allSettled([...this.pending.values()]);
    this.recordUnrecorded();
    this.opened.close();
  }
}

/** How long closing waits for the runs it cancels to save the samples they finished. */
export const CLOSE_GRACE_MS = 5_000;

export interface CloseOptions {
  /** Told, in a sentence, what closing waits for (runs in progress being saved) and what it gave up on. */
  notice?: (text: string) => void;
  /** Longest wait for cancelled runs to be saved (CLOSE_GRACE_MS when not given). */
  graceMs?: number;
}

function runsNamed(ids: readonly number[]): string {
  return ids.length === 1 ? `run ${ids[0]}` : `runs ${ids.join(', ')}`;
}

function unrecordedNote(error: string | null): string {
  return `${error ?? 'cancelled'} (this could not be written to the database either; the run shows as interrupted when Timer Lab next opens it)`;
}


/** "SKX 5.15": a run's CPU profile and the kernel it models. */
export function hostLabel(config: Pick<RunConfig, 'profile' | 'params'>): string {
  return `${config.profile.name} ${config.params.kernel}`;
}

/** Whether a run is on the lab's default host: the default profile on its own kernel. */
function onDefaultHost(config: RunConfig): boolean {
  return config.profile.name === DEFAULT_PROFILE.name && config.params.kernel === profileDefaultKernel(DEFAULT_PROFILE);
}

/**
 * A run is named after its experiment; runs of one experiment are told apart by strategy (and by
 * seed when it repeats a configuration). Runs that differ in settings (a sweep) are named by what
 * differs alone, short ("delta=100000 · hrtimer"): their experiment's name says the rest. Without
 * an experiment name, the name says what was run, overrides included ("cyclictest · hrtimer ·
 * guestIdle=poll").
 *
 * The host — CPU profile and kernel, "SKX 5.15" — is in the name unless the run is on the
 * default host (HSW-2016 on its own 4.9) and every run of the experiment is on that host too: so
 * the plain default runs keep short names, and no two runs on different hosts share one. It
 * follows the strategy ("cyclictest · hrtimer · SKX 5.15", "my test · SKX 6.8"); when the hosts
 * of an experiment differ (a sweep over kernels) it leads, in place of `kernel=…` ("SKX 4.9 ·
 * vmx-preemption"). `kernel=…` is never listed beside it.
 */
export function runName(
  experiment: string,
  config: RunConfig,
  runs: number,
  set: Record<string, unknown>,
  among: { varying: readonly string[]; seedVaries: boolean; hostsMixed: boolean },
): string {
  const seed = among.seedVaries ? [`seed ${config.seed}`] : [];
  const host = among.hostsMixed || !onDefaultHost(config) ? [hostLabel(config)] : [];
  const name = (parts: string[]) => parts.join(' · ').slice(0, 200);
  if (experiment === 'experiment') {
    const overrides = Object.entries(set).filter(([k]) => k !== 'kernel').map(([k, v]) => `${k}=${String(v)}`);
    return name([config.workload, config.strategy, ...overrides, ...host, ...seed]);
  }
  if (runs === 1) return name([experiment, ...host]);
  const differing = among.varying.filter((k) => k !== 'kernel').map((k) => `${k}=${String(set[k])}`);
  if (among.hostsMixed) return name([...host, ...differing, config.strategy, ...seed]);
  if (differing.length > 0) return name([...differing, config.strategy, ...host, ...seed]);
  return name([experiment, config.strategy, ...host, ...seed]);
}

/** Setting names whose values are not the same in every run spec. */
function varyingSettings(sets: ReadonlyArray<Record<string, unknown>>): string[] {
  const names = new Set(sets.flatMap((s) => Object.keys(s)));
  return [...names].filter((k) => new Set(sets.map((s) => JSON.stringify(s[k] ?? null))).size > 1).sort();
}

/** What is stored of a finished or cancelled run: a prediction's runs carry their calibration label either way. */
function storedResult(m: MergedRun, calibration: RunCalibrationInfo | undefined): RunResult {
  return {
    summary: calibration ? { ...m.summary, calibration } : m.summary,
    histogram: m.histogram,
    samples: m.samples,
    ...(m.trace ? { trace: m.trace } : {}),
  };
}

function progressPayload(
  runId: number,
  experimentId: number | null,
  status: RunStatus,
  done: number,
  total: number,
): PushPayloads['run:progress'] {
  return { runId, experimentId, status, done, total, samplesPerSec: 0, etaSec: null };
}
