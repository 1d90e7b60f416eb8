/**
 * A run's tail samples and the events behind any one of them: `runs:worst` lists the largest
 * samples from the stored data, `runs:sampleTrace` simulates the sample's shard again up to it (the
 * engine is deterministic, so these are the stored sample's events) in a worker. Large runs keep
 * only their first timer events as a trace; this opens the trace of a tail sample on demand.
 */
import type { CallResults } from '../../src-shared/contract.js';
import { ENGINE_VERSION } from '../engine/index.js';
import type { Runner } from '../runner/index.js';
import type { RunStore } from '../store/index.js';
import { ApiError } from './errors.js';

/** The `n` largest samples, largest first; equal values keep their order in the run. */
export function worstSamples(store: RunStore, id: number, n: number): CallResults['runs:worst'] {
  const samples = store.getSamples(id);
  if (!samples) throw new ApiError('not-found', noSamplesReason(store, id), 'id');
  const top: Array<{ index: number; value: number }> = [];
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (top.length === n && v <= top[n - 1]!.value) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.value < v) at--;
    top.splice(at, 0, { index: i, value: v });
    if (top.length > n) top.pop();
  }
  return top;
}

/** Why a run has no samples to list, in its own terms: not finished, values kept as a histogram, or a summary only. */
function noSamplesReason(store: RunStore, id: number): string {
  const run = store.get(id);
  if (!run.summary) return `run ${id} is ${run.status}: it has no samples`;
  if (store.getHistogram(id)) {
    const unit = run.summary.latency.unit;
    return `run ${id} keeps its values as a histogram, without their order, so no sample can be named; its largest value is ${run.summary.latency.max} ${unit} (see its histogram)`;
  }
  return `run ${id} has no stored samples: its file gives a summary only`;
}

export async function sampleTrace(store: RunStore, runner: Runner, id: number, index: number): Promise<CallResults['runs:sampleTrace']> {
  const run = store.get(id);
  if (run.kind !== 'simulated' || !run.config) throw new ApiError('conflict', `run ${id} is a measurement: only simulated runs can show the events of one sample`, 'id');
  if (!run.summary) throw new ApiError('conflict', `run ${id} is ${run.status}: it has no samples yet`, 'id');
  if (run.summary.engineVersion !== ENGINE_VERSION) {
    throw new ApiError('conflict', `run ${id} was simulated by engine ${run.summary.engineVersion}, this is ${ENGINE_VERSION}: its samples cannot be replayed; run it again`, 'id');
  }
  if (run.summary.stoppedBy === 'cancelled') {
    // its shards stopped part-way and were stored back to back: an index no longer names its shard
    throw new ApiError('conflict', `run ${id} was cancelled: its samples are the shards' unfinished parts, so one cannot be replayed; run it again`, 'id');
  }
  if (index >= run.summary.samples) throw new ApiError('bad-input', `run ${id} has ${run.summary.samples} samples (0–${run.summary.samples - 1})`, 'index');
  const w = await runner.sampleWindow(run.config, index);
  const stored = store.getSamples(id)?.[index];
  if (!w || (stored !== undefined && w.value !== stored)) {
    throw new ApiError('conflict', `sample ${index} of run ${id} could not be reproduced (stored ${stored}, replayed ${w?.value ?? 'nothing'})`, 'index');
  }
  return { index, value: w.value, deadline: w.deadline, events: w.events };
}
