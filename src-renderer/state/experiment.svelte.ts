/**
 * The new-experiment form: raw field text, inline validation with the same rules the main process
 * applies (src-shared/config.ts), presets, re-run pre-fill and submission. Only parameters that
 * differ from their defaults (or from the chosen profile) are sent as `set` overrides. The host
 * (kernel, APICv, mitigations) is its own group: what it leaves at "default" is the profile's and
 * the kernel's, and the strategies that host refuses cannot be ticked (lib/host-setup.ts).
 */
import type { LabApi, ProfileInfo, RunDetail } from '../../src-shared/contract.js';
import {
  ConfigError,
  applySetting,
  defaultRunParams,
  parseIntInRange,
  parseParamValue,
  validateSamples,
  validateSeed,
} from '../../src-shared/config.js';
import { MAX_PREEMPTION_X, MAX_TSC_KHZ, MIN_TSC_KHZ, type Profile } from '../../src-shared/profile.js';
import { STRATEGIES, strategyChoice, type Strategy } from '../../src-shared/strategies.js';
import { MAX_REPEATS } from '../../src-shared/experiment-limits.js';
import { DEFAULT_SAMPLES, RUN_PARAMS, WORKLOADS, type ParamSpec, type Workload } from '../../src-shared/workloads.js';
import { defaultHostFields, defaultStrategyTicks, hostDefaults, hostErrors, hostFieldsOf, hostSet, isHostParam, kernelDefaultsOf, strategyStates, strategyTickErrors, ticksAfterHostChange, type HostFields } from '../lib/host-setup.js';
import { errorInfo } from '../lib/transport.js';
import type { KernelDefaults } from '../../src-shared/kernels.js';
import { parseTags } from './history.svelte.js';

export interface Preset {
  id: string;
  title: string;
  description: string;
  /** Shown under the presets while this one is chosen. */
  explanation?: string;
  /** Keeps the chosen workload (the user picks it) and resets every parameter and cost to its default. */
  pickWorkload?: boolean;
  workload?: Workload;
  params?: Record<string, string | boolean>;
  /** The host it asks for; what it leaves out is the default (the profile's kernel and APICv, default mitigations). */
  host?: Partial<HostFields>;
}

export const PRESETS: Preset[] = [
  { id: 'busy', title: 'tscdeadline busy-wait', description: 'tscdeadline_latency with a spinning guest, both strategies', workload: 'tscdeadline-busy' },
  { id: 'halt', title: 'tscdeadline halt', description: 'tscdeadline_latency, guest halts after re-arming, both strategies', workload: 'tscdeadline-halt' },
  { id: 'vmexit', title: 'vmexit tscdeadline', description: 'vmexit.c tscdeadline cycles per iteration, both strategies', workload: 'vmexit-tscdeadline' },
  { id: 'cyc-poll', title: 'cyclictest (idle=poll)', description: 'cyclictest in an idle=poll RT guest, both strategies', workload: 'cyclictest', params: { guestIdle: 'poll' } },
  { id: 'cyc-hlt', title: 'cyclictest (HLT idle)', description: 'cyclictest with the default HLT idle, both strategies', workload: 'cyclictest', params: { guestIdle: 'hlt' } },
  {
    id: 'vs',
    title: 'hrtimer vs preemption timer',
    description: 'the plain pair: your workload, both strategies, nothing changed',
    explanation:
      'Pick the workload below. Every parameter and profile cost stays at its default, so the two runs differ only in how the TSC-deadline timer is emulated: a host hrtimer or the VMX preemption timer.',
    pickWorkload: true,
  },
];

/** Values of fields as typed (text) or ticked (bool). */
type Raw = string | boolean;

interface CostRaw {
  cycles: string;
  jitter: string;
}

const TRACE_MAX_SAMPLES = 50_000;

function rawOf(v: number | string | boolean): Raw {
  return typeof v === 'boolean' ? v : String(v);
}

/** A parameter's field before the user types: empty when the run's kernel decides its default (shown beside it). */
function initialRaw(spec: ParamSpec): Raw {
  return spec.defaultFrom === 'kernel' ? '' : rawOf(spec.default);
}

