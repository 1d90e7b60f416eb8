/**
 * RunStore: every read and write of experiments and runs (lifecycle queued → running → done /
 * failed / cancelled / interrupted, results, imports, list, detail, blobs) over one
 * better-sqlite3 connection, with statements prepared once. Every write is one immediate
 * transaction (the write lock is taken first, so another process's commit can never invalidate
 * what it read), retried while other processes hold the database; SQLite failures surface as
 * StoreErrors naming the file. Must not import electron, src-main/engine, runner or api.
 */
import { cyclictestResolutionNote, TSC_GIVEN_AT_IMPORT, UNIT_CHOSEN_AT_IMPORT } from '../../src-shared/measurement.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Statement } from 'better-sqlite3';
import type { RunConfig } from '../../src-shared/config.js';
import { validateRunConfig } from '../../src-shared/run-config.js';
import type { CalibrationProvenance } from '../../src-shared/calibration.js';
import type { ProfileInfo, RunDetail, RunListItem, RunStatus, TraceEventRow } from '../../src-shared/contract.js';
import type { Profile } from '../../src-shared/profile.js';
import { BUILTIN_PROFILES } from '../../src-shared/profiles/index.js';
import type { Histogram, RunSummary } from '../../src-shared/result.js';
import { decodeSamples, decodeTrace, encodeSamples, encodeTrace } from './blobs.js';
import type { Db } from './db.js';
import { ConflictError, NotFoundError, StoreError } from './errors.js';
import { integrityCheck } from './integrity.js';
import { ListQuery, type ListFilter } from './list-query.js';
import { measuredSummary, sampleCount, type MeasuredRunInput } from './measured.js';
import { UserProfiles } from './profiles.js';
import { prepareRunStatements, type RunStatements } from './run-statements.js';
import { guarded } from './sqlite-failures.js';
import { normalizeTags, toDetail, toListItem, type DetailRow } from './rows.js';

export interface RunStoreOptions {
  now?: () => Date;
  /** Built-in profiles that user profiles derive from (tests pass their own). */
  baseProfiles?: readonly Profile[];
  /** The database file as the user named it (default: the connection's own file name). */
  file?: string;
  /** Why nothing may be written (the database was opened read-only); null or absent: writable. */
  readOnly?: string | null;
}

export interface ExperimentInput {
  name: string;
  notes?: string;
  tags?: string[];
}

export interface QueuedRunInput {
  experimentId?: number | null;
  name: string;
  config: RunConfig;
  kind?: 'simulated';
  notes?: string;
  /** Default: the experiment's tags (none without an experiment). */
  tags?: string[];
}

export interface RunResult {
  summary: RunSummary;
  histogram: Histogram | null;
  samples: Int32Array | null;
  trace?: readonly unknown[];
}

interface DataRow {
  histogram_json: string | null;
  samples_blob: Buffer | null;
  samples_encoding: string | null;
  sample_count: number;
  trace_blob: Buffer | null;
}

const INTERRUPTED_MESSAGE = 'Timer Lab stopped before the run finished';

/** This process, as recorded on the runs it computes: host, pid and a random nonce. */
export const OWNER = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;

/** How often a process renews the lease on its unfinished runs, and when a lease is stale. */
export const LEASE_RENEW_MS = 5_000;
export const LEASE_STALE_MS = 60_000;

/**
 * Whether the process that owns an unfinished run is still computing it. This process: yes. A
 * process on this host whose pid is gone: no (a crash is seen at once). Otherwise the lease
 * decides: renewed within LEASE_STALE_MS, so a reused pid, another host or a renamed host cannot
 * fool it. Runs without an owner or lease (older databases) are abandoned.
 */
