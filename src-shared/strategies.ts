/**
 * The timer strategies as data: how KVM emulates the guest's TSC-deadline timer. One entry per
 * strategy, read by the engine's ops registry, the CLI help, the app's forms and legends, charts
 * and reports. Adding a strategy is one entry here plus one ops table in the engine.
 * Must not import anything but other src-shared modules.
 */

export const STRATEGIES = ['hrtimer', 'vmx-preemption'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface StrategyInfo {
  /** Short title for legends and forms. */
  title: string;
  /** Series colour, the same in every view and export (Okabe–Ito, colour-blind safe). */
  color: string;
  /** One paragraph: what KVM does with a guest deadline under this strategy. */
  description: string;
  /**
   * Run parameters and profile scalars that only this strategy reads (others read them too when
   * they list them). Parameters no strategy lists apply to all.
   */
  params: readonly string[];
}

export const STRATEGY_INFO: Readonly<Record<Strategy, StrategyInfo>> = {
  hrtimer: {
    title: 'hrtimer',
    color: '#0072B2',
    description:
      'Every guest deadline becomes a host hrtimer (start_sw_tscdeadline); its expiry costs a host timer interrupt, the hrtimer core, apic_timer_fn, a VM exit and an injection.',
    params: [],
  },
  'vmx-preemption': {
    title: 'VMX preemption timer',
    color: '#E69F00',
    description:
      'The VMX preemption timer counts down in guest mode and exits at the deadline (vmx_set_hv_timer); around HLT, KVM moves the deadline to an hrtimer and back.',
    params: ['X', 'immediateShortcut'],
  },
};

export function isStrategy(v: unknown): v is Strategy {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(STRATEGY_INFO, v);
}

/** Colour of a run's series: its strategy's, or a neutral grey for measured and unknown runs. */
export function strategyColor(strategy: string): string {
  return isStrategy(strategy) ? STRATEGY_INFO[strategy].color : '#999999';
}

/** Whether a parameter matters for a strategy (true when no strategy claims it). */
export function paramAppliesToStrategy(name: string, strategy: Strategy): boolean {
  const claimed = STRATEGIES.some((s) => STRATEGY_INFO[s].params.includes(name));
  return !claimed || STRATEGY_INFO[strategy].params.includes(name);
}

/** A strategy checklist (forms): every strategy, ticked when it is in `chosen`. */
export function strategyChoice(chosen: readonly string[]): Record<Strategy, boolean> {
  return Object.fromEntries(STRATEGIES.map((s) => [s, chosen.includes(s)])) as Record<Strategy, boolean>;
}
