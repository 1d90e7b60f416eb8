import { describe, expect, it } from 'vitest';
import { thinMinMax } from '../../../src-shared/charts/shape.js';
import type { CompareRow } from '../../../src-shared/contract.js';
import { toCsv } from '../../../src-renderer/lib/csv.js';
import { samplesBeyond, verdict } from '../../../src-renderer/lib/verdict.js';

const zero = { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
function row(id: number, meanPct: number, significant: boolean, practical: boolean): CompareRow {
  return {
    id, name: `r${id}`, samples: 10000, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1,
    deltaPct: { ...zero, mean: meanPct }, deltaCycles: zero, pValue: significant ? 0.001 : 0.5,
    ci95: [0, 0], significant, practicallySignificant: practical,
  };
}

describe('verdict wording', () => {
  it('names the baseline, no difference, and differences against the noise threshold', () => {
    expect(verdict(row(1, 0, false, false), 1, 1)).toBe('baseline');
    expect(verdict(row(2, 0.1, false, false), 1, 1)).toBe('no difference detected');
    expect(verdict(row(2, 0.62, true, false), 1, 1)).toBe('difference detected: +0.62 %, below the 1 % noise threshold');
    expect(verdict(row(2, -4.5, true, true), 1, 1)).toBe('difference detected: -4.50 %, above the 1 % noise threshold');
  });
  it('counts the samples behind a percentile', () => {
    expect(samplesBeyond(10000, 0.999)).toBeCloseTo(10);
    expect(samplesBeyond(1000, 0.999)).toBeLessThan(10);
  });
});

describe('toCsv', () => {
  it('neutralises text a spreadsheet would run as a formula, but not plain numbers', () => {
    const out = toCsv(['name', 'delta'], [['=HYPERLINK("http://x")', '-12.5'], ['@SUM(A1)', '+3%'], ['-2+3', 'ok']]);
    expect(out).toBe('name,delta\r\n"\'=HYPERLINK(""http://x"")",-12.5\r\n\'@SUM(A1),+3%\r\n\'-2+3,ok\r\n');
  });

  it('quotes commas, quotes and newlines, and leaves empty cells for null', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [null, 3], ['l1\nl2', NaN]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n,3\r\n"l1\nl2",\r\n',
    );
  });
});

describe('thinMinMax', () => {
  it('keeps peaks, first and last points', () => {
    const pts = Array.from({ length: 10000 }, (_, i) => ({ x: i, y: i === 5000 ? 99 : 1 }));
    const out = thinMinMax(pts, 200);
    expect(out.length).toBeLessThanOrEqual(201);
    expect(out.some((p) => p.y === 99)).toBe(true);
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[pts.length - 1]);
  });
});
