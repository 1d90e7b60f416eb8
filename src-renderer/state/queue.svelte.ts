// Runs in flight, fed by run:progress / run:finished pushes. Several at once.
import type { LabApi, RunFinished, RunProgress } from '../../src-shared/contract.js';
import { errorInfo } from '../lib/transport.js';

export interface QueueEntry extends RunProgress {
  name: string;
}

/** How long a finished run stays visible in the queue panel. */
export const FINISHED_LINGER_MS = 2500;

/** True while a run still occupies the queue (not in its final moment on screen). */
export function isActive(e: { status: string }): boolean {
  return e.status === 'queued' || e.status === 'running';
}

export class QueueStore {
  /** Keyed by run id; replaced (not mutated) so the panel re-renders cheaply. */
  entries = $state.raw<QueueEntry[]>([]);
  lastFinished = $state.raw<RunFinished | null>(null);
  error = $state<string | null>(null);
  #api: LabApi;
  /** Display names by run id (plain data: not rendered directly). */
  #names: Record<number, string> = {};
  #pending: RunProgress[] = [];
  #frame = 0;
  /** Runs already reported finished: a late seed (the submit answer can arrive after a short
   * run's run:finished push) or a stale progress push must not bring them back as "queued". */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  #finished = new Set<number>();

  constructor(api: LabApi) {
    this.#api = api;
  }

  /** Remembers display names for runs we submitted or saw in the history. */
  nameRun(id: number, name: string): void {
    this.#names[id] = name;
    if (this.entries.some((e) => e.runId === id)) this.entries = this.entries.map((e) => (e.runId === id ? { ...e, name } : e));
  }

  /** Seeds the queue from the history (runs already queued/running when the window opened). */
  seed(items: Array<{ id: number; name: string; status: string; samples: number; experimentId: number | null }>): void {
    for (const it of items) {
      this.#names[it.id] = it.name;
      if (this.#finished.has(it.id)) continue;
      if ((it.status === 'queued' || it.status === 'running') && !this.entries.some((e) => e.runId === it.id)) {
        this.entries = [
          ...this.entries,
          { runId: it.id, experimentId: it.experimentId, status: it.status, done: 0, total: it.samples, samplesPerSec: 0, etaSec: null, name: it.name },
        ];
      }
    }
  }

  /**
   * Progress pushes can arrive hundreds of times a second across runs: batch them per animation
   * frame so the UI stays responsive.
   */
  onProgress(p: RunProgress): void {
    this.#pending.push(p);
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const batch = this.#pending;
      this.#pending = [];
      let next = [...this.entries];
      for (const q of batch) {
        if (this.#finished.has(q.runId)) continue;
        next = next.filter((e) => e.runId !== q.runId || (q.status === 'queued' || q.status === 'running'));
        if (q.status !== 'queued' && q.status !== 'running') continue;
        const entry = { ...q, name: this.#names[q.runId] ?? `run ${q.runId}` };
        const at = next.findIndex((e) => e.runId === q.runId);
        if (at >= 0) next[at] = entry;
        else next.push(entry);
      }
      this.entries = next;
    });
  }

  /**
   * A finished run stays in the panel for a moment with its final state (a full bar when done),
   * so the end of a short run is seen, then leaves.
   */
  onFinished(f: RunFinished): void {
    this.#finished.add(f.runId);
    this.#pending = this.#pending.filter((p) => p.runId !== f.runId);
    this.entries = this.entries.map((e) =>
      e.runId === f.runId ? { ...e, status: f.status, done: f.status === 'done' ? e.total : e.done, etaSec: 0 } : e,
    );
    this.lastFinished = f;
    setTimeout(() => {
      this.entries = this.entries.filter((e) => e.runId !== f.runId);
    }, FINISHED_LINGER_MS);
  }

  async cancel(id: number): Promise<void> {
    try {
      await this.#api.call('runs:cancel', { id });
      this.error = null;
    } catch (err) {
      this.error = errorInfo(err).message;
    }
  }
}
