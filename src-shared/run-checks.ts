/**
 * What a run's kernel, CPU and settings allow: settings a release does not have are refused with
 * the reason (an adaptive advance before 5.1, a fixed one from 6.10, a strategy the host cannot
 * use), and the rest is run with the warnings a user should read (a strategy falling back the
 * way KVM does, a proposed feature, a mechanism switched against its release). One copy of these
 * rules for the engine, the API, the CLI and the app. Must not import anything but src-shared.
 */
import { applyContextDefaults, applySetting, ConfigError, defaultRunParams, releaseOf, type RunConfig } from './config.js';
import type { Profile } from './profile.js';
import { compareReleases, kernelFeatures, MECHANISMS, NEWEST_READ_KERNEL, parseRelease, type KernelFeatures, type MechanismId, type Release } from './kernels.js';
import { STRATEGIES, STRATEGY_INFO, type Strategy, type StrategyContext, type StrategyVerdict } from './strategies.js';

/** The features of a run's kernel, its mechanism overrides applied. */
export function runFeatures(config: Pick<RunConfig, 'params'>): KernelFeatures {
  return kernelFeatures(releaseOf(config.params.kernel), config.params.mechanisms);
}

export function strategyContext(config: RunConfig): StrategyContext {
  return {
    vendor: config.profile.vendor ?? 'intel',
    kernel: config.params.kernel,
    features: runFeatures(config),
    apicv: config.params.apicv,
    hltInGuest: config.params.hltInGuest,
  };
}

export function strategyVerdict(config: RunConfig): StrategyVerdict {
  return STRATEGY_INFO[config.strategy].check(strategyContext(config));
}

/** Throws ConfigError naming the field when the kernel does not have a setting. */
export function checkKernelSettings(config: RunConfig): void {
  const p = config.params;
  const f = runFeatures(config);
  if (p.timerAdvanceNs === -1 && !f.advance_per_vcpu) {
    throw new ConfigError('timerAdvanceNs', `-1 (adaptive) arrived in 5.1; kernel ${p.kernel} has only a fixed lapic_timer_advance_ns (${f.advance_autotune ? 'auto-tuned once from its start value' : 'not tuned'})`);
  }
  if (p.timerAdvanceNs > 0 && f.advance_bool) {
    throw new ConfigError('timerAdvanceNs', `from 6.10 the advance is a bool (adaptive or off): give -1 or 0 for kernel ${p.kernel}`);
  }
  const verdict = strategyVerdict(config);
  if (verdict.refuse) throw new ConfigError('strategy', `${config.strategy} on ${config.profile.name}: ${verdict.refuse}`);
}

/** Words that travel with a run: fallbacks, proposals, mechanisms switched against the release. */
export function configWarnings(config: RunConfig): string[] {
  const out = [...strategyVerdict(config).warnings];
  const release = releaseOf(config.params.kernel);
  if (compareReleases(release, parseRelease(NEWEST_READ_KERNEL) as Release) > 0) {
    out.push(`kernel ${config.params.kernel} is newer than ${NEWEST_READ_KERNEL}, the newest release whose KVM sources were read: it gets every mechanism listed, later changes are not modelled`);
  }
  for (const [id, on] of Object.entries(config.params.mechanisms)) {
    const m = MECHANISMS[id as MechanismId];
    out.push(`mechanism ${id} (${m.title}, ${m.since}) switched ${on ? 'on' : 'off'} against kernel ${config.params.kernel}`);
  }
  return out;
}

/**
 * Why each strategy is refused on a setup (the profile with `set` applied, the profile's and the
 * kernel's defaults filled in), or null when it can run there. Throws ConfigError for a bad setting.
 */
export function strategyRefusals(profile: Profile, set: Record<string, unknown> = {}): Record<Strategy, string | null> {
  let params = defaultRunParams();
  let p = profile;
  for (const [name, value] of Object.entries(set)) ({ params, profile: p } = applySetting(params, p, name, value));
  params = applyContextDefaults(params, p, new Set(Object.keys(set)));
  const out = {} as Record<Strategy, string | null>;
  for (const strategy of STRATEGIES) {
    const config = { workload: 'tscdeadline-busy', strategy, profile: p, params, samples: 1, seed: 1 } as const;
    out[strategy] = strategyVerdict(config).refuse ?? null;
  }
  return out;
}

/**
 * The strategies a setup can run, in registry order: not refused on this host and kernel, and not
 * a proposal (those are asked for by name). The default of an experiment.
 */
export function usableStrategies(profile: Profile, set: Record<string, unknown> = {}): Strategy[] {
  const refusals = strategyRefusals(profile, set);
  return STRATEGIES.filter((strategy) => !STRATEGY_INFO[strategy].proposed && refusals[strategy] === null);
}
