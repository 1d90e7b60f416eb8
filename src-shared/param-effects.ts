/**
 * When a run parameter has an effect, as data: the workloads that read it (ParamSpec.workloads),
 * the strategies that read it (StrategyInfo.params), and the switches it needs (host noise rates
 * do nothing while hostNoise is off, guestTscKhz nothing without tscScaling). One rule for the
 * run detail, the HTML report, the sweep form ("sweeping X changes nothing because …") and the
 * CLI. Must not import anything but other src-shared modules.
 */
import { paramAppliesTo } from './config.js';
import { isStrategy, paramAppliesToStrategy } from './strategies.js';
import { isWorkload } from './workloads.js';

/** A parameter that only matters while another one has a given value. */
export interface ParamRequirement {
  param: string;
  value: string | number | boolean;
  /** How to say it: "hostNoise is on". */
  words: string;
}

export const PARAM_REQUIRES: Readonly<Record<string, ParamRequirement>> = {
  hostIrqRateHz: { param: 'hostNoise', value: true, words: 'hostNoise is on' },
  hostIrqCycles: { param: 'hostNoise', value: true, words: 'hostNoise is on' },
  preemptRateHz: { param: 'hostNoise', value: true, words: 'hostNoise is on' },
  preemptCycles: { param: 'hostNoise', value: true, words: 'hostNoise is on' },
  guestTscKhz: { param: 'tscScaling', value: true, words: 'tscScaling is on' },
};

export interface EffectContext {
  workload: string;
  strategy?: string;
  /** The run's other parameter values (defaults where unset). */
  params: Record<string, unknown>;
}

/**
 * Why `name` has no effect in this context, or null when it has one: "cyclictest does not read
 * it", "only vmx-preemption reads it", "it acts only while hostNoise is on".
 */
export function paramNoEffect(name: string, ctx: EffectContext): string | null {
  if (isWorkload(ctx.workload) && !paramAppliesTo(name, ctx.workload)) return `${ctx.workload} does not read ${name}`;
  if (ctx.strategy !== undefined && isStrategy(ctx.strategy) && !paramAppliesToStrategy(name, ctx.strategy)) return `${ctx.strategy} does not read ${name}`;
  const req = PARAM_REQUIRES[name];
  if (req && ctx.params[req.param] !== req.value) return `${name} acts only while ${req.words}`;
  return null;
}
