/**
 * Messages between the runner (main thread) and its worker threads. A task is one shard of one
 * run; progress and cancellation travel through a SharedArrayBuffer per run (one progress slot per
 * shard, one cancel flag), so the hot loop never posts messages. Must not import electron or the
 * store.
 */
import type { RunConfig } from '../../src-shared/config.js';

export interface ShardTask {
  config: RunConfig;
  shardIndex: number;
  trace: boolean;
  traceTimerEvents: number;
  /** Int32Array view: [0] = cancel flag, [1 + shard] = samples done in that shard. */
  control: SharedArrayBuffer;
  /** Float64Array view: [shard] = wall-clock ms (epoch) when that shard started, 0 before. */
  startedAt: SharedArrayBuffer;
  /** Fault injection for the runner's own tests: make this shard throw or kill its worker. */
  fault?: 'throw' | 'exit';
}

/** The events of one sample of a run (src-main/engine sampleWindow). */
export interface SampleWindowTask {
  config: RunConfig;
  index: number;
}

export const CONTROL_CANCEL = 0;

export function controlBuffer(shards: number): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (1 + shards));
}

export function startTimesBuffer(shards: number): SharedArrayBuffer {
  return new SharedArrayBuffer(8 * shards);
}

/** Wall-clock milliseconds since the epoch, comparable between threads. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
