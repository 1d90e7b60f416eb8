// The fast two-pass summary must agree exactly with the straightforward statistics and histogram.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latencyStats, summarizeSamples } from '../../../src-main/engine/metrics.js';
import { logLinearHistogram } from '../../../src-shared/histogram.js';

describe('summarizeSamples', () => {
  it('equals latencyStats + logLinearHistogram for random sample sets (incl. negatives)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5000, max: 200_000 }), { minLength: 1, maxLength: 3000 }), (xs) => {
        const samples = Int32Array.from(xs);
        const { stats, histogram } = summarizeSamples(samples);
        const ref = latencyStats(samples);
        expect(stats.min).toBe(ref.min);
        expect(stats.max).toBe(ref.max);
        expect(stats.p50).toBe(ref.p50);
        expect(stats.p90).toBe(ref.p90);
        expect(stats.p99).toBe(ref.p99);
        expect(stats.p999).toBe(ref.p999);
        expect(stats.mean).toBeCloseTo(ref.mean, 6);
        expect(stats.stddev).toBeCloseTo(ref.stddev, 6);
        expect(histogram).toEqual(logLinearHistogram(samples));
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to sorting when the range is too wide to count', () => {
    const samples = Int32Array.from([0, 1 << 30, 5, 7]);
    expect(summarizeSamples(samples).stats).toEqual(latencyStats(samples));
  });
});
