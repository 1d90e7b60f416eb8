/**
 * The rows of the fit: every segment the user's files and the simulated scenario both have,
 * with the measured and the simulated values (for resampling) and the segment's coefficients.
 * Statistics of a row under resampling weights: the difference of means the costs must explain,
 * its variance, and the variances corrected for timestamp quantisation. Pure: must not import
 * node:*, electron or better-sqlite3.
 */
import type { SegmentModel } from './model.js';
import { dequantizedVariance } from './quantization.js';
import type { SegmentValues } from './segment-set.js';

/** Values a segment needs on both sides before it is used. */
export const MIN_ROW_VALUES = 3;

export interface FitRow {
  id: string;
  label: string;
  unit: string;
  measured: SegmentValues;
  simulated: SegmentValues;
  coef: number[];
  /** Quantisation step of the measured and of the simulated values, in the row's unit (0: exact). */
  measuredStep: number;
  simulatedStep: number;
  /** Which resampling weights apply to the measured values: trace cycles or guest samples. */
  source: 'trace' | 'guest';
}

export interface RowStats {
  /** Measured mean − simulated mean. */
  y: number;
  se2: number;
  measuredMean: number;
  simulatedMean: number;
  /** Variances of the durations themselves (quantisation removed). */
  measuredVar: number;
  simulatedVar: number;
  /** Sampling variance of measuredVar − simulatedVar. */
  varSe2: number;
  n: number;
}

/** Floor on a row's standard error (cycles): no row is trusted beyond the model's own precision. */
const SE_FLOOR = 0.5;

function varOfVariance(m: { n: number; variance: number; m4: number }): number {
  if (m.n < 2) return Infinity;
  return Math.max(0, m.m4 - m.variance * m.variance) / m.n + (2 * m.variance * m.variance) / (m.n * (m.n - 1));
}

export function rowStats(row: FitRow, measuredWeights?: ArrayLike<number>, simulatedWeights?: ArrayLike<number>): RowStats {
  const a = row.measured.moments(measuredWeights);
  const b = row.simulated.moments(simulatedWeights);
  const measuredVar = dequantizedVariance(a.variance, a.mean, row.measuredStep);
  const simulatedVar = dequantizedVariance(b.variance, b.mean, row.simulatedStep);
  return {
    y: a.mean - b.mean,
    se2: a.variance / Math.max(1, a.n) + b.variance / Math.max(1, b.n) + SE_FLOOR * SE_FLOOR,
    measuredMean: a.mean,
    simulatedMean: b.mean,
    measuredVar,
    simulatedVar,
    varSe2: varOfVariance(a) + varOfVariance(b) + 1,
    n: a.n,
  };
}

export function segmentModelOk(m: SegmentModel | undefined): m is SegmentModel {
  return m !== undefined && m.n >= MIN_ROW_VALUES && m.coef.every((c) => Number.isFinite(c));
}
