/**
 * Sweeps: the form (kept for the window's life, so going elsewhere and back keeps what was typed)
 * and one sweep's runs, loaded by experiment id, followed until every run has finished, then
 * turned into the table and chart. The pure parts live in lib/sweep.ts.
 */
import type { LabApi, RunDetail, RunListItem } from '../../src-shared/contract.js';
import { validateSamples, validateSeed } from '../../src-shared/config.js';
import { STRATEGIES, strategyChoice, type Strategy } from '../../src-shared/strategies.js';
import type { Workload } from '../../src-shared/workloads.js';
import {
  detectSweepParam,
  parseSweepValues,
  runCountError,
  suggestValues,
  sweepExperimentName,
  sweepParamByName,
  sweepParams,
  sweepRows,
  sweepRuns,
  sweepValueOf,
  type SweepParam,
  type SweepRow,
} from '../lib/sweep.js';
import { errorInfo } from '../lib/transport.js';

export const SWEEP_DEFAULT_SAMPLES = 5000;

function messageOf(err: unknown): string {
  return errorInfo(err).message.replace(/^[^:]+: /, '');
}

export class SweepForm {
  workload = $state<Workload>('tscdeadline-busy');
  param = $state('delta');
  values = $state(suggestValues(sweepParamByName('delta') as SweepParam).join(', '));
  strategies = $state<Record<Strategy, boolean>>(strategyChoice(STRATEGIES));
  profile = $state('HSW-2016');
  samples = $state(String(SWEEP_DEFAULT_SAMPLES));
  seed = $state('1');
  submitting = $state(false);
  submitError = $state<string | null>(null);
  /** The sweep whose settings the form shows (not re-filled when reopened). */
  shownExperiment: number | null = null;
  /** Whether the user typed values (then a parameter change keeps them). */
  valuesEdited = $state(false);
  #api: LabApi;

  constructor(api: LabApi) {
    this.#api = api;
  }

  params = $derived(sweepParams(this.workload));
  paramSpec = $derived<SweepParam>(this.params.find((p) => p.name === this.param) ?? (this.params[0] as SweepParam));
  parsed = $derived(parseSweepValues(this.values, this.paramSpec));
  chosen = $derived(STRATEGIES.filter((s) => this.strategies[s]));
  runCount = $derived(this.parsed.values.length * this.chosen.length);

  errors = $derived.by(() => {
    const out: Record<string, string> = {};
    if (this.parsed.errors.length > 0) out.values = this.parsed.errors.join('; ');
    else {
      const tooMany = runCountError(this.parsed.values.length, this.chosen.length);
      if (tooMany) out.values = tooMany;
    }
    if (this.chosen.length === 0) out.strategies = 'pick at least one strategy';
    try {
      validateSamples(this.samples.replace(/_/g, ''));
    } catch (err) {
      out.samples = messageOf(err);
    }
    try {
      validateSeed(this.seed.replace(/_/g, ''));
    } catch (err) {
      out.seed = messageOf(err);
    }
    return out;
  });

  valid = $derived(Object.keys(this.errors).length === 0);

  setWorkload(w: Workload): void {
    this.workload = w;
    if (!this.params.some((p) => p.name === this.param)) this.setParam((this.params[0] as SweepParam).name);
  }

  setParam(name: string): void {
    this.param = name;
    if (!this.valuesEdited) this.values = suggestValues(this.paramSpec).join(', ');
  }

  /** Fills the form from a stored sweep (reopened from History). */
  prefill(runs: readonly RunDetail[], param: string): void {
    const first = runs.find((r) => r.config) ?? runs[0];
    if (!first) return;
    this.workload = (first.config?.workload ?? first.workload) as Workload;
    this.param = param;
    const vals = runs
      .map((r) => sweepValueOf(r, param))
      .filter((v, i, all): v is number => v !== null && all.indexOf(v) === i)
      .sort((a, b) => a - b);
    if (vals.length > 0) {
      this.values = vals.join(', ');
      this.valuesEdited = true;
    }
    const strategies = runs.map((r) => r.strategy);
    this.strategies = strategyChoice(strategies);
    this.profile = first.config?.profile.name ?? first.profile;
    this.samples = String(first.config?.samples ?? first.samples);
    this.seed = String(first.config?.seed ?? first.seed ?? 1);
  }

