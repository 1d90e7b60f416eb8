/**
 * Which runs a comparison takes: finished ones, and cancelled ones that kept the samples they
 * finished (a cancelled run stores them; one cancelled before any counts 0). The API, the CLI and
 * History's selection read this one rule. Must not import anything but src-shared.
 */
import type { RunStatus } from './contract.js';

export function isComparableRun(r: { status: RunStatus; samples: number }): boolean {
  return r.status === 'done' || (r.status === 'cancelled' && r.samples > 0);
}

/** Why a run cannot be compared, in a sentence that names it. */
export function notComparableReason(r: { id: number; name: string; status: RunStatus }): string {
  return `run ${r.id} (${r.name}) is ${r.status}${r.status === 'cancelled' ? ' with no samples' : ''}; only finished runs, or cancelled ones that kept samples, can be compared`;
}
