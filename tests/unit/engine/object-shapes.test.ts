/**
 * The engine's hot path reads its state through plain property loads; an object V8 keeps as a
 * hash table (dictionary mode) turns each of those into a lookup. This checks, through V8's own
 * %HasFastProperties, that the objects a running simulation holds (own properties, four levels
 * deep, array elements of short arrays) keep fast properties, for runs that touch the block,
 * posted-interrupt and host-noise paths.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { buildRunConfig, builtinProfile, createShardSimulation } from '../../../src-main/engine/index.js';

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

/** Paths of the objects reachable from `root` (own properties, to `depth`) that are in dictionary mode. */
function slowObjects(root: object, depth: number): string[] {
  const seen = new Set<object>();
  const slow: string[] = [];
  const walk = (o: unknown, path: string, left: number): void => {
    if (o === null || typeof o !== 'object' || seen.has(o) || left < 0 || ArrayBuffer.isView(o)) return;
    seen.add(o);
    if (!hasFastProperties(o)) slow.push(path);
    if (Array.isArray(o) && o.length > 64) return;
    for (const key of Object.getOwnPropertyNames(o)) walk((o as Record<string, unknown>)[key], `${path}.${key}`, left - 1);
  };
  walk(root, 'sim', depth);
  return slow;
}

describe('object shapes of a running simulation', () => {
  it.each([
    ['cyclictest', 'vmx-preemption', { kernel: '4.9' }],
    ['tscdeadline-halt', 'posted-timer', { kernel: '6.1' }],
    ['tscdeadline-busy', 'vmx-preemption', { kernel: '5.15', hostNoise: 'on', 'mech.fastpath': 'off' }],
  ])('%s / %s %j: every reachable object has fast properties', (workload, strategy, set) => {
    const config = buildRunConfig({ workload, strategy, profile: builtinProfile('SKX')!, samples: 2000, seed: 1, set });
    const sim = createShardSimulation(config, 0);
    sim.runToEnd();
    // the probe itself tells the two apart
    const dictionary: Record<string, number> = { a: 1, b: 2 };
    delete dictionary.a;
    expect([hasFastProperties({ a: 1 }), hasFastProperties(dictionary)]).toEqual([true, false]);
    expect(slowObjects(sim, 4)).toEqual([]);
  });
});
