// Wording of a comparison's verdict, avoiding better/worse colour judgements (google/benchmark#1491):
// first whether a difference is detected at all, then its size against the noise threshold.
import type { CompareRow } from '../../src-shared/contract.js';

function pct(v: number): string {
  return `${v > 0 ? '+' : ''}${v.toFixed(2)} %`;
}

export function verdict(row: CompareRow, baselineId: number, noiseThresholdPct: number): string {
  if (row.id === baselineId) return 'baseline';
  if (!row.significant) return 'no difference detected';
  const where = row.practicallySignificant ? 'above' : 'below';
  return `difference detected: ${pct(row.deltaPct.mean)}, ${where} the ${noiseThresholdPct} % noise threshold`;
}

/** Expected number of samples above percentile p (N·(1−p)); below 10 the estimate is shaky. */
export function samplesBeyond(samples: number, p: number): number {
  return samples * (1 - p);
}

export const THIN_TAIL_SAMPLES = 10;
