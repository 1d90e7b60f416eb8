/**
 * The experiment runner: a piscina pool of worker threads sized to the cores. A run is split
 * into the engine's fixed shards (seeds derived from run seed and shard index), all shards of all
 * submitted runs share one FIFO queue, and results are merged in shard order — so a run's result
 * does not depend on the number of workers. Progress (samples, samples/s, ETA) is sampled from
 * shared memory five times a second, the rate measured from the moment the first shard started.
 * Cancel sets a flag the shards poll (a running one returns the samples done so far, a queued one
 * returns nothing as it starts); the cancelled run's finished samples travel with its
 * RunCancelledError.
 * A shard that throws or kills its worker fails only its run.
 * Must not import electron or the store.
 */
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunConfig } from '../../src-shared/config.js';
import { mergeShards, planShards, type MergedRun, type SampleWindow, type ShardResult } from '../engine/index.js';
import { CONTROL_CANCEL, controlBuffer, startTimesBuffer, wallClockMs, type SampleWindowTask, type ShardTask } from './protocol.js';
import { shardWorkerFile } from './worker-file.js';

export interface RunProgressInfo {
  done: number;
  total: number;
  samplesPerSec: number;
  etaSec: number | null;
}

export interface SubmitOptions {
  trace?: boolean;
  traceTimerEvents?: number;
  onStart?: () => void;
  onProgress?: (p: RunProgressInfo) => void;
  /** Test hook: inject a fault into one shard. */
  fault?: { shard: number; kind: 'throw' | 'exit' };
}

export class RunCancelledError extends Error {
  /**
   * The samples the run had finished when it was cancelled, merged (summary.samples is their true
   * count, summary.stoppedBy is 'cancelled'); null when no shard had produced any.
   */
  readonly partial: MergedRun | null;
  constructor(partial: MergedRun | null = null) {
    super('run cancelled');
    this.name = 'RunCancelledError';
    this.partial = partial;
  }
}

interface ActiveRun {
  control: Int32Array;
  startedAt: Float64Array;
  /** One per shard, so a failed run can drop the shards still to run. */
  aborts: AbortController[];
  cancelled: boolean;
}

/**
 * Rate and ETA of a run: `done` samples since `startedAtMs` (when its first shard started), at
 * `nowMs`. Before any time has passed there is no rate (0) and no ETA (null).
 */
