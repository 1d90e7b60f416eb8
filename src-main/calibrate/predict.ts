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
  /** Samples of the fitted profile's simulation of each variant: those of its stored run. */
  samples: number;
  /** Seed of the fitted profile's simulation (that of its stored run); draw k runs seed + k. */
  seed: number;
  /** Draws to use (default all the provenance keeps). */
  draws?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Samples of each bootstrap draw's simulation at most, to bound the work of a long prediction; the interval then holds the draws' sampling noise too. */
export const MAX_DRAW_SAMPLES = 20_000;

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
  // The point is the stored run itself: the same configuration, seed and statistics, so the figure
  // printed beside a run is the run's own. The draws are capped at MAX_DRAW_SAMPLES.
  const drawSamples = Math.min(opts.samples, MAX_DRAW_SAMPLES);
  const batch = variants.flatMap((v) => [
    { config: scenarioConfig(v, profile, opts.samples, opts.seed), traceTimerEvents: 0 },
    ...draws.map((d, k) => ({ config: scenarioConfig(v, drawProfile(profile, d), drawSamples, opts.seed + k + 1), traceTimerEvents: 0 })),
  ]);
  const out = await opts.simulator(batch);
  opts.onProgress?.(batch.length, batch.length);
  const per = draws.length + 1;
  return variants.map((_, i) => {
    const runs = out.slice(i * per, (i + 1) * per);
    const figures = runs.map((r) => r.latency);
    const point = figures[0]!;
    const of = (key: 'mean' | 'p50' | 'p99'): Interval => {
      const value = point[key] ?? NaN;
      const [low, high] = draws.length > 1 ? interval95(figures.slice(1).map((f) => f[key] ?? NaN)) : [value, value];
      return { value, low: Math.min(low!, value), high: Math.max(high!, value) };
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