/** Whether a field is left to the kernel's default (empty). */
function leftToKernel(spec: ParamSpec, raw: Raw | undefined): boolean {
  return spec.defaultFrom === 'kernel' && typeof raw === 'string' && raw.trim() === '';
}

export class ExperimentForm {
  specs = $state.raw<readonly ParamSpec[]>(RUN_PARAMS);
  profiles = $state.raw<ProfileInfo[]>([]);
  profile = $state.raw<Profile | null>(null);
  profileError = $state<string | null>(null);

  preset = $state<string>('halt');
  name = $state('tscdeadline halt');
  notes = $state('');
  tags = $state('');
  workload = $state<Workload>('tscdeadline-halt');
  strategies = $state<Record<Strategy, boolean>>(defaultStrategyTicks(null));
  /** Strategies unticked because the chosen host refuses them, in words (cleared when a box is ticked). */
  strategyNotes = $state<string[]>([]);
  /** Kernel, APICv and mitigations: empty / "default" leaves them to the profile and the kernel. */
  host = $state<HostFields>(defaultHostFields());
  profileName = $state('HSW-2016');
  samples = $state(String(DEFAULT_SAMPLES));
  seed = $state('1');
  /** Seeds each strategy runs under (seed, seed+1, …): the runs of one configuration, for the spread across runs. */
  repeat = $state('1');
  params = $state<Record<string, Raw>>(Object.fromEntries(RUN_PARAMS.map((p) => [p.name, initialRaw(p)])));
  X = $state('');
  tscKhz = $state('');
  costs = $state<Record<string, CostRaw>>({});

  /** Errors the server reported for named fields (cleared when the field is edited). */
  serverErrors = $state<Record<string, string>>({});
  submitError = $state<string | null>(null);
  submitting = $state(false);

  #api: LabApi;

  constructor(api: LabApi) {
    this.#api = api;
  }

  relevantParams = $derived(this.specs.filter((p) => !isHostParam(p.name) && (!p.workloads || p.workloads.includes(this.workload))));

  /** What the host's "default" fields stand for (the profile's kernel and APICv, the kernel's mitigations). */
  hostInfo = $derived(hostDefaults(this.profile, this.host.kernel));

