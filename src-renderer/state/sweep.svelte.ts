/**
 * Sweeps: the form (kept for the window's life, so going elsewhere and back keeps what was typed)
 * and one sweep's runs, loaded by experiment id, followed until every run has finished, then
 * turned into the table and chart. The host (kernel, APICv, mitigations) has its own fields, as in
 * New experiment, unless the sweep varies it; strategies the host refuses cannot be ticked. The
 * pure parts live in lib/sweep.ts and lib/host-setup.ts.
 */
import type { LabApi, RunDetail, RunListItem } from '../../src-shared/contract.js';
import { defaultRunParams, parseIntInRange, validateSamples, validateSeed } from '../../src-shared/config.js';
import type { Profile } from '../../src-shared/profile.js';
import { STRATEGIES, strategyChoice, type Strategy } from '../../src-shared/strategies.js';
import type { Workload } from '../../src-shared/workloads.js';
import {
  MAX_REPEATS,
  detectSweepParams,
  parseFixedSettings,
  parseSweepValues,
  runCountError,
  sortValues,
  suggestValues,
  sweepCells,
  sweepEffectWarnings,
  sweepExperimentName,
  sweepParamByName,
  sweepParams,
  sweepRows,
  sweepRuns,
  sweepValueOf,
  type SweepCell,
  type SweepParam,
  type SweepRow,
  type SweepValue,
  valueText,
} from '../lib/sweep.js';
import { defaultHostFields, defaultStrategyTicks, hostDefaults, hostErrors, hostFieldsOf, hostSet, isHostParam, strategyStates, strategyTickErrors, ticksAfterHostChange, type HostFields } from '../lib/host-setup.js';
import { errorInfo } from '../lib/transport.js';

export const SWEEP_DEFAULT_SAMPLES = 5000;

function messageOf(err: unknown): string {
  return errorInfo(err).message.replace(/^[^:]+: /, '');
}

export class SweepForm {
  workload = $state<Workload>('tscdeadline-busy');
  param = $state('delta');
  values = $state(suggestValues(sweepParamByName('delta') as SweepParam).map(valueText).join(', '));
  /** The second parameter of a two-parameter sweep ('' for none). */
  param2 = $state('');
  values2 = $state('');
  strategies = $state<Record<Strategy, boolean>>(defaultStrategyTicks(null));
  /** Strategies unticked because the host refuses them, in words. */
  strategyNotes = $state<string[]>([]);
  /** Whether the ticks were chosen (by the user or a reopened sweep): until then they follow the host's defaults. */
  ticksChosen = false;
  profile = $state('HSW-2016');
  /** Kernel, APICv and mitigations of every run (a swept one is taken from the values instead). */
  host = $state<HostFields>(defaultHostFields());
  samples = $state(String(SWEEP_DEFAULT_SAMPLES));
  seed = $state('1');
  /** Seeds per point: with 2 or more the chart draws the 95 % band across runs. */
  repeat = $state('1');
  /** Settings every run gets, e.g. "hostNoise=on, guestIdle=poll". */
  fixed = $state('');
  /** The profile the fixed settings are checked against (costs, X, tsc_khz). */
  profileDoc = $state.raw<Profile | null>(null);
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
  paramSpec2 = $derived<SweepParam | null>(this.param2 === '' ? null : (this.params.find((p) => p.name === this.param2) ?? null));
  parsed = $derived(parseSweepValues(this.values, this.paramSpec));
  parsed2 = $derived(this.paramSpec2 ? parseSweepValues(this.values2, this.paramSpec2) : { values: [], errors: [] });
  fixedParsed = $derived(parseFixedSettings(this.fixed, this.profileDoc));
  chosen = $derived(STRATEGIES.filter((s) => this.strategies[s]));
  /** The host parameters this sweep varies: their fields are left out. */
  sweptHost = $derived([this.paramSpec.name, this.paramSpec2?.name ?? ''].filter(isHostParam));
  hostInfo = $derived(hostDefaults(this.profileDoc, this.sweptHost.includes('kernel') ? '' : this.host.kernel));
  hostLabel = $derived(this.sweptHost.includes('kernel') ? `${this.profile} on the swept kernels` : `${this.profile} ${this.hostInfo.kernel}`);

  /** The host fields as `set` entries, the swept ones left out; throws ConfigError for a bad kernel. */
  hostSettings(): Record<string, string | boolean> {
    const set = hostSet(this.host);
    for (const k of this.sweptHost) delete set[k];
    return set;
  }

