/**
 * The per-vCPU event stream of a host trace as an async iterable, for modules that consume it
 * (calibration, detection): lines → tokenizer → sequencer → segments, one at a time, in bounded
 * memory (nothing is kept but each thread's open pairs). The line splitting and its length cap
 * are the caller's (splitLines). Must not import node:*, electron or better-sqlite3.
 */
import { TraceTokenizer, type TraceResolution } from './trace-tokenizer.js';
import { VcpuSequencer, type VcpuSegment } from './vcpu-sequencer.js';

export interface VcpuStreamResult {
  /** Filled when the stream ends. */
  resolution: TraceResolution | null;
  unknownLines: number;
  lines: number;
}

/**
 * Yields every segment of `lines` (with 1-based line numbers counted here). `result` is filled in
 * as the stream goes; its resolution once it ends.
 */
export async function* readVcpuSegments(lines: AsyncIterable<string>, result: VcpuStreamResult = { resolution: null, unknownLines: 0, lines: 0 }): AsyncGenerator<VcpuSegment> {
  const tokenizer = new TraceTokenizer();
  const queue: VcpuSegment[] = [];
  const sequencer = new VcpuSequencer((s) => queue.push(s));
  for await (const raw of lines) {
    result.lines++;
    const item = tokenizer.push(raw.endsWith('\r') ? raw.slice(0, -1) : raw, result.lines);
    if (item.kind === 'unknown') result.unknownLines++;
    else sequencer.push(item);
    for (const s of queue.splice(0)) yield s;
  }
  sequencer.finish();
  result.resolution = tokenizer.resolution();
  for (const s of queue.splice(0)) yield s;
}
