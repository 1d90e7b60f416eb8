/**
 * Step identifiers: every profile cost plus the waits that are mechanisms rather than costs
 * (the preemption-timer countdown, idle time, foreign host work). Steps index the per-run
 * accounting arrays, so the hot path never touches strings. Must not import anything but
 * src-shared.
 */
import { COST_NAMES, WAIT_STEPS, type CostName } from '../../src-shared/profile.js';

export { WAIT_STEPS };

export const STEP_NAMES: readonly string[] = [...COST_NAMES, ...WAIT_STEPS];

type StepName = CostName | (typeof WAIT_STEPS)[number];

/** Step id by name, e.g. `S.vmexit_hw`. */
export const S: Readonly<Record<StepName, number>> = Object.freeze(
  Object.fromEntries(STEP_NAMES.map((n, i) => [n, i])) as Record<StepName, number>,
);

export const STEP_COUNT = STEP_NAMES.length;
export const FIRST_WAIT_STEP = COST_NAMES.length;

/** Guest-side steps are not host overhead. */
export function isGuestStep(id: number): boolean {
  const n = STEP_NAMES[id]!;
  return n.startsWith('guest_');
}

/** VMX basic exit reasons used by the model (Intel SDM Appendix C). */
export const EXIT_REASONS = {
  EXTERNAL_INTERRUPT: 1,
  HLT: 12,
  MSR_WRITE: 32,
  PREEMPTION_TIMER: 52,
} as const;
export type ExitReasonName = keyof typeof EXIT_REASONS;
export const EXIT_NAMES: readonly ExitReasonName[] = ['EXTERNAL_INTERRUPT', 'HLT', 'MSR_WRITE', 'PREEMPTION_TIMER'];
/** Dense index of each exit reason in the accounting arrays. */
export const X_EXT = 0;
export const X_HLT = 1;
export const X_MSR = 2;
export const X_PREEMPT = 3;
