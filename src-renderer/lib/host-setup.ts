/**
 * The host a run is simulated on, as the forms ask for it: the kernel release (empty = the
 * profile's), APICv and mitigations (each "default", on or off), what those defaults are, and
 * which strategies that host refuses and why. Plain functions (no runes, no DOM) shared by New
 * experiment and Sweep, so they can be unit tested; the rules themselves live in src-shared.
 */
import { ConfigError, PARAM_BY_NAME, parseParamValue } from '../../src-shared/config.js';
import { kernelDefaults, kernelFeatures, parseRelease, profileDefaultKernel, type KernelDefaults } from '../../src-shared/kernels.js';
import type { Profile } from '../../src-shared/profile.js';
import { strategyRefusals } from '../../src-shared/run-checks.js';
import { STRATEGIES, STRATEGY_INFO, type Strategy } from '../../src-shared/strategies.js';

/** The run parameters the Host group sets (the generic parameter list leaves them out). */
export const HOST_PARAMS: readonly string[] = ['kernel', 'apicv', 'mitigations'];

export function isHostParam(name: string): boolean {
  return HOST_PARAMS.includes(name);
}

export type HostSwitch = 'default' | 'on' | 'off';

export interface HostFields {
  /** A release X.Y[.Z]; empty: the profile's kernel. */
  kernel: string;
  apicv: HostSwitch;
  mitigations: HostSwitch;
}

export function defaultHostFields(): HostFields {
  return { kernel: '', apicv: 'default', mitigations: 'default' };
}

/** Field errors of the host group (the kernel text, checked as `--set kernel=` checks it). */
export function hostErrors(h: HostFields): Record<string, string> {
  if (h.kernel.trim() === '') return {};
  try {
    parseParamValue(PARAM_BY_NAME.get('kernel')!, h.kernel);
    return {};
  } catch (err) {
    return { kernel: err instanceof ConfigError ? err.message.replace(/^[^:]+: /, '') : String(err) };
  }
}

/**
 * The settings the host fields ask for: only what the user chose, so an empty kernel and the
 * "default" switches leave the profile's kernel and APICv and the default mitigations to the lab.
 * Throws ConfigError for a bad kernel.
 */
export function hostSet(h: HostFields): Record<string, string | boolean> {
  const set: Record<string, string | boolean> = {};
  if (h.kernel.trim() !== '') set.kernel = parseParamValue(PARAM_BY_NAME.get('kernel')!, h.kernel) as string;
  if (h.apicv !== 'default') set.apicv = h.apicv === 'on';
  if (h.mitigations !== 'default') set.mitigations = h.mitigations === 'on';
  return set;
}

export interface HostDefaults {
  /** The profile's kernel (what an empty kernel field gives). */
  profileKernel: string;
  /** The kernel the run gets: the typed one when valid, else the profile's. */
  kernel: string;
  /** The profile's APICv setting. */
  apicv: boolean;
  /** The mitigations' default (on). */
  mitigations: boolean;
  /** Whether the run's kernel has the mitigations at all (4.15 on): before, the switch does nothing. */
  kernelHasMitigations: boolean;
}

/** What the "default" of each host field is for this profile and typed kernel. */
export function hostDefaults(profile: Pick<Profile, 'defaultKernel' | 'apicv'> | null, kernelText: string): HostDefaults {
  const profileKernel = profileDefaultKernel(profile ?? {});
  const typed = kernelText.trim();
  const kernel = typed !== '' && hostErrors({ kernel: typed, apicv: 'default', mitigations: 'default' }).kernel === undefined ? typed : profileKernel;
  const release = parseRelease(kernel);
  return {
    profileKernel,
    kernel,
    apicv: profile?.apicv ?? true,
    mitigations: PARAM_BY_NAME.get('mitigations')?.default === true,
    kernelHasMitigations: release ? kernelFeatures(release).spec_mitigations : true,
  };
}

export interface StrategyState {
  strategy: Strategy;
  /** Why the host refuses it (with the kernel, when several are asked for); null when it can run. */
  refused: string | null;
  proposed: boolean;
}

/**
 * Each strategy on a host: refused when any of the setups refuses it (a sweep over kernels asks
 * for several; each set is applied to the profile as `--set` is). Null when a setting is bad or
 * no profile is loaded: then nothing is known to be refused.
 */
