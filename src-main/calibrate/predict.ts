/**
 * Predictions from a calibrated profile: the strategies and settings that were not measured,
 * simulated with the fitted profile and once per bootstrap draw of the fit, so every predicted
 * figure (mean, median, p99 latency) gets the interval the fit's uncertainty gives it. Also says
 * which costs on each predicted path the files did not determine (they keep the base value, and
 * the interval cannot cover them). Pure: must not import node:*, electron or better-sqlite3.
 */
import type { CalibrationProvenance, Interval } from '../../src-shared/calibration.js';
import { MAX_JITTER, type Profile } from '../../src-shared/profile.js';
import { interval95 } from './bootstrap.js';
import { WARMUP_CYCLES } from './calibrate.js';
import { summarize } from './distributions.js';
import { scenarioConfig, type Scenario, type Simulator } from './simulator.js';

export interface PredictVariant extends Scenario {
  role: 'reproduced' | 'predicted';
  name: string;
}

export interface VariantPrediction {
  mean: Interval;
  p50: Interval;
  p99: Interval;
  undetermined: string[];
  draws: number;
}

export interface PredictOptions {
  simulator: Simulator;
  /** Samples of each draw's simulation (default 2000). */
  samples?: number;
  seed?: number;
  /** Draws to use (default all the provenance keeps). */
  draws?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The profile with one bootstrap draw's costs and jitters. */
function drawProfile(profile: Profile, draw: Record<string, [number, number]>): Profile {
  const costs = { ...profile.costs };
  for (const [name, [cycles, jitter]] of Object.entries(draw)) {
    if (costs[name]) costs[name] = { ...costs[name]!, cycles: Math.round(cycles), jitter: Math.min(MAX_JITTER, Math.max(0, jitter)) };
  }
  return { ...profile, costs };
}

export async function predictVariants(profile: Profile, provenance: CalibrationProvenance, variants: readonly PredictVariant[], opts: PredictOptions): Promise<VariantPrediction[]> {
  const draws = provenance.draws.slice(0, opts.draws ?? provenance.draws.length);
  const samples = (opts.samples ?? 2000) + WARMUP_CYCLES;
  const seed = opts.seed ?? 1;
  const batch = variants.flatMap((v) => [profile, ...draws.map((d) => drawProfile(profile, d))].map((p, k) => ({ config: scenarioConfig(v, p, samples, seed + k), traceTimerEvents: 0 })));
  const out = await opts.simulator(batch);
  opts.onProgress?.(batch.length, batch.length);
  const per = draws.length + 1;
  return variants.map((_, i) => {
    const runs = out.slice(i * per, (i + 1) * per);
    const figures = runs.map((r) => summarize(Float64Array.from(r.samples.subarray(Math.min(WARMUP_CYCLES, r.samples.length))).sort()));
    const point = figures[0]!;
    const of = (key: 'mean' | 'p50' | 'p99'): Interval => {
      const [low, high] = draws.length > 1 ? interval95(figures.slice(1).map((f) => f[key])) : [point[key], point[key]];
      return { value: point[key], low: Math.min(low!, point[key]), high: Math.max(high!, point[key]) };
    };
    const crit = runs[0]?.criticalPath ?? {};
    const total = Object.values(crit).reduce((a, b) => a + b, 0);
    const undetermined = Object.entries(crit)
      .filter(([name, v]) => v > 0.01 * total && provenance.costs[name]?.origin === 'base')
      .sort((a, b) => b[1] - a[1])
      .map(([name]) => name);
    return { mean: of('mean'), p50: of('p50'), p99: of('p99'), undetermined, draws: draws.length };
  });
}
