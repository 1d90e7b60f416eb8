/**
 * The engine as a linear model of the segments: around a profile, a segment's mean is (to first
 * order) linear in the step costs. The coefficients are measured on the engine itself: simulate
 * the scenario with the profile, then once more per cost with that cost raised by Δ, with the
 * same seed (common random numbers: every run draws the same jitters, so the difference is the
 * cost's own effect), cut each run's trace into segments exactly as the user's trace is cut, and
 * divide the change of each segment's mean by Δ. A cost that appears k times in a segment gets
 * coefficient k; one on a path taken in a fraction p of the cycles gets p. Coefficients within
 * 0.03 of a multiple of 0.05 are snapped to it (the differences carry a little timer-tick
 * quantisation), and those below 0.03 are zero. Pure: must not import node:*, electron or
 * better-sqlite3.
 */
import { COST_NAMES } from '../../src-shared/profile.js';
import type { Profile } from '../../src-shared/profile.js';
import { segmentThread } from './episodes.js';
import type { HostTrace } from './host-trace.js';
import { SegmentSet, type SegmentInfo } from './segment-set.js';
import { readSimulatedTrace, scenarioConfig, type Scenario, type Simulator } from './simulator.js';

export interface ModelOptions {
  /** Timer cycles per simulation, after the warm-up. */
  cycles: number;
  warmupCycles: number;
  seed: number;
  /** Event names segments may use (both traces show them). */
  vocabulary: ReadonlySet<string>;
  onProgress?: (done: number, total: number) => void;
}

export interface SegmentModel {
  info: SegmentInfo;
  mean: number;
  variance: number;
  n: number;
  /** d mean / d cost (per cost of `costs`); NaN when a perturbed run lacked the segment. */
  coef: number[];
}

export interface LinearModel {
  profile: Profile;
  scenario: Scenario;
  costs: string[];
  delta: number[];
  segments: Map<string, SegmentModel>;
  /** The unperturbed run's segments (their values, for resampling). */
  baseSet: SegmentSet;
  /** The unperturbed run's guest-side samples after the warm-up (guest TSC cycles). */
  guestSamples: Int32Array;
  guestCoef: number[];
}

/** Δ used to perturb a cost. */
function perturbation(cycles: number): number {
  return Math.max(40, Math.round(cycles * 0.25));
}

function snapCoefficient(c: number): number {
  if (!Number.isFinite(c)) return c;
  if (Math.abs(c) < 0.03) return 0;
  const grid = Math.round(c / 0.05) * 0.05;
  return Math.abs(c - grid) <= 0.03 ? Math.round(grid * 100) / 100 : c;
}

function withCost(profile: Profile, name: string, cycles: number): Profile {
  const spec = profile.costs[name]!;
  return { ...profile, costs: { ...profile.costs, [name]: { ...spec, cycles } } };
}

function firstThreadSet(trace: HostTrace, opts: ModelOptions, tscKhz: number): SegmentSet {
  const thread = trace.threads[0];
  if (!thread) return new SegmentSet();
  return segmentThread(thread.events, trace.labels, { vocabulary: opts.vocabulary, tscKhz, warmupCycles: opts.warmupCycles });
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length > 0 ? s / a.length : NaN;
}

export async function buildLinearModel(sim: Simulator, scenario: Scenario, profile: Profile, opts: ModelOptions): Promise<LinearModel> {
  const costs = COST_NAMES.filter((c) => profile.costs[c] !== undefined);
  const delta = costs.map((c) => perturbation(profile.costs[c]!.cycles));
  const samples = opts.cycles + opts.warmupCycles + 1;
  const profiles = [profile, ...costs.map((c, i) => withCost(profile, c, profile.costs[c]!.cycles + delta[i]!))];
  const outputs = await sim(profiles.map((p) => ({ config: scenarioConfig(scenario, p, samples, opts.seed), traceTimerEvents: samples })));
  const sets: SegmentSet[] = [];
  const guestMeans: number[] = [];
  let guestSamples = new Int32Array(0);
  for (let i = 0; i < outputs.length; i++) {
    const out = outputs[i]!;
    const trace = await readSimulatedTrace(out.trace ?? [], profile.tsc_khz);
    sets.push(firstThreadSet(trace, opts, profile.tsc_khz));
    const g = out.samples.subarray(Math.min(out.samples.length, opts.warmupCycles));
    if (i === 0) guestSamples = Int32Array.from(g);
    guestMeans.push(mean(g));
    opts.onProgress?.(i + 1, outputs.length);
  }
  const base = sets[0]!;
  const segments = new Map<string, SegmentModel>();
  for (const [id, values] of base.segments) {
    const m = values.moments();
    const coef = costs.map((_, i) => {
      const other = sets[i + 1]!.get(id);
      if (!other || other.n < 2) return NaN;
      return snapCoefficient((other.moments().mean - m.mean) / delta[i]!);
    });
    segments.set(id, { info: values.info, mean: m.mean, variance: m.variance, n: m.n, coef });
  }
  const guestCoef = costs.map((_, i) => snapCoefficient((guestMeans[i + 1]! - guestMeans[0]!) / delta[i]!));
  return { profile, scenario, costs, delta, segments, baseSet: base, guestSamples, guestCoef };
}
