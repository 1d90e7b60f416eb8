/**
 * Building a CPU profile from another: costs the newer CPU has no public figure for keep the
 * base's value, and their basis says so plainly; the others are given with their own basis.
 * Pure data helpers; must not import anything but src-shared types.
 */
import type { CostSpec, Profile } from '../profile.js';

export function cost(cycles: number, jitter: number, meaning: string, basis: string): CostSpec {
  return { cycles, jitter, meaning, basis };
}

/** A cost given as cycles and basis only: the base's jitter and meaning. */
export interface CostChange {
  cycles: number;
  basis: string;
  jitter?: number;
  meaning?: string;
}

/**
 * `base`'s costs with `changes` applied; every cost not changed is marked as inherited
 * (judgement: no public figure for this CPU).
 */
export function deriveCosts(base: Profile, changes: Record<string, CostChange>): Record<string, CostSpec> {
  const out: Record<string, CostSpec> = {};
  for (const [name, spec] of Object.entries(base.costs)) {
    const ch = changes[name];
    out[name] = ch
      ? { cycles: ch.cycles, jitter: ch.jitter ?? spec.jitter, meaning: ch.meaning ?? spec.meaning, basis: ch.basis }
      : { ...spec, basis: `judgement: as ${base.name}, no public figure for this CPU (${base.name}: ${spec.basis})` };
  }
  for (const name of Object.keys(changes)) {
    if (!(name in base.costs)) throw new Error(`${name} is not a cost of ${base.name}`);
  }
  return out;
}