  /** Each strategy on the host of every run of the sweep (each swept kernel, APICv or mitigations value). */
  strategyStates = $derived.by(() => {
    let base: Record<string, unknown>;
    try {
      base = { ...this.fixedParsed.set, ...this.hostSettings() };
    } catch {
      return null;
    }
    let sets: Array<Record<string, unknown>> = [base];
    const axes = [
      { name: this.paramSpec.name, values: this.parsed.values },
      ...(this.paramSpec2 ? [{ name: this.paramSpec2.name, values: this.parsed2.values }] : []),
    ].filter((a) => isHostParam(a.name) && a.values.length > 0);
    for (const a of axes) sets = sets.flatMap((s) => a.values.map((v) => ({ ...s, [a.name]: v })));
    return strategyStates(this.profileDoc, sets);
  });

  /** After the profile, a host field or a swept host value changed: untick what the host refuses (or take its default ticks). */
  hostChanged(): void {
    if (!this.ticksChosen) {
      this.strategies = defaultStrategyTicks(this.strategyStates);
      return;
    }
    const after = ticksAfterHostChange(this.strategies, this.strategyNotes, this.strategyStates, this.hostLabel);
    if (after) {
      this.strategies = after.ticks;
      this.strategyNotes = after.notes;
    }
  }
  repeatCount = $derived(Number(this.repeat.replace(/_/g, '')) || 1);
  runCount = $derived(this.parsed.values.length * Math.max(1, this.parsed2.values.length) * this.chosen.length * this.repeatCount);
  /** Said before the sweep runs: swept parameters with no effect here. */
  warnings = $derived(
    sweepEffectWarnings(
      this.workload,
      [this.paramSpec.name, ...(this.paramSpec2 ? [this.paramSpec2.name] : [])],
      this.chosen,
      this.fixedParsed.set,
    ),
  );

  errors = $derived.by(() => {
    const out: Record<string, string> = {};
    if (this.parsed.errors.length > 0) out.values = this.parsed.errors.join('; ');
    if (this.paramSpec2) {
      if (this.paramSpec2.name === this.paramSpec.name) out.values2 = 'choose a second parameter other than the first';
      else if (this.parsed2.errors.length > 0) out.values2 = this.parsed2.errors.join('; ');
    }
    if (this.fixedParsed.errors.length > 0) out.fixed = this.fixedParsed.errors.join('; ');
    const swept = [this.paramSpec.name, this.paramSpec2?.name];
    const clash = Object.keys(this.fixedParsed.set).find((k) => swept.includes(k));
    if (clash) out.fixed = `${clash} is swept: it cannot also be fixed`;
    const hostClash = Object.keys(this.fixedParsed.set).find(isHostParam);
    if (!clash && hostClash) out.fixed = `${hostClash} has its own field under Host`;
    if (!this.sweptHost.includes('kernel')) Object.assign(out, hostErrors(this.host));
    Object.assign(out, strategyTickErrors(this.strategies, this.strategyStates, this.hostLabel));
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
    try {
      parseIntInRange('repeat', this.repeat.replace(/_/g, ''), 1, MAX_REPEATS);
    } catch (err) {
      out.repeat = messageOf(err);
    }
    if (!out.values && !out.values2 && !out.repeat) {
      const tooMany = runCountError(this.parsed.values.length, this.chosen.length, this.repeatCount, Math.max(1, this.parsed2.values.length));
      if (tooMany) out.values = tooMany;
    }
    return out;
  });

  valid = $derived(Object.keys(this.errors).length === 0);

  setWorkload(w: Workload): void {
    this.workload = w;
    if (!this.params.some((p) => p.name === this.param)) this.setParam((this.params[0] as SweepParam).name);
    if (this.param2 !== '' && !this.params.some((p) => p.name === this.param2)) this.setParam2('');
  }

  setParam(name: string): void {
    this.param = name;
    if (!this.valuesEdited) this.values = suggestValues(this.paramSpec).map(valueText).join(', ');
  }

  setParam2(name: string): void {
    this.param2 = name;
    this.values2 = this.paramSpec2 ? suggestValues(this.paramSpec2).map(valueText).join(', ') : '';
  }

  async loadProfile(): Promise<void> {
    try {
      this.profileDoc = await this.#api.call('profiles:get', { name: this.profile });
    } catch {
      this.profileDoc = null;
    }
    this.hostChanged();
  }