  /** Sends the sweep as one experiment; returns its id and runs, or null when refused. */
  async submit(): Promise<{ experimentId: number; runIds: number[]; names: string[]; samples: number } | null> {
    if (!this.valid || this.submitting) return null;
    this.submitting = true;
    this.submitError = null;
    try {
      const samples = validateSamples(this.samples.replace(/_/g, ''));
      const seed = validateSeed(this.seed.replace(/_/g, ''));
      const name = sweepExperimentName(this.param, this.workload);
      const runs = sweepRuns({ workload: this.workload, param: this.param, values: this.parsed.values, strategies: this.chosen, profile: this.profile, samples, seed });
      const res = await this.#api.call('experiments:submit', { name, runs });
      return { ...res, names: res.runNames, samples };
    } catch (err) {
      const info = errorInfo(err);
      this.submitError = `The lab refused the sweep: ${info.message}${info.field ? ` (${info.field})` : ''}`;
      return null;
    } finally {
      this.submitting = false;
    }
  }
}

const TERMINAL = new Set(['done', 'failed', 'cancelled', 'interrupted']);

/** One stored sweep: its runs (followed while any is in flight), rows and swept parameter. */
export class SweepResult {
  readonly experimentId: number;
  list = $state.raw<RunListItem[]>([]);
  details = $state.raw<RunDetail[]>([]);
  param = $state<string | null>(null);
  error = $state<string | null>(null);
  loaded = $state(false);
  #api: LabApi;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #inflight = false;
  #again = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  #cache = new Map<number, RunDetail>();

  constructor(api: LabApi, experimentId: number) {
    this.#api = api;
    this.experimentId = experimentId;
  }

  done = $derived(this.list.filter((r) => r.status === 'done').length);
  finished = $derived(this.loaded && this.list.length > 0 && this.list.every((r) => TERMINAL.has(r.status)));
  paramSpec = $derived(this.param ? sweepParamByName(this.param) : null);
  rows = $derived<SweepRow[]>(this.param ? sweepRows(this.details, this.param) : []);
  unit = $derived<'cycles' | 'ns'>(this.rows.find((r) => r.mean !== null)?.unit ?? 'cycles');

  /** Loads the runs; reloads every `pollMs` until all have finished. */
  async load(pollMs = 400): Promise<void> {
    if (this.#stopped) return;
    if (this.#inflight) {
      this.#again = true;
      return;
    }
    this.#inflight = true;
    try {
      await this.#fetch();
    } finally {
      this.#inflight = false;
    }
    if (this.#stopped || this.error !== null) return;
    if (this.#again) {
      this.#again = false;
      void this.load(pollMs);
    } else if (!this.finished && this.list.length > 0) {
      this.#timer = setTimeout(() => void this.load(pollMs), pollMs);
    }
  }

  async #fetch(): Promise<void> {
    try {
      const list = await this.#api.call('runs:list', { experimentId: this.experimentId, limit: 100 });
      if (this.#stopped) return;
      // Fetch each run once it has finished (its summary no longer changes), others every time.
      const details = await Promise.all(
        list.map(async (r) => {
          const cached = this.#cache.get(r.id);
          if (cached && TERMINAL.has(cached.status)) return cached;
          const d = await this.#api.call('runs:get', { id: r.id });
          this.#cache.set(r.id, d);
          return d;
        }),
      );
      if (this.#stopped) return;
      this.list = list;
      this.details = details;
      if (list.length === 0) this.error = `Experiment ${this.experimentId} has no runs (deleted?)`;
      else this.error = null;
      if (!this.param) this.param = detectSweepParam(details);
      this.loaded = true;
    } catch (err) {
      this.error = errorInfo(err).message;
      this.loaded = true;
    }
  }

  /** A run finished (push): look again at once rather than at the next poll. */
  poke(): void {
    if (this.#stopped || this.finished) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    void this.load();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
