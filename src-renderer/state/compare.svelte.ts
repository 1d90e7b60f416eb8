// One comparison: the `compare` call for 2–4 runs, the chosen baseline and noise threshold,
// and the time from the data arriving to the charts' first paint (exposed for the e2e test).
import type { CompareResult, LabApi } from '../../src-shared/contract.js';
import { errorInfo } from '../lib/transport.js';

/** Latency numbers are in `unit` (cycles, or ns when measured runs are mixed in). */
export type CompareData = CompareResult;

export class CompareState {
  ids: number[];
  result = $state.raw<CompareData | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** The baseline shown (the API's choice until the user picks one). */
  baseline = $state<number | undefined>(undefined);
  /** Set only when the user picked a baseline; otherwise the API chooses (hrtimer, lowest id). */
  #chosenBaseline: number | undefined = undefined;
  noiseThresholdPct = $state(1);
  /** performance.now() when the latest data arrived. */
  arrivedAt = 0;
  paintMs = $state<number | null>(null);
  #api: LabApi;
  #seq = 0;

  constructor(api: LabApi, ids: number[]) {
    this.#api = api;
    this.ids = ids;
  }

  unit = $derived(this.result?.unit ?? 'cycles');

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const r = await this.#api.call('compare', {
        ids: this.ids,
        baseline: this.#chosenBaseline,
        noiseThresholdPct: this.noiseThresholdPct,
      });
      if (seq !== this.#seq) return;
      this.arrivedAt = performance.now();
      this.paintMs = null;
      this.result = r;
      this.baseline = r.baseline;
      this.error = null;
    } catch (err) {
      if (seq === this.#seq) this.error = errorInfo(err).message;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  setBaseline(id: number): void {
    if (this.baseline === id) return;
    this.baseline = id;
    this.#chosenBaseline = id;
    void this.load();
  }

  setNoise(pct: number): void {
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) return;
    this.noiseThresholdPct = pct;
    void this.load();
  }

  markPainted(): void {
    if (this.paintMs === null && this.arrivedAt > 0) this.paintMs = Math.round((performance.now() - this.arrivedAt) * 10) / 10;
  }
}