  /** Fills the form from a stored sweep (reopened from History). */
  prefill(runs: readonly RunDetail[], params: readonly string[]): void {
    const first = runs.find((r) => r.config) ?? runs[0];
    if (!first) return;
    this.workload = (first.config?.workload ?? first.workload) as Workload;
    const valuesOf = (name: string) => {
      const p = sweepParamByName(name);
      const vals = runs.map((r) => sweepValueOf(r, name)).filter((v, i, all): v is SweepValue => v !== null && all.indexOf(v) === i);
      return p ? sortValues(p, vals) : vals;
    };
    if (params[0]) {
      this.param = params[0];
      this.values = valuesOf(params[0]).map(valueText).join(', ');
      this.valuesEdited = true;
    }
    this.param2 = params[1] ?? '';
    this.values2 = params[1] ? valuesOf(params[1]).map(valueText).join(', ') : '';
    this.strategies = strategyChoice(runs.map((r) => r.strategy));
    this.ticksChosen = true;
    this.strategyNotes = [];
    this.profile = first.config?.profile.name ?? first.profile;
    this.samples = String(first.config?.samples ?? first.samples);
    const seeds = runs.map((r) => r.config?.seed ?? r.seed ?? 1);
    this.seed = String(Math.min(...seeds));
    this.repeat = String(seeds.filter((v, i, all) => all.indexOf(v) === i).length);
    // Settings every run shares that differ from the defaults, other than the swept ones.
    const defaults = defaultRunParams() as unknown as Record<string, unknown>;
    const cfgParams = (first.config?.params ?? {}) as unknown as Record<string, unknown>;
    this.host = first.config ? hostFieldsOf(first.config.params, first.config.profile, params) : defaultHostFields();
    this.fixed = Object.keys(cfgParams)
      .filter((k) => !params.includes(k) && !isHostParam(k) && cfgParams[k] !== defaults[k] && runs.every((r) => (r.config?.params as unknown as Record<string, unknown> | undefined)?.[k] === cfgParams[k]))
      .map((k) => `${k}=${valueText(cfgParams[k] as SweepValue)}`)
      .join(', ');
  }

  /** Sends the sweep as one experiment; returns its id and runs, or null when refused. */
  async submit(): Promise<{ experimentId: number; runIds: number[]; names: string[]; samples: number } | null> {
    if (!this.valid || this.submitting) return null;
    this.submitting = true;
    this.submitError = null;
    try {
      const samples = validateSamples(this.samples.replace(/_/g, ''));
      const seed = validateSeed(this.seed.replace(/_/g, ''));
      const axes = [{ name: this.paramSpec.name, values: this.parsed.values }, ...(this.paramSpec2 ? [{ name: this.paramSpec2.name, values: this.parsed2.values }] : [])];
      const name = sweepExperimentName(axes.map((a) => a.name), this.workload);
      const fixed = { ...this.fixedParsed.set, ...this.hostSettings() };
      const runs = sweepRuns({ workload: this.workload, axes, strategies: this.chosen, profile: this.profile, samples, seed, repeat: this.repeatCount, fixed });
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
  /** The swept parameters (one, or two for a heat map); empty until known. */
  params = $state<string[]>([]);
  error = $state<string | null>(null);
  loaded = $state(false);
  #api: LabApi;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #inflight = false;
  #again = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered
  #cache = new Map<number, { run: RunDetail; settled: boolean; status: string }>();

  constructor(api: LabApi, experimentId: number) {
    this.#api = api;
    this.experimentId = experimentId;
  }

  done = $derived(this.list.filter((r) => r.status === 'done').length);
  finished = $derived(this.loaded && this.list.length > 0 && this.list.every((r) => TERMINAL.has(r.status)));
  param = $derived(this.params[0] ?? null);
  paramSpec = $derived(this.param ? sweepParamByName(this.param) : null);
  paramSpec2 = $derived(this.params[1] ? sweepParamByName(this.params[1]) : null);
  rows = $derived<SweepRow[]>(this.params.length > 0 ? sweepRows(this.details, this.params) : []);
  cells = $derived<SweepCell[]>(sweepCells(this.rows));
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
      // A finished run is fetched once while the others run (its summary no longer changes; the
      // chart takes the spread across a point's repeats from its latest-fetched repeat) and once
      // more when all have finished, so every run ends with the spread across all its repeats.
      const settled = list.every((r) => TERMINAL.has(r.status));
      const details = await Promise.all(
        list.map(async (r) => {
          const cached = this.#cache.get(r.id);
          if (cached && cached.status === r.status && TERMINAL.has(cached.status) && (cached.settled || !settled)) return cached.run;
          const d = await this.#api.call('runs:get', { id: r.id });
          this.#cache.set(r.id, { run: d, settled, status: d.status });
          return d;
        }),
      );
      if (this.#stopped) return;
      this.list = list;
      this.details = details;
      if (list.length === 0) this.error = `Experiment ${this.experimentId} has no runs (deleted?)`;
      else this.error = null;
      if (this.params.length === 0) this.params = detectSweepParams(details.map((d, i) => ({ ...d, experimentName: list[i]?.experimentName ?? d.experimentName })));
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
