/**
 * Following submitted runs the way the app does: through the `run:progress` and `run:finished`
 * pushes, with a progress line on stderr for long runs, and Ctrl-C — or SIGTERM (kill, timeout)
 * or SIGHUP (the terminal closed) — cancelling them through `runs:cancel`, so what they finished
 * is stored as cancelled. A second signal ends the process at once. Must not import the engine.
 */
import type { PushPayloads, RunDetail, RunStatus } from '../../src-shared/contract.js';
import type { CliContext } from './context.js';
import { progressLine } from './output.js';
import { STOP_SIGNALS, stopSignalExitCode, stopSignalLabel, type StopSignal } from '../api/stop-signals.js';


/** Subscribe before submitting, so no push is missed; then `wait(ids)`. */
export class RunWatcher {
  /** The signal that cancelled the runs, if one did. */
  private cancelledBy: StopSignal | null = null;
  private readonly finished = new Map<number, RunStatus>();
  private readonly progress = new Map<number, { done: number; total: number; rate: number }>();
  private readonly waiters: Array<() => void> = [];
  private bar: ReturnType<typeof progressLine> | null = null;
  private ids: readonly number[] = [];
  private readonly off: () => void;

  constructor(private readonly ctx: CliContext) {
    this.off = ctx.api.subscribe((channel, payload) => {
      if (channel === 'run:finished') this.onFinished(payload as PushPayloads['run:finished']);
      else if (channel === 'run:progress') this.onProgress(payload as PushPayloads['run:progress']);
    });
  }

  private onFinished(p: PushPayloads['run:finished']): void {
    this.finished.set(p.runId, p.status);
    for (const w of this.waiters.splice(0)) w();
  }

  private onProgress(p: PushPayloads['run:progress']): void {
    // the final "done" push carries no rate: keep the last measured one
    const rate = p.samplesPerSec > 0 ? p.samplesPerSec : (this.progress.get(p.runId)?.rate ?? 0);
    this.progress.set(p.runId, { done: p.done, total: p.total, rate });
    if (!this.bar || !this.ids.includes(p.runId)) return;
    let done = 0;
    let total = 0;
    let r = 0;
    for (const id of this.ids) {
      const v = this.progress.get(id);
      if (!v) continue;
      done += v.done;
      total += v.total;
      r += v.rate;
    }
    this.bar.update(done, total, r, r > 0 ? (total - done) / r : null);
  }

  /** Waits until every run in `ids` has finished, then returns their details. */
  async wait(ids: readonly number[], label: string): Promise<RunDetail[]> {
    this.ids = ids;
    this.bar = progressLine(label);
    const stopListening = () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    };
    const onSignal = (signal: StopSignal) => {
      // the next signal of any kind gets the default action: the process ends at once
      stopListening();
      this.cancelledBy = signal;
      try {
        this.bar?.end();
        process.stderr.write(`\ntimer-lab: cancelling (${stopSignalLabel(signal)})…\n`);
      } catch {
        // no terminal any more (SIGHUP): cancel all the same
      }
      for (const id of ids) void this.ctx.call('runs:cancel', { id }).catch(() => undefined);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    try {
      while (!ids.every((id) => this.finished.has(id))) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      stopListening();
      this.bar.end();
      this.off();
    }
    return Promise.all(ids.map((id) => this.ctx.call('runs:get', { id })));
  }

  /** The exit code of cancelled runs: 128 + the number of the signal that cancelled them (Ctrl-C's 130 otherwise). */
  get cancelledExitCode(): number {
    return stopSignalExitCode(this.cancelledBy ?? 'SIGINT');
  }

  /** Progress of an unsaved run (pushed with runId 0) on the progress line. */
  followUnsaved(label: string): { end(): void } {
    this.ids = [0];
    this.bar = progressLine(label);
    return {
      end: () => {
        this.bar?.end();
        this.off();
      },
    };
  }
}
