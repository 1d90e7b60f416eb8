import { describe, expect, it } from 'vitest';
import { thinMinMax } from '../../../src-shared/charts/shape.js';
import { toCsv } from '../../../src-renderer/lib/csv.js';
import { samplesBeyond } from '../../../src-renderer/lib/verdict.js';

describe('samples behind a percentile', () => {
  it('counts the samples expected above it', () => {
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