export function progressRate(done: number, total: number, startedAtMs: number, nowMs: number): { samplesPerSec: number; etaSec: number | null } {
  const secs = (nowMs - startedAtMs) / 1000;
  if (!(secs > 0) || done <= 0) return { samplesPerSec: 0, etaSec: null };
  const samplesPerSec = done / secs;
  return { samplesPerSec, etaSec: Math.max(0, total - done) / samplesPerSec };
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

export const PROGRESS_INTERVAL_MS = 200;

export class Runner {
  private readonly pool: Piscina;
  private readonly active = new Map<string, ActiveRun>();
  readonly threads: number;

  constructor(opts: { threads?: number } = {}) {
    this.threads = Math.max(1, opts.threads ?? availableParallelism());
    this.pool = new Piscina({
      filename: shardWorkerFile(),
      minThreads: this.threads, // keep the pool full: piscina does not replace a terminated worker (cancel, crash) below minThreads, which stranded other runs' queued shards
      maxThreads: this.threads,
      idleTimeout: 30_000,
      maxQueue: 'auto',
    });
    // piscina emits 'error' for a result whose task is gone: a shard cancelled in the instant its
    // worker picked it up still posts what it did. Unlistened, that event would throw in the
    // main process; the run has already ended as cancelled, so there is nothing to do.
    this.pool.on('error', (err: unknown) => {
      if (!String((err as Error)?.message).startsWith('Unexpected message from Worker')) console.error('timer-lab: worker pool:', err);
    });
    // Terminating a worker thread that is still starting up can abort the whole process on
    // Node 20, so close() waits until the pool's first workers are online.
    this.online = Promise.all(this.pool.threads.map((w) => once(w, 'online').catch(() => undefined)));
  }

  private readonly online: Promise<unknown>;

  /** The event window of sample `index` of a run, computed in a worker (null past its end). */
  sampleWindow(config: RunConfig, index: number): Promise<SampleWindow | null> {
    const task: SampleWindowTask = { config, index };
    return this.pool.run(task, { name: 'sampleWindowTask' }) as Promise<SampleWindow | null>;
  }

  /** Runs all shards of `config`; resolves with the merged run or rejects (cancel or failure). */
  async run(key: string, config: RunConfig, opts: SubmitOptions = {}): Promise<MergedRun> {
    if (this.active.has(key)) throw new Error(`run ${key} is already running`);
    const sizes = planShards(config.samples);
    const control = new Int32Array(controlBuffer(sizes.length));
    const startedAt = new Float64Array(startTimesBuffer(sizes.length));
    const entry: ActiveRun = { control, startedAt, aborts: sizes.map(() => new AbortController()), cancelled: false };
    this.active.set(key, entry);
    let started = false;
    const progress = () => {
      let done = 0;
      for (let i = 0; i < sizes.length; i++) done += Atomics.load(control, 1 + i);
      if (!started && done > 0) {
        started = true;
        opts.onStart?.();
      }
      if (!started) return;
      // The run started when its first shard did (measured in the worker, not when seen here).
      let first = Infinity;
      for (let i = 0; i < sizes.length; i++) if (startedAt[i]! > 0 && startedAt[i]! < first) first = startedAt[i]!;
      opts.onProgress?.({ done, total: config.samples, ...progressRate(done, config.samples, first, wallClockMs()) });
    };
    const timer = setInterval(progress, PROGRESS_INTERVAL_MS);
    try {
      const tasks = sizes.map((_, i) => {
        const task: ShardTask = {
          config,
          shardIndex: i,
          trace: opts.trace === true && i === 0,
          traceTimerEvents: opts.traceTimerEvents ?? 2000,
          control: control.buffer as SharedArrayBuffer,
          startedAt: startedAt.buffer as SharedArrayBuffer,
        };
        if (opts.fault?.shard === i) task.fault = opts.fault.kind;
        const shard = this.pool.run(task, { signal: entry.aborts[i]!.signal }) as Promise<ShardResult | null>;
        // A shard dropped by cancel ends with nothing; any other failure fails the run.
        return shard.catch((err: unknown) => {
          if (entry.cancelled && isAbortError(err)) return null;
          throw err;
        });
      });
      const results = await settleAll(tasks, () => {
        for (const a of entry.aborts) a.abort();
      });
      const finished = results.filter((r): r is ShardResult => r !== null);
      if (entry.cancelled) throw new RunCancelledError(partialRun(config, finished));
      progress();
      return mergeShards(config, finished);
    } catch (err) {
      if (entry.cancelled && !(err instanceof RunCancelledError)) throw new RunCancelledError();
      throw err;
    } finally {
      clearInterval(timer);
      this.active.delete(key);
    }
  }

  /** Cancels a queued or running run; returns false if it is unknown (already finished). */
  cancel(key: string): boolean {
    const entry = this.active.get(key);
    if (!entry) return false;
    entry.cancelled = true;
    // Running shards see the flag and return what they have done; queued ones see it as they
    // start and return at once. Nothing is aborted: aborting a task a worker may already have
    // picked up makes piscina terminate that worker, and a terminated worker's replacement, still
    // starting when the pool closes, can abort the whole process on Node 20.
    Atomics.store(entry.control, CONTROL_CANCEL, 1);
    return true;
  }

  get queueSize(): number {
    return this.pool.queueSize;
  }

  async close(): Promise<void> {
    for (const key of [...this.active.keys()]) this.cancel(key);
    await Promise.race([this.online, delay(3000, undefined, { ref: false })]);
    await this.pool.destroy();
  }
}

/** The finished samples of a cancelled run, merged, or null when there are none. */
function partialRun(config: RunConfig, shards: readonly ShardResult[]): MergedRun | null {
  const withSamples = shards.filter((s) => s.samples.length > 0);
  if (withSamples.length === 0) return null;
  const merged = mergeShards(config, withSamples);
  merged.summary.stoppedBy = 'cancelled';
  return merged;
}

/** Like Promise.all, but on the first rejection calls `onFail` (to abort the rest) first. */
async function settleAll<T>(tasks: Array<Promise<T>>, onFail: () => void): Promise<T[]> {
  let failed = false;
  const guarded = tasks.map((t) =>
    t.catch((err: unknown) => {
      if (!failed) {
        failed = true;
        onFail();
      }
      throw err;
    }),
  );
  const settled = await Promise.allSettled(guarded);
  const firstError = settled.find((s) => s.status === 'rejected');
  if (firstError && firstError.status === 'rejected') {
    // Prefer the root cause over the AbortErrors of the shards we aborted.
    const root = settled.find(
      (s) => s.status === 'rejected' && !(s.reason instanceof Error && s.reason.name === 'AbortError'),
    );
    throw (root as PromiseRejectedResult | undefined)?.reason ?? firstError.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