export function strategyStates(profile: Profile | null, sets: ReadonlyArray<Record<string, unknown>>): StrategyState[] | null {
  if (!profile) return null;
  const reasons = new Map<Strategy, string>();
  try {
    for (const set of sets.length > 0 ? sets : [{}]) {
      const refusals = strategyRefusals(profile, set);
      const where = sets.length > 1 && typeof set.kernel === 'string' ? `kernel ${set.kernel}: ` : '';
      for (const s of STRATEGIES) {
        const why = refusals[s];
        if (why !== null && !reasons.has(s)) reasons.set(s, `${where}${why}`);
      }
    }
  } catch {
    return null;
  }
  return STRATEGIES.map((strategy) => ({ strategy, refused: reasons.get(strategy) ?? null, proposed: STRATEGY_INFO[strategy].proposed === true }));
}

/** The default ticks of a host: every strategy it can run that is not a proposal. */
export function defaultStrategyTicks(states: readonly StrategyState[] | null): Record<Strategy, boolean> {
  return Object.fromEntries(STRATEGIES.map((s) => {
    const st = states?.find((x) => x.strategy === s);
    return [s, st ? st.refused === null && !st.proposed : !STRATEGY_INFO[s].proposed];
  })) as Record<Strategy, boolean>;
}

/**
 * The ticks after the host changed: a ticked strategy the host now refuses is unticked, and a
 * note says which and why (`host` names the host, e.g. "EPYC 6.1").
 */
export function reconcileStrategies(
  ticks: Readonly<Record<Strategy, boolean>>,
  states: readonly StrategyState[] | null,
  host: string,
): { ticks: Record<Strategy, boolean>; notes: string[] } {
  const out = { ...ticks };
  const notes: string[] = [];
  for (const st of states ?? []) {
    if (out[st.strategy] && st.refused !== null) {
      out[st.strategy] = false;
      notes.push(`${STRATEGY_INFO[st.strategy].title} unticked: ${host} cannot run it (${st.refused})`);
    }
  }
  return { ticks: out, notes };
}

/** How many notes about unticked strategies a form shows (the latest). */
const MAX_STRATEGY_NOTES = 4;

/**
 * After the profile or a host field changed: the ticks with what the host refuses unticked and the
 * notes with why appended (the latest few kept); null when nothing was unticked.
 */
export function ticksAfterHostChange(
  ticks: Readonly<Record<Strategy, boolean>>,
  notes: readonly string[],
  states: readonly StrategyState[] | null,
  host: string,
): { ticks: Record<Strategy, boolean>; notes: string[] } | null {
  const out = reconcileStrategies(ticks, states, host);
  return out.notes.length > 0 ? { ticks: out.ticks, notes: [...notes, ...out.notes].slice(-MAX_STRATEGY_NOTES) } : null;
}

/** The strategies' field error: none ticked, or a ticked one the host refuses (`host` names it). */
export function strategyTickErrors(ticks: Readonly<Record<Strategy, boolean>>, states: readonly StrategyState[] | null, host: string): Record<string, string> {
  let error: string | null = STRATEGIES.some((s) => ticks[s]) ? null : 'pick at least one strategy';
  for (const st of states ?? []) {
    if (st.refused !== null && ticks[st.strategy]) error = `${st.strategy} cannot run on ${host}: ${st.refused}`;
  }
  return error === null ? {} : { strategies: error };
}

/**
 * A stored run's host as the fields: what differs from its profile's defaults is explicit, the
 * rest (and what a sweep varied, named in `swept`) is left at default.
 */
export function hostFieldsOf(
  params: { kernel: string; apicv: boolean; mitigations: boolean },
  profile: Pick<Profile, 'defaultKernel' | 'apicv'>,
  swept: readonly string[] = [],
): HostFields {
  const d = hostDefaults(profile, '');
  const sw = (name: string, v: boolean, def: boolean): HostSwitch => (swept.includes(name) || v === def ? 'default' : v ? 'on' : 'off');
  return {
    kernel: swept.includes('kernel') || params.kernel === d.profileKernel ? '' : params.kernel,
    apicv: sw('apicv', params.apicv, d.apicv),
    mitigations: sw('mitigations', params.mitigations, d.mitigations),
  };
}

/** A release's module-parameter defaults (lapic_timer_advance_ns, halt_poll_ns), or null for a bad release. */
export function kernelDefaultsOf(kernel: string, mechanisms: Partial<Record<string, boolean>> = {}): KernelDefaults | null {
  const r = parseRelease(kernel);
  return r ? kernelDefaults(r, kernelFeatures(r, mechanisms)) : null;
}
