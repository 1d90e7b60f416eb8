/**
 * Public surface of the comparison statistics (distribution, Mann–Whitney, bootstrap, compare).
 * Pure: must not import node:*, electron or better-sqlite3.
 */
export {
  Distribution,
  fromSamples,
  fromValueCounts,
  scale,
  mean,
  stddev,
  min,
  max,
  quantile,
  cdfPoints,
  logLinearHistogram,
} from './distribution.js';
export { mannWhitneyU, type MannWhitneyResult } from './mann-whitney.js';
export { bootstrapMeanDiffCI, type BootstrapOptions, type BootstrapInterval } from './bootstrap.js';
export { knownStats, nearestRank, seriesDistribution, type SeriesData } from './known-stats.js';
export { compareSides, noVerdictReason, type CompareSide } from './compare-sides.js';
export { percentileDeltas, DELTA_PERCENTILES, MIN_TAIL_SAMPLES, type PercentileDeltaOptions } from './percentile-delta.js';
export { acrossRuns, welchTest, studentQuantile, studentTwoSidedP, incompleteBeta, type AcrossStats, type WelchResult } from './across-runs.js';
export { compareRuns, VERDICT_ALPHA, verdictOf, type CompareInput, type CompareOptions } from './compare.js';
export { benchCompare, syntheticLatencies, type BenchCompareResult } from './bench-compare.js';
export { Prng, splitmix32, poisson } from './prng.js';
