/**
 * Worker-thread entry (a piscina task): simulate one shard, reporting its start time and progress
 * into the run's shared buffers and stopping when the run's cancel flag is set (the samples done
 * so far are returned). A shard whose run was cancelled before it started returns null.
 * Must not import electron or the store.
 */
import { sampleWindow, simulateShard, type SampleWindow, type ShardResult } from '../engine/index.js';
import { CONTROL_CANCEL, wallClockMs, type SampleWindowTask, type ShardTask } from './protocol.js';

export default function runShard(task: ShardTask): ShardResult | null {
  if (task.fault === 'throw') throw new Error(`injected fault in shard ${task.shardIndex}`);
  if (task.fault === 'exit') process.exit(3);
  const control = new Int32Array(task.control);
  if (Atomics.load(control, CONTROL_CANCEL) !== 0) return null;
  new Float64Array(task.startedAt)[task.shardIndex] = wallClockMs();
  const slot = 1 + task.shardIndex;
  const result = simulateShard(task.config, task.shardIndex, {
    trace: task.trace,
    traceTimerEvents: task.traceTimerEvents,
    progressEvery: 4096,
    onProgress: (done) => {
      Atomics.store(control, slot, done);
      return Atomics.load(control, CONTROL_CANCEL) === 0;
    },
  });
  Atomics.store(control, slot, result.samples.length);
  return result;
}

/** Named task: the event window of one sample, by simulating its shard again up to it. */
export function sampleWindowTask(task: SampleWindowTask): SampleWindow | null {
  return sampleWindow(task.config, task.index);
}