  /** The host's settings as `set` entries, or null while the kernel field is not a release. */
  #hostSetOrNull(): Record<string, string | boolean> | null {
    try {
      return hostSet(this.host);
    } catch {
      return null;
    }
  }

  /** Each strategy on the chosen profile and host: refused ones (with the reason) cannot be ticked. */
  strategyStates = $derived.by(() => {
    const set = this.#hostSetOrNull();
    return set ? strategyStates(this.profile, [set]) : null;
  });

  /** "SKX 6.8": the host in notes. */
  hostLabel = $derived(`${this.profileName} ${this.hostInfo.kernel}`);

  /** After the profile or a host field changed: a ticked strategy the host refuses is unticked, with a note. */
  hostChanged(): void {
    const after = ticksAfterHostChange(this.strategies, this.strategyNotes, this.strategyStates, this.hostLabel);
    if (after) {
      this.strategies = after.ticks;
      this.strategyNotes = after.notes;
    }
  }

  /** The default ticks of the chosen host: every strategy it can run but the proposals. */
  #defaultTicks(): void {
    this.strategies = defaultStrategyTicks(this.strategyStates);
    this.strategyNotes = [];
  }

  /** Every inline error, keyed by field: the same checks the main process runs. */
  errors = $derived.by(() => {
    const out: Record<string, string> = {};
    const check = (field: string, fn: () => unknown): void => {
      try {
        fn();
      } catch (err) {
        out[field] = err instanceof ConfigError ? err.message.replace(/^[^:]+: /, '') : String(err);
      }
    };
    if (this.name.trim() === '') out.name = 'give the experiment a name';
    if (this.name.length > 200) out.name = 'at most 200 characters';
    for (const t of parseTags(this.tags)) if (t.length > 64) out.tags = `tag "${t.slice(0, 20)}…" is longer than 64 characters`;
    Object.assign(out, strategyTickErrors(this.strategies, this.strategyStates, this.hostLabel));
    check('samples', () => validateSamples(this.samples.replace(/_/g, '')));
    check('seed', () => validateSeed(this.seed.replace(/_/g, '')));
    check('repeat', () => parseIntInRange('repeat', this.repeat.replace(/_/g, ''), 1, MAX_REPEATS));
    for (const p of this.relevantParams) if (!leftToKernel(p, this.params[p.name])) check(p.name, () => parseParamValue(p, this.params[p.name]));
    Object.assign(out, hostErrors(this.host));
    if (this.profile) {
      const base = this.profile;
      const params = defaultRunParams();
      if (this.X !== '') check('X', () => parseIntInRange('X', this.X, 0, MAX_PREEMPTION_X));
      if (this.tscKhz !== '') check('tsc_khz', () => parseIntInRange('tsc_khz', this.tscKhz, MIN_TSC_KHZ, MAX_TSC_KHZ, 'kHz'));
      for (const [name, c] of Object.entries(this.costs)) {
        check(name, () => applySetting(params, base, name, c.cycles));
        check(`${name}.jitter`, () => applySetting(params, base, `${name}.jitter`, c.jitter));
      }
    }
    return out;
  });

  valid = $derived(Object.keys(this.errors).length === 0);

  /** The error shown next to a field: inline first, then what the server said. */
  errorFor(field: string): string | undefined {
    return this.errors[field] ?? this.serverErrors[field];
  }

  edited(field: string): void {
    if (field in this.serverErrors) {
      const next = { ...this.serverErrors };
      delete next[field];
      this.serverErrors = next;
      this.submitError = null;
    }
  }

  async load(): Promise<void> {
    try {
      const [spec, profiles] = await Promise.all([this.#api.call('params:spec', {}), this.#api.call('profiles:list', {})]);
      if (Array.isArray(spec.runParams) && spec.runParams.length > 0) this.specs = spec.runParams;
      this.profiles = profiles;
      if (profiles.length > 0 && !profiles.some((p) => p.name === this.profileName)) this.profileName = (profiles[0] as ProfileInfo).name;
    } catch (err) {
      this.profileError = errorInfo(err).message;
    }
    await this.loadProfile(this.profileName);
    this.#defaultTicks();
  }

  async loadProfile(name: string, overrides: Record<string, unknown> = {}): Promise<void> {
    this.profileName = name;
    try {
      const p = await this.#api.call('profiles:get', { name });
      this.profile = p;
      this.profileError = null;
      this.X = String(overrides.X ?? p.X);
      this.tscKhz = String(overrides.tsc_khz ?? p.tsc_khz);
      const costs: Record<string, CostRaw> = {};
      for (const [k, c] of Object.entries(p.costs)) {
        costs[k] = { cycles: String(overrides[k] ?? c.cycles), jitter: String(overrides[`${k}.jitter`] ?? c.jitter) };
      }
      this.costs = costs;
      this.hostChanged();
    } catch (err) {
      this.profile = null;
      this.costs = {};
      this.profileError = errorInfo(err).message;
    }
  }

  applyPreset(p: Preset): void {
    this.preset = p.id;
    this.name = p.pickWorkload ? this.#pairName() : p.title;
    // A new preset is a new experiment: the last one's tags and notes do not carry over unseen.
    this.tags = '';
    this.notes = '';
    // The host too: the ticks below are the defaults of the preset's host, not of the last one typed.
    this.host = { ...defaultHostFields(), ...p.host };
    this.#defaultTicks();
    if (p.pickWorkload) {
      this.params = Object.fromEntries(this.specs.map((s) => [s.name, initialRaw(s)]));
      this.#resetCosts();
    } else if (p.workload) {
      this.workload = p.workload;
      this.params = Object.fromEntries(this.specs.map((s) => [s.name, initialRaw(s)]));
    }
    for (const [k, v] of Object.entries(p.params ?? {})) this.params[k] = v;
    this.serverErrors = {};
    this.submitError = null;
  }

  #pairName(): string {
    return `${this.workload}: hrtimer vs preemption timer`;
  }

  /** Profile values for X, tsc_khz and every cost (no overrides). */
  #resetCosts(): void {
    const p = this.profile;
    if (!p) return;
    this.X = String(p.X);
    this.tscKhz = String(p.tsc_khz);
    this.costs = Object.fromEntries(Object.entries(p.costs).map(([k, c]) => [k, { cycles: String(c.cycles), jitter: String(c.jitter) }]));
  }

  /** After the workload select changed: the plain-pair preset follows it in its name. */
  workloadChanged(previous: Workload): void {
    const pair = PRESETS.find((p) => p.id === this.preset && p.pickWorkload);
    if (pair && this.name === `${previous}: hrtimer vs preemption timer`) this.name = this.#pairName();
  }

  /** Fills the form from a stored run ("Re-run"). */
  async prefill(run: RunDetail): Promise<void> {
    this.preset = '';
    this.name = `${run.name} (re-run)`;
    this.notes = run.notes ?? '';
    this.tags = run.tags.join(', ');
    const cfg = run.config;
    const workload = (cfg?.workload ?? run.workload) as Workload;
    if ((WORKLOADS as readonly string[]).includes(workload)) this.workload = workload;
    const strategy = (cfg?.strategy ?? run.strategy) as Strategy;
    this.strategies = strategyChoice(STRATEGIES.includes(strategy) ? [strategy] : STRATEGIES);
    this.samples = String(cfg?.samples ?? run.samples);
    this.seed = String(cfg?.seed ?? run.seed ?? 1);
    const params = { ...defaultRunParams(), ...(cfg?.params ?? {}) } as unknown as Record<string, number | string | boolean>;
    const kernelDefault = cfg ? kernelDefaultsOf(cfg.params.kernel, cfg.params.mechanisms) : null;
    this.params = Object.fromEntries(
      this.specs.map((s) => [s.name, s.defaultFrom === 'kernel' && kernelDefault && params[s.name] === kernelDefault[s.name as keyof KernelDefaults] ? '' : rawOf(params[s.name] ?? s.default)]),
    );
    this.host = cfg ? hostFieldsOf(cfg.params, cfg.profile) : defaultHostFields();
    this.strategyNotes = [];
    const profileName = cfg?.profile.name ?? run.profile;
    const overrides: Record<string, unknown> = {};
    if (cfg) {
      overrides.X = cfg.profile.X;
      overrides.tsc_khz = cfg.profile.tsc_khz;
      for (const [k, c] of Object.entries(cfg.profile.costs)) {
        overrides[k] = c.cycles;
        overrides[`${k}.jitter`] = c.jitter;
      }
    }
    await this.loadProfile(profileName, overrides);
    this.serverErrors = {};
    this.submitError = null;
  }

  /** Only the values that differ from the defaults or the profile: the `set` of each run. */
  changedSet(): Record<string, string | number | boolean> {
    const set: Record<string, string | number | boolean> = {};
    for (const p of this.relevantParams) {
      if (leftToKernel(p, this.params[p.name])) continue;
      const v = parseParamValue(p, this.params[p.name]);
      // A value typed where the kernel decides the default is sent as typed (0 is not "default" on 5.1+).
      if (v !== p.default || p.defaultFrom === 'kernel') set[p.name] = v;
    }
    Object.assign(set, hostSet(this.host));
    const prof = this.profile;
    if (prof) {
      if (this.X !== '' && Number(this.X) !== prof.X) set.X = Number(this.X);
      if (this.tscKhz !== '' && Number(this.tscKhz.replace(/_/g, '')) !== prof.tsc_khz) set.tsc_khz = Number(this.tscKhz.replace(/_/g, ''));
      for (const [k, c] of Object.entries(this.costs)) {
        const base = prof.costs[k];
        if (!base) continue;
        if (Number(c.cycles.replace(/_/g, '')) !== base.cycles) set[k] = Number(c.cycles.replace(/_/g, ''));
        if (Number(c.jitter) !== base.jitter) set[`${k}.jitter`] = Number(c.jitter);
      }
    }
    return set;
  }

  /** True when X, tsc_khz and every cost field hold valid values (the profile could be saved). */
  costsValid = $derived(
    this.profile !== null && !Object.keys(this.errors).some((k) => k === 'X' || k === 'tsc_khz' || k in this.costs || (k.endsWith('.jitter') && k.slice(0, -7) in this.costs)),
  );

  /** The selected profile with the edited X, tsc_khz and costs, under a new name. */
  editedProfile(name: string, description: string): Profile {
    const base = this.profile;
    if (!base) throw new Error('no profile loaded');
    const num = (s: string): number => Number(s.replace(/_/g, ''));
    const costs: Profile['costs'] = {};
    for (const [k, c] of Object.entries(base.costs)) {
      const raw = this.costs[k];
      costs[k] = raw ? { ...c, cycles: num(raw.cycles), jitter: Number(raw.jitter) } : { ...c };
    }
    return {
      ...base,
      name: name.trim(),
      description: description.trim(),
      X: this.X === '' ? base.X : num(this.X),
      tsc_khz: this.tscKhz === '' ? base.tsc_khz : num(this.tscKhz),
      costs,
    };
  }

  /**
   * Saves the edited profile under a new name (profiles:save), refreshes the list and selects it.
   * Returns null on success, else the server's message.
   */
  async saveProfileAs(name: string, description: string): Promise<string | null> {
    let profile: Profile;
    try {
      profile = this.editedProfile(name, description);
    } catch (err) {
      return errorInfo(err).message;
    }
    try {
      await this.#api.call('profiles:save', { profile });
    } catch (err) {
      return errorInfo(err).message;
    }
    try {
      this.profiles = await this.#api.call('profiles:list', {});
    } catch {
      // The list stays as it was; the profile is saved all the same.
      if (!this.profiles.some((p) => p.name === profile.name)) this.profiles = [...this.profiles, { name: profile.name, description: profile.description, builtIn: false }];
    }
    await this.loadProfile(profile.name);
    return null;
  }

  /** Maps a server error field ("runs.0.set.delta", "samples", …) to a form field. */
  #fieldKey(field: string): string | null {
    const setAt = field.lastIndexOf('set.');
    const tail = setAt >= 0 ? field.slice(setAt + 4) : (field.split(/[.[\]]+/).filter(Boolean).pop() ?? '');
    const known: string[] = ['name', 'notes', 'tags', 'workload', 'strategy', 'profile', 'samples', 'seed', 'repeat', 'X', 'tsc_khz', ...this.specs.map((s) => s.name)];
    for (const k of Object.keys(this.costs)) known.push(k, `${k}.jitter`);
    if (known.includes(tail)) return tail === 'strategy' ? 'strategies' : tail;
    const last = field.split(/[.[\]]+/).filter(Boolean).pop() ?? '';
    return known.includes(last) ? last : null;
  }

  /** Sends the experiment; returns the new run ids, or null when the server refused it. */
  async submit(): Promise<{ experimentId: number; runIds: number[]; names: string[] } | null> {
    if (!this.valid || this.submitting) return null;
    this.submitting = true;
    this.submitError = null;
    this.serverErrors = {};
    try {
      const samples = validateSamples(this.samples.replace(/_/g, ''));
      const seed = validateSeed(this.seed.replace(/_/g, ''));
      const set = this.changedSet();
      const chosen = STRATEGIES.filter((s) => this.strategies[s]);
      const repeat = parseIntInRange('repeat', this.repeat.replace(/_/g, ''), 1, MAX_REPEATS);
      const res = await this.#api.call('experiments:submit', {
        name: this.name.trim(),
        notes: this.notes,
        tags: parseTags(this.tags),
        runs: chosen.flatMap((strategy) =>
          Array.from({ length: repeat }, (_, i) => ({
            workload: this.workload,
            strategy,
            profile: this.profileName,
            samples,
            seed: seed + i,
            set: { ...set },
            trace: samples <= TRACE_MAX_SAMPLES,
          })),
        ),
      });
      // The next experiment starts without this one's tags (they are shown, never carried silently).
      this.tags = '';
      return { ...res, names: res.runNames };
    } catch (err) {
      const info = errorInfo(err);
      const key = info.field ? this.#fieldKey(info.field) : null;
      if (key) this.serverErrors = { [key]: info.message };
      this.submitError = key ? `The lab refused the experiment: ${info.message} (see ${key})` : info.message;
      return null;
    } finally {
      this.submitting = false;
    }
  }
}
