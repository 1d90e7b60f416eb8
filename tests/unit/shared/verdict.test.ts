// The one wording of a comparison: p-values and verdicts as the app, CLI, CSV and report print them.
import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../../../src-shared/contract.js';
import { formatPValue, intervalText, pValueText, verdict } from '../../../src-shared/verdict.js';

const row: CompareRow = {
  id: 2,
  name: 'b',
  strategy: 'vmx-preemption',
  measure: 'guest-deadline-to-isr',
  samples: 10000,
  mean: 3220,
  p50: 3220,
  p90: 3400,
  p99: 3550,
  p999: 3650,
  max: 3800,
  deltaPct: { mean: 0.62, p50: 0.6, p90: 0.5, p99: 0.4, p999: 0.3, max: 0.2 },
  deltaCycles: { mean: 20, p50: 20, p90: 17, p99: 14, p999: 11, max: 8 },
  pValue: 3e-12,
  ci95: [15, 25],
  ci95P99: [2, 26],
  significant: true,
  practicallySignificant: false,
  noVerdict: null,
};

describe('verdict wording', () => {
  it('reads as in ecosystem.md §4.5, with no better/worse language', () => {
    expect(verdict(row, 1, 1)).toBe('difference detected: +0.62 % (p = 3e-12), below the 1 % noise threshold');
    expect(verdict({ ...row, deltaPct: { ...row.deltaPct, mean: -4.1 }, practicallySignificant: true, pValue: 0 }, 1, 1)).toBe(
      'difference detected: -4.10 % (p < 1e-15), at or above the 1 % noise threshold',
    );
    expect(verdict({ ...row, significant: false, pValue: 0.43 }, 1, 1)).toBe('no difference detected (p = 0.43)');
    expect(verdict(row, 2, 1)).toBe('baseline');
    for (const text of [verdict(row, 1, 1), verdict({ ...row, significant: false }, 1, 1)]) {
      expect(text).not.toMatch(/better|worse|improv|regress/i);
    }
  });

  it('formats p-values the same everywhere, never as 0 or 0.00e+0', () => {
    expect(formatPValue(0.0004)).toBe('4e-4');
    expect(formatPValue(0.04321)).toBe('0.043');
    expect(formatPValue(1)).toBe('1');
    expect(formatPValue(1e-20)).toBe('< 1e-15');
    expect(formatPValue(0)).toBe('< 1e-15');
    expect(formatPValue(NaN)).toBe('—');
    expect(pValueText(0)).toBe('p < 1e-15');
    expect(pValueText(0.43)).toBe('p = 0.43');
  });
});

describe('intervalText', () => {
  it('writes an interval of a difference signed, both ends at one precision, with " … "; "—" without one', () => {
    expect(intervalText([15, 25])).toBe('+15 … +25');
    expect(intervalText([-3.14159, 65.86])).toBe('-3.1 … +65.9');
    expect(intervalText([-0.04, 0])).toBe('-0.040 … 0.000');
    // a narrow interval gets the places its width needs: never a point such as "0.0 … 0.0"
    expect(intervalText([-0.04, 0.03])).toBe('-0.040 … +0.030');
    expect(intervalText([1.234, 1.5])).toBe('+1.23 … +1.50');
    expect(intervalText([2.5, 2.5])).toBe('+2.5 … +2.5');
    expect(intervalText(null)).toBe('—');
    expect(intervalText([NaN, 1])).toBe('—');
  });
});