export function ownerIsAlive(owner: string | null, seenAt: number | null, now = Date.now()): boolean {
  if (owner === null) return false;
  if (owner === OWNER) return true;
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0 && !pidExists(pid)) return false;
  return seenAt !== null && now - seenAt < LEASE_STALE_MS;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunStore {
  private readonly now: () => Date;
  private readonly profiles: UserProfiles;
  private readonly bases: readonly Profile[];
  private readonly listQuery: ListQuery;
  private readonly s: RunStatements;
  private readonly statusStmt: Statement<[number], { status: RunStatus }>;
  private readonly expTagsStmt: Statement<[number], { tags: string }>;
  private readonly detailStmt: Statement<[number], DetailRow>;
  private readonly dataStmt: Statement<[number], { id: number } & Partial<DataRow>>;
  private readonly revisionStmt: Statement<[], { committed: number; written: number }>;
  /** The database file, as error messages name it. */
  readonly file: string;
  /** Why this store refuses writes, or null when it is writable. */
  readonly readOnly: string | null;

  constructor(
    readonly db: Db,
    opts: RunStoreOptions = {},
  ) {
    this.file = opts.file ?? db.name;
    this.readOnly = opts.readOnly ?? null;
    this.now = opts.now ?? (() => new Date());
    this.bases = opts.baseProfiles ?? BUILTIN_PROFILES;
    this.profiles = new UserProfiles(db, this.now, this.bases);
    this.listQuery = new ListQuery(db);
    this.statusStmt = db.prepare('SELECT status FROM runs WHERE id = ?');
    this.expTagsStmt = db.prepare('SELECT tags FROM experiments WHERE id = ?');
    this.detailStmt = db.prepare(
      'SELECT r.*, (SELECT d.trace_blob IS NOT NULL FROM run_data d WHERE d.run_id = r.id) AS has_trace, ' +
        '(SELECT e.name FROM experiments e WHERE e.id = r.experiment_id) AS experiment_name FROM runs r WHERE r.id = ?',
    );
    this.dataStmt = db.prepare(
      'SELECT r.id, d.histogram_json, d.samples_blob, d.samples_encoding, d.sample_count, d.trace_blob ' +
        'FROM runs r LEFT JOIN run_data d ON d.run_id = r.id WHERE r.id = ?',
    );
    this.s = prepareRunStatements(db);
    this.revisionStmt = db.prepare('SELECT (SELECT data_version FROM pragma_data_version) AS committed, total_changes() AS written');
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** One write: an immediate transaction, retried while the database is busy. */
  private write<T>(unit: () => T): T {
    if (this.readOnly !== null) throw new StoreError(`cannot write to ${this.file}: ${this.readOnly}`);
    return guarded(this.file, () => this.db.transaction(unit).immediate());
  }

  /** One read, retried while the database is busy. */
  private read<T>(unit: () => T): T {
    return guarded(this.file, unit);
  }

  private requireExperimentTags(id: number): string[] {
    const row = this.expTagsStmt.get(id);
    if (!row) throw new NotFoundError('experiment', id);
    return JSON.parse(row.tags) as string[];
  }

  private writeTags(id: number, tags: readonly string[]): void {
    this.s.clearTags.run({ id });
    for (const tag of tags) this.s.addTag.run({ id, tag });
  }

  /** A guarded status update's outcome: true when it changed the run, false when the run was in another state. */
  private transitioned(changes: number, id: number): boolean {
    if (changes === 1) return true;
    if (!this.statusStmt.get(id)) throw new NotFoundError('run', id);
    return false;
  }

  /** Explains why a guarded status update changed nothing. */
  private transitionError(id: number, wanted: string): never {
    const row = this.statusStmt.get(id);
    if (!row) throw new NotFoundError('run', id);
    throw new ConflictError(`run ${id} is ${row.status}; only a queued or running run can be ${wanted}`);
  }

  // ---- experiments and the run lifecycle ----

  createExperiment(input: ExperimentInput): number {
    return this.write(() => this.insertExperiment(input));
  }

  private insertExperiment(input: ExperimentInput): number {
    const info = this.s.insertExperiment.run({
      name: input.name,
      notes: input.notes ?? '',
      tags: JSON.stringify(normalizeTags(input.tags ?? [])),
      now: this.stamp(),
    });
    return Number(info.lastInsertRowid);
  }

  /**
   * Stores an experiment and its queued runs in one transaction: either all of them exist
   * afterwards or none (never an empty experiment, never a run nobody will compute).
   */
  createExperimentWithRuns(
    experiment: ExperimentInput,
    runs: ReadonlyArray<Omit<QueuedRunInput, 'experimentId'>>,
  ): { experimentId: number; runIds: number[] } {
    const configs = runs.map((r) => validateRunConfig(r.config, this.bases));
    return this.write(() => {
      const experimentId = this.insertExperiment(experiment);
      const runIds = runs.map((r, i) => this.insertQueued({ ...r, experimentId, config: configs[i]! }));
      return { experimentId, runIds };
    });
  }

  /** Stores a validated copy of `config` (every profile cost included); returns the run id. */
  insertQueuedRun(input: QueuedRunInput): number {
    const config = validateRunConfig(input.config, this.bases);
    return this.write(() => this.insertQueued({ ...input, config }));
  }

  private insertQueued(input: QueuedRunInput & { config: RunConfig }): number {
    const config = input.config;
    const experimentId = input.experimentId ?? null;
    const inherited = experimentId === null ? [] : this.requireExperimentTags(experimentId);
    const tags = normalizeTags(input.tags ?? inherited);
    const info = this.s.insertQueued.run({
      experimentId,
      name: input.name,
      notes: input.notes ?? '',
      tags: JSON.stringify(tags),
      workload: config.workload,
      strategy: config.strategy,
      profile: config.profile.name,
      samples: config.samples,
      seed: config.seed,
      now: this.stamp(),
      config: JSON.stringify(config),
      owner: OWNER,
      seenAt: Date.now(),
    });
    const id = Number(info.lastInsertRowid);
    this.writeTags(id, tags);
    return id;
  }

  /** queued → running. False when the run is no longer queued (e.g. cancelled before it started). */
  markRunning(id: number): boolean {
    return this.write(() => this.transitioned(this.s.markRunning.run({ id, now: this.stamp() }).changes, id));
  }

  /**
   * Writes the result (runs row + run_data) and sets status done, all in one transaction: a crash
   * or error leaves the run exactly as it was. Throws ConflictError if the run is not queued or
   * running (e.g. cancelled meanwhile) — except a run of this process that another process took
   * for abandoned (its lease went stale while this one was suspended): that one is finished.
   * A cancelled run's finished samples are saved the same way with `status` 'cancelled'.
   */
  saveResult(id: number, result: RunResult, status: 'done' | 'cancelled' = 'done'): void {
    const trace = result.trace ? encodeTrace(result.trace) : null;
    const histogram = result.histogram ? JSON.stringify(result.histogram) : null;
    const summary = JSON.stringify(result.summary);
    this.write(() => {
      const now = this.stamp();
      const changed = this.s.markDone.run({
        id,
        status,
        now,
        engineVersion: result.summary.engineVersion,
        summary,
        mean: result.summary.latency.mean,
        p99: result.summary.latency.p99,
        samples: result.samples?.length ?? result.summary.samples,
        owner: OWNER,
      }).changes;
      if (changed !== 1) this.transitionError(id, 'finished');
      // Encoded inside the transaction on purpose: whatever fails from here on rolls back the row.
      const enc = result.samples ? encodeSamples(result.samples) : null;
      this.s.upsertData.run({
        id,
        histogram,
        blob: enc?.blob ?? null,
        encoding: enc?.encoding ?? null,
        count: enc?.count ?? 0,
        trace,
      });
    });
  }

  /** queued/running → failed. False if the run had already finished. */
  markFailed(id: number, error: string): boolean {
    return this.write(() => this.transitioned(this.s.markFailed.run({ id, error, now: this.stamp() }).changes, id));
  }

  /** queued/running → cancelled. False if the run had already finished. */
  markCancelled(id: number): boolean {
    return this.write(() => this.transitioned(this.s.markCancelled.run({ id, now: this.stamp() }).changes, id));
  }

  /** Renews this process's lease on its unfinished runs (called every LEASE_RENEW_MS). */
  renewLease(): void {
    this.write(() => this.s.renewLease.run({ owner: OWNER, seenAt: Date.now() }));
  }

  /**
   * Called at every open: queued or running runs whose owning process is gone (killed, crashed,
   * or from another machine) become interrupted. Runs another live process on this machine is
   * still computing are left alone.
   */
  markInterruptedRuns(isAlive: (owner: string | null, seenAt: number | null) => boolean = ownerIsAlive): number {
    type Row = { id: number; owner: string | null; owner_seen_at: number | null };
    const abandoned = (): Row[] => (this.s.unfinished.all({}) as Row[]).filter((r) => !isAlive(r.owner, r.owner_seen_at));
    // Looked up first without the write lock: most opens find nothing to do and write nothing.
    if (this.read(abandoned).length === 0) return 0;
    return this.write(() => {
      let n = 0;
      for (const r of abandoned()) n += this.s.markInterrupted.run({ id: r.id, error: INTERRUPTED_MESSAGE }).changes;
      return n;
    });
  }

  /** Stores an imported run (status done) with its data in one transaction; returns the id. */
  insertMeasuredRun(input: MeasuredRunInput): number {
    const summary = measuredSummary(input);
    const trace = input.trace ? encodeTrace(input.trace) : null;
    return this.write(() => {
      const experimentId = input.experimentId ?? null;
      if (experimentId !== null) this.requireExperimentTags(experimentId);
      const tags = normalizeTags(input.tags ?? []);
      const info = this.s.insertMeasured.run({
        experimentId,
        name: input.name,
        notes: input.notes ?? '',
        tags: JSON.stringify(tags),
        workload: summary.workload,
        strategy: summary.strategy,
        profile: input.profile ?? null,
        samples: sampleCount(input),
        now: this.stamp(),
        summary: JSON.stringify(summary),
        mean: summary.latency.mean,
        p99: summary.latency.p99,
        sourceFile: input.sourceFile,
        format: input.format,
        sha256: input.sha256,
        measure: input.measure ?? null,
        measurement: input.measurement ? JSON.stringify(input.measurement) : null,
      });
      const id = Number(info.lastInsertRowid);
      this.writeTags(id, tags);
      const enc = input.samples ? encodeSamples(input.samples) : null;
      this.s.upsertData.run({
        id,
        histogram: input.histogram ? JSON.stringify(input.histogram) : null,
        blob: enc?.blob ?? null,
        encoding: enc?.encoding ?? null,
        count: enc?.count ?? 0,
        trace,
      });
      return id;
    });
  }

  /**
   * Stores every run of one imported file and the experiment grouping them, in one transaction:
   * all of them or none. A file already imported with the same options (same SHA-256 and import
   * options as the first run's) is not stored again: its existing runs are returned, with `existing` set. The check and the insert share
   * one write transaction, so two processes importing the same file store it once.
   */
  insertMeasuredImport(
    experiment: ExperimentInput,
    runs: readonly MeasuredRunInput[],
  ): { experimentId: number | null; runIds: number[]; existing: boolean } {
    const first = runs[0];
    if (!first) throw new StoreError('an import stores at least one run');
    return this.db
      .transaction(() => {
        const found = this.findImport(first.sha256, first.measurement?.importOptions);
        if (found) return { ...found, existing: true };
        const experimentId = this.createExperiment(experiment);
        const runIds = runs.map((r) => this.insertMeasuredRun({ ...r, experimentId }));
        return { experimentId, runIds, existing: false };
      })
      .immediate();
  }

  /** The runs already imported from a file with this SHA-256 and these import options (oldest first), or null. */
  findImport(sha256: string, options = '{}'): { experimentId: number | null; runIds: number[] } | null {
    const rows = this.s.importsOfFile.all({ sha256, options, nsChosen: cyclictestResolutionNote(true, UNIT_CHOSEN_AT_IMPORT), tscGiven: TSC_GIVEN_AT_IMPORT }) as Array<{ id: number; experiment_id: number | null }>;
    if (rows.length === 0) return null;
    return { experimentId: rows[0]?.experiment_id ?? null, runIds: rows.map((r) => r.id) };
  }

  // ---- reads ----

  /** Newest first. */
  list(filter: ListFilter = {}): RunListItem[] {
    return this.read(() => this.listQuery.run(filter)).map(toListItem);
  }

  get(id: number): RunDetail {
    const row = this.read(() => this.detailStmt.get(id));
    if (!row) throw new NotFoundError('run', id);
    return toDetail(row, this.bases);
  }

  private data(id: number): Partial<DataRow> {
    const row = this.read(() => this.dataStmt.get(id));
    if (!row) throw new NotFoundError('run', id);
    return row;
  }

  /** The run's samples, or null when none were stored. */
  getSamples(id: number): Int32Array | null {
    const d = this.data(id);
    if (!d.samples_blob || !d.samples_encoding) return null;
    try {
      return decodeSamples(d.samples_blob, d.samples_encoding, d.sample_count ?? 0);
    } catch (err) {
      if (err instanceof StoreError) throw new StoreError(`run ${id}: ${err.message}`);
      throw new StoreError(`run ${id}: samples cannot be decoded (${(err as Error).message})`, { cause: err });
    }
  }

  /** The run's histogram, or null when none was stored. */
  getHistogram(id: number): Histogram | null {
    const d = this.data(id);
    return d.histogram_json ? (JSON.parse(d.histogram_json) as Histogram) : null;
  }

  /** The first `limit` trace events ([] when the run has no trace). */
  getTrace(id: number, limit = 2_000): TraceEventRow[] {
    const d = this.data(id);
    return d.trace_blob ? (decodeTrace(d.trace_blob, limit) as TraceEventRow[]) : [];
  }

  /**
   * A text that changes whenever the database may have changed since it was last taken: rows
   * written through this connection (total_changes) or a commit by any other connection, in this
   * process or another (data_version). The same text means nothing changed. Reads no table.
   */
  revision(): string {
    return this.read(() => {
      const r = this.revisionStmt.get()!;
      return `${r.committed}.${r.written}`;
    });
  }

  /** The full integrity check (integrity_check and foreign_key_check): the problems, none when sound. */
  checkIntegrity(): string[] {
    return this.read(() => integrityCheck(this.db));
  }

  // ---- edits ----

  private requireChanged(changes: number, id: number): void {
    if (changes !== 1) throw new NotFoundError('run', id);
  }

  rename(id: number, name: string): void {
    this.write(() => this.requireChanged(this.s.rename.run({ id, name }).changes, id));
  }

  setNotes(id: number, notes: string): void {
    this.write(() => this.requireChanged(this.s.setNotes.run({ id, notes }).changes, id));
  }

  /** Replaces the run's tags (trimmed, case-insensitive duplicates dropped). */
  setTags(id: number, tags: readonly string[]): string[] {
    const clean = normalizeTags(tags);
    this.write(() => {
      this.requireChanged(this.s.setTagsJson.run({ id, tags: JSON.stringify(clean) }).changes, id);
      this.writeTags(id, clean);
    });
    return clean;
  }

  /** Deletes runs and their data; unknown ids are skipped. Returns how many were deleted. */
  deleteRuns(ids: readonly number[]): number {
    return this.write(() => {
      let n = 0;
      for (const id of ids) n += this.s.deleteRun.run({ id }).changes;
      return n;
    });
  }

  // ---- user profiles ----

  listUserProfiles(): ProfileInfo[] {
    return this.read(() => this.profiles.list());
  }

  getUserProfile(name: string): Profile | null {
    return this.read(() => this.profiles.get(name));
  }

  /** Saves a user profile; one of the same name is refused unless `replace`. */
  saveUserProfile(profile: unknown, replace = false): Profile {
    return this.write(() => this.profiles.save(profile, undefined, replace));
  }

  /** Why a new user profile cannot be saved as `name` (one of that name exists), or null. */
  profileNameClash(name: string): string | null {
    return this.read(() => this.profiles.nameClash(name));
  }

  /** A user profile's calibration provenance (null: no such user profile). */
  getProfileProvenance(name: string): { provenance: CalibrationProvenance | null; note: string | null } | null {
    return this.read(() => this.profiles.provenance(name));
  }

  /**
   * A calibration's writes in one transaction: every input file imported as measured runs (or
   * the runs of an earlier import of the same file), then the profile with its provenance, which
   * names those runs. All of it or nothing.
   */
  saveCalibration(
    imports: ReadonlyArray<{ experiment: ExperimentInput; runs: readonly MeasuredRunInput[] }>,
    profile: Profile,
    provenance: CalibrationProvenance,
    replace = false,
  ): { measuredRunIds: number[]; profile: Profile } {
    return this.write(() => {
      const measuredRunIds = imports.flatMap((i) => (i.runs.length > 0 ? this.insertMeasuredImport(i.experiment, i.runs).runIds : []));
      const saved = this.profiles.save(profile, { ...provenance, measuredRunIds }, replace);
      return { measuredRunIds, profile: saved };
    });
  }
}
