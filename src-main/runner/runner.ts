/**
 * The experiment runner: a piscina pool of worker threads sized to the cores. A run is split
 * into the engine's fixed shards (seeds derived from run seed and shard index), all shards of all
 * submitted runs share one FIFO queue, and results are merged in shard order — so a run's result
 * does not depend on the number of workers. Progress (samples, samples/s, ETA) is sampled from
 * shared memory five times a second; cancel sets a flag the shards poll and aborts queued ones.
 * A shard that throws or kills its worker fails only its run.
 * Must not import electron or the store.
 */
import { once, setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunConfig } from '../../src-shared/config.js';
import { mergeShards, planShards, type MergedRun, type SampleWindow, type ShardResult } from '../engine/index.js';
import { CONTROL_CANCEL, controlBuffer, type SampleWindowTask, type ShardTask } from './protocol.js';
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
  constructor() {
    super('run cancelled');
    this.name = 'RunCancelledError';
  }
}

interface ActiveRun {
  control: Int32Array;
  abort: AbortController;
  cancelled: boolean;
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
    const entry: ActiveRun = { control, abort: new AbortController(), cancelled: false };
    setMaxListeners(0, entry.abort.signal); // one listener per shard
    this.active.set(key, entry);
    let started = false;
    let startedAt = 0;
    const progress = () => {
      let done = 0;
      for (let i = 0; i < sizes.length; i++) done += Atomics.load(control, 1 + i);
      if (!started && done > 0) {
        started = true;
        startedAt = performance.now();
        opts.onStart?.();
      }
      if (!started) return;
      const secs = (performance.now() - startedAt) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      opts.onProgress?.({
        done,
        total: config.samples,
        samplesPerSec: rate,
        etaSec: rate > 0 ? (config.samples - done) / rate : null,
      });
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
        };
        if (opts.fault?.shard === i) task.fault = opts.fault.kind;
        return this.pool.run(task, { signal: entry.abort.signal }) as Promise<ShardResult>;
      });
      const results = await settleAll(tasks, () => entry.abort.abort());
      if (entry.cancelled) throw new RunCancelledError();
      progress();
      return mergeShards(config, results);
    } catch (err) {
      if (entry.cancelled) throw new RunCancelledError();
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
    Atomics.store(entry.control, CONTROL_CANCEL, 1);
    entry.abort.abort();
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
