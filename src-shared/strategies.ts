/**
 * The timer strategies as data: how KVM emulates the guest's TSC-deadline timer. One entry per
 * strategy, read by the engine's ops registry, the CLI help, the app's forms and legends, charts
 * and reports. Each entry also says when a host cannot use it: refused with a reason, or run the
 * way KVM falls back, with a warning. Adding a strategy is one entry here plus one ops table in
 * the engine. Must not import anything but other src-shared modules.
 */
import type { KernelFeatures } from './kernels.js';

export const STRATEGIES = ['hrtimer', 'vmx-preemption', 'posted-timer', 'apic-timer-virt'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a strategy's check sees of a run. */
export interface StrategyContext {
  vendor: 'intel' | 'amd';
  kernel: string;
  features: KernelFeatures;
  apicv: boolean;
  hltInGuest: boolean;
}

/** null: the strategy runs as asked; `refuse`: it cannot run here; `warn`: it runs, with these words. */
export interface StrategyVerdict {
  refuse?: string;
  warnings: string[];
}

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
  /** A proposal that no released kernel has. */
  proposed?: boolean;
  check(ctx: StrategyContext): StrategyVerdict;
}

const ok = (): StrategyVerdict => ({ warnings: [] });

/** Why KVM cannot post timer interrupts in this context, or null when it can. */
export function postingBlocker(ctx: StrategyContext): string | null {
  if (!ctx.apicv) return `kvm_can_post_timer_interrupt needs ${ctx.vendor === 'amd' ? 'AVIC' : 'APICv'} (apicv=off)`;
  if (ctx.features.posted_needs_hlt_mwait && !ctx.hltInGuest) {
    return `from 5.18 (and 5.4.193 / 5.15.y) kvm_can_post_timer_interrupt also needs HLT or MWAIT passthrough (hltInGuest=off on ${ctx.kernel})`;
  }
  return null;
}

export const STRATEGY_INFO: Readonly<Record<Strategy, StrategyInfo>> = {
  hrtimer: {
    title: 'hrtimer',
    color: '#0072B2',
    description:
      'Every guest deadline becomes a host hrtimer (start_sw_tscdeadline); its expiry costs a host timer interrupt, the hrtimer core, apic_timer_fn, a VM exit and an injection. kvm_intel.preemption_timer=0, and every AMD host.',
    params: [],
    check: ok,
  },
  'vmx-preemption': {
    title: 'VMX preemption timer',
    color: '#E69F00',
    description:
      'The VMX preemption timer counts down in guest mode and exits at the deadline (vmx_set_hv_timer); around HLT, KVM moves the deadline to an hrtimer and back.',
    params: ['X'],
    check: (ctx) =>
      ctx.vendor === 'amd'
        ? { refuse: 'AMD SVM has no preemption timer: KVM never provides set_hv_timer there, so every deadline is an hrtimer (strategy hrtimer, or posted-timer with AVIC)', warnings: [] }
        : ok(),
  },
  'posted-timer': {
    title: 'posted timer interrupt',
    color: '#009E73',
    description:
      'pi_inject_timer (5.3+): the LAPIC hrtimer is unpinned and fires on a housekeeping CPU, which delivers the interrupt by posted interrupt to the vCPU in guest mode, without a VM exit; the arming WRMSR still exits. Needs APICv/AVIC, and from 5.18 HLT or MWAIT passthrough.',
    params: [],
    check: (ctx) => {
      if (!ctx.features.posted_timer) return { refuse: `pi_inject_timer arrived in 5.3; kernel ${ctx.kernel} cannot post timer interrupts`, warnings: [] };
      const blocker = postingBlocker(ctx);
      if (!blocker) return ok();
      if (ctx.vendor === 'amd') {
        return { warnings: [`posted-timer cannot post here (${blocker}): as in KVM, the unpinned hrtimer's expiry sets the timer pending and kicks the vCPU (an IPI, and an exit if it is in guest mode); SVM has no hv timer to fall back to`] };
      }
      return { warnings: [`posted-timer falls back to the hv timer (the vmx-preemption path), as KVM does when ${blocker}`] };
    },
  },
  'apic-timer-virt': {
    title: 'APIC-timer virtualization (proposed)',
    color: '#CC79A7',
    description:
      'Intel APIC-timer virtualization, proposed in 2026 and not merged: the guest writes IA32_TSC_DEADLINE without a VM exit and the CPU delivers the timer interrupt itself; KVM falls back to the hrtimer while the vCPU blocks, and to the hv or sw timer for one-shot, periodic and masked timers.',
    params: ['X'],
    proposed: true,
    check: (ctx) => {
      if (ctx.vendor === 'amd') return { refuse: 'APIC-timer virtualization is an Intel VMX proposal; AMD SVM has no equivalent', warnings: [] };
      if (!ctx.apicv) return { refuse: 'APIC-timer virtualization delivers through virtual-interrupt delivery, which needs APICv (apicv=off)', warnings: [] };
      return {
        warnings: [
          `apic-timer-virt is a proposed, unmerged feature (Yamahata/Zhong v2, 2026-03); it is modelled on top of kernel ${ctx.kernel} and on no shipping CPU`,
        ],
      };
    },
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
