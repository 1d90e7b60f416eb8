/**
 * A short simulation of the detected scenario before the fit: which events the simulated trace
 * shows (the vocabulary both traces share) and how far apart its deadlines are, so that the
 * workload's delta can be set to give the measured deadline spacing. Pure: must not import
 * node:*, electron or better-sqlite3.
 */
import type { Profile } from '../../src-shared/profile.js';
import { eventOfLabel, HOLE } from './event-store.js';
import { threadFacts, type ThreadFacts } from './thread-facts.js';
import { readSimulatedTrace, scenarioConfig, type Scenario, type Simulator } from './simulator.js';

export interface Probe {
  eventNames: Set<string>;
  facts: ThreadFacts | null;
}

export async function probeScenario(sim: Simulator, scenario: Scenario, profile: Profile, cycles: number, seed: number): Promise<Probe> {
  const [out] = await sim([{ config: scenarioConfig(scenario, profile, cycles, seed), traceTimerEvents: cycles }]);
  const trace = await readSimulatedTrace(out?.trace ?? [], profile.tsc_khz);
  const t = trace.threads[0];
  if (!t) return { eventNames: new Set<string>(), facts: null };
  return { eventNames: eventNamesOf(t.events, (id) => trace.labels.name(id)), facts: threadFacts(t.events, trace.labels) };
}

/** The event names a thread's events use. */
export function eventNamesOf(events: { length: number; labelAt(i: number): number }, name: (id: number) => string): Set<string> {
  const out = new Set<string>();
  const seen = new Set<number>();
  for (let i = 0; i < events.length; i++) {
    const id = events.labelAt(i);
    if (seen.has(id)) continue;
    seen.add(id);
    const l = name(id);
    if (l !== HOLE) out.add(eventOfLabel(l));
  }
  return out;
}
