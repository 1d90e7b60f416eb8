import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseText, toCyclictestHistogram, toCyclictestJson, type HistogramData } from '../../../src-main/formats/index.js';
import { expectFormatError, GARBAGE, HIST_SAMPLE, readFixture, readSample, threadSeries as threads } from './helpers.js';

const sample = readSample(HIST_SAMPLE);

/** Independent reading of the sample: column sums and trailer fields. */
function handParse(text: string): { sums: number[]; trailer: Record<string, number[]> } {
  const sums: number[] = [];
  const trailer: Record<string, number[]> = {};
  for (const line of text.split('\n')) {
    const b = /^(\d{6}) (.*)$/.exec(line);
    if (b?.[2] !== undefined) b[2].split('\t').forEach((c, j) => (sums[j] = (sums[j] ?? 0) + Number(c)));
    const t = /^# (Total|Min Latencies|Avg Latencies|Max Latencies|Histogram Overflows): (.*)$/.exec(line);
    if (t?.[1] !== undefined && t[2] !== undefined) trailer[t[1]] = t[2].split(' ').map(Number);
  }
  return { sums, trailer };
}

describe('cyclictest histogram: real 4-thread sample', () => {
  const r = parseText(sample);
  const hand = handParse(sample);
  const trailerOf = (key: string): number[] => hand.trailer[key] ?? [];

  it('is detected and read as 4 threads in ns', () => {
    expect(r.format).toBe('cyclictest-hist');
    expect(r.unit).toBe('ns');
    expect(threads(r)).toHaveLength(4);
    expect(r.series).toHaveLength(5); // merged + one per thread
    expect(r.meta.buckets).toBe('400');
    expect(r.samples).toBeNull();
    expect(r.overflow).toBeNull();
  });

  it('per-thread totals match the # Total: line and the column sums', () => {
    expect(trailerOf('Total')).toEqual([11055136, 11055141, 11055141, 11055131]);
    expect(hand.sums).toEqual(trailerOf('Total'));
    expect(threads(r).map((t) => t.summary.count)).toEqual(trailerOf('Total'));
    expect(threads(r).map((t) => t.histogram?.counts.reduce((a, b) => a + b, 0))).toEqual(trailerOf('Total'));
    expect(r.summary.count).toBe(trailerOf('Total').reduce((a, b) => a + b, 0));
  });

  it('min/max agree with the trailer (µs → ns)', () => {
    expect(threads(r).map((t) => t.summary.min)).toEqual(trailerOf('Min Latencies').map((v) => v * 1000));
    expect(threads(r).map((t) => t.summary.max)).toEqual(trailerOf('Max Latencies').map((v) => v * 1000));
    expect(r.summary.min).toBe(4000);
    expect(r.summary.max).toBe(28000);
    // Trailer Avg is the integer part of the mean.
    threads(r).forEach((t, j) => expect(Math.floor(t.summary.mean / 1000)).toBe(trailerOf('Avg Latencies')[j]));
    // No warning about min/max disagreement on the real file.
    expect(r.warnings.filter((w) => /trailer (Min|Max)/.test(w))).toEqual([]);
  });

  it('a trailer Min/Max that disagrees with the buckets (no overflows) is warned about, and the buckets are used', () => {
    const edited = parseText(sample.replace('# Max Latencies: 00027 00028', '# Max Latencies: 99999999 00028').replace('# Min Latencies: 00004 00004', '# Min Latencies: 00001 00004'));
    const t0 = threads(edited)[0]!;
    expect(t0.summary.max).toBe(27000);
    expect(t0.summary.max).toBe(Math.max(...t0.histogram!.values));
    expect(t0.summary.min).toBe(Math.min(...t0.histogram!.values.filter((_, i) => t0.histogram!.counts[i]! > 0)));
    expect(edited.summary.max).toBe(28000);
    expect(edited.warnings).toContain('thread 0: trailer Max 99999999 is not the highest non-empty bucket 27: the bucket is used');
    expect(edited.warnings.some((w) => /^thread 0: trailer Min 1 is not the lowest non-empty bucket \d+: the bucket is used$/.test(w))).toBe(true);
  });

  it('merged histogram is ascending, non-zero and sums to the total', () => {
    const h = r.histogram as HistogramData;
    expect([...h.values].sort((a, b) => a - b)).toEqual(h.values);
    expect(h.counts.every((c) => c > 0)).toBe(true);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(r.summary.count);
    expect(h.values[h.values.indexOf(5000)]).toBe(5000);
    expect(h.counts[h.values.indexOf(5000)]).toBe(9249673 + 9452403 + 9397676 + 2144127);
  });

  it('round trip: export → import gives the same histograms and stats, byte-identical text', () => {
    const hists = threads(r).map((t) => t.histogram as HistogramData);
    const text = toCyclictestHistogram(hists, { buckets: 400 });
    expect(text).toBe(sample);
    const back = parseText(text);
    expect(threads(back)).toEqual(threads(r));
    expect(back.histogram).toEqual(r.histogram);
    expect(back.summary).toEqual(r.summary);
  });

  it('round trip through --json', () => {
    const hists = threads(r).map((t) => t.histogram as HistogramData);
    const json = toCyclictestJson(hists, { cmdline: 'cyclictest -l5000000 -m -S -p90 -i200 -h400 -q' });
    expect(json).toContain('"cmdline:"');
    expect(json).toContain('"rt_test_version:"');
    const back = parseText(json);
    expect(back.format).toBe('cyclictest-json');
    expect(back.histogram).toEqual(r.histogram);
    expect(threads(back).map((t) => [t.summary.count, t.summary.min, t.summary.max])).toEqual(threads(r).map((t) => [t.summary.count, t.summary.min, t.summary.max]));
    expect(back.summary.count).toBe(r.summary.count);
    expect(back.summary.mean).toBeCloseTo(r.summary.mean, 6);
    expect(back.meta.cmdline).toBe('cyclictest -l5000000 -m -S -p90 -i200 -h400 -q');
  });
});

describe('cyclictest histogram: exporter details', () => {
  it('writes overflows for values ≥ the bucket count, with "others"', () => {
    const text = toCyclictestHistogram([{ values: [1000, 2000, 5000, 9000], counts: [3, 1, 2, 1] }], { buckets: 4 });
    expect(text.split('\n').slice(0, 5)).toEqual(['# Histogram', '000000 000000', '000001 000003', '000002 000001', '000003 000000']);
    expect(text).toContain('# Total: 000000004\n');
    expect(text).toContain('# Min Latencies: 00001\n');
    expect(text).toContain('# Max Latencies: 00009\n');
    expect(text).toContain('# Avg Latencies: 00003\n'); // floor((3·1 + 2 + 2·5 + 9) / 7) = floor(3.43)
    expect(text).toContain('# Histogram Overflows: 00003\n');
    expect(text).toContain('# Thread 0: # 00003 others\n');
    const back = parseText(text);
    expect(back.overflow).toEqual({ count: 3, limit: 3000 });
    expect(back.summary.count).toBe(7);
    expect(back.summary.max).toBe(9000);
    expect(back.histogram).toEqual({ values: [1000, 2000], counts: [3, 1] });
  });

  it('ns output and unitHint ns', () => {
    const text = toCyclictestHistogram([{ values: [3, 7], counts: [2, 5] }], { unit: 'ns' });
    const back = parseText(text, undefined, { unitHint: 'ns' });
    expect(back.histogram).toEqual({ values: [3, 7], counts: [2, 5] });
    expect(back.meta.sourceUnit).toBe('ns');
    const json = parseText(toCyclictestJson([{ values: [3, 7], counts: [2, 5] }], { unit: 'ns' }));
    expect(json.meta.resolution_in_ns).toBe('1');
    expect(json.histogram).toEqual({ values: [3, 7], counts: [2, 5] });
  });

  it('reads -H (extra all-threads column), overflow cycle numbers and SMIs', () => {
    const text = [
      '# Histogram',
      '000000 000001\t000002\t000003',
      '000001 000004\t000000\t000004',
      '# Total: 000000005 000000002',
      '# Min Latencies: 00000 00000',
      '# Avg Latencies: 00000 00000',
      '# Max Latencies: 00007 00000 00007',
      '# Histogram Overflows: 00001 00000 00001',
      '# Histogram Overflow at cycle number:',
      '# Thread 0: 00042',
      '# Thread 1:',
      '# SMIs: 00000 00003',
      '',
    ].join('\n');
    const r = parseText(text);
    expect(r.meta.allThreadsColumn).toBe('yes');
    expect(threads(r).map((t) => t.summary.count)).toEqual([6, 2]);
    expect(r.meta['overflowCycles.thread0']).toBe('42');
    expect(r.meta['smis.thread1']).toBe('3');
  });
});

describe('cyclictest histogram: malformed input', () => {
  const lines = sample.split('\n');
  it('truncated before the trailer', () => {
    const cut = lines.slice(0, 200).join('\n');
    const e = expectFormatError(() => parseText(cut), 201);
    expect(e.expected).toContain('# Total:');
  });
  it('truncated in the middle of a bucket line', () => {
    const cut = `${lines.slice(0, 10).join('\n')}\n000010 0005`;
    expectFormatError(() => parseText(cut), 11);
  });
  it('a histogram line with the wrong number of columns', () => {
    const bad = [...lines];
    bad[7] = '000006 1768019\t1587832\t1624599';
    const e = expectFormatError(() => parseText(bad.join('\n')), 8);
    expect(e.expected).toBe('4 tab-separated counts');
  });
  it('non-numeric counts', () => {
    const bad = [...lines];
    bad[5] = '000004 013847\t0037x3\t005398\t000007';
    expectFormatError(() => parseText(bad.join('\n')), 6);
  });
  it('Total disagreeing with the bucket sums beyond overflows', () => {
    const bad = sample.replace('# Total: 011055136', '# Total: 011055100');
    const e = expectFormatError(() => parseText(bad), 402);
    expect(e.expected).toContain('thread 0 Total 11055136');
  });
  it('trailer with the wrong number of threads', () => {
    const bad = sample.replace('# Max Latencies: 00027 00028 00021 00025', '# Max Latencies: 00027 00028');
    expectFormatError(() => parseText(bad), 405);
  });
  it('binary garbage', () => {
    const bad = [...lines];
    bad[3] = GARBAGE;
    expectFormatError(() => parseText(bad.join('\n')), 4);
    expectFormatError(() => parseText(GARBAGE), 1);
  });
  it('empty file', () => {
    expectFormatError(() => parseText('', 'cyclictest-hist'), 1);
    expectFormatError(() => parseText(''), 1);
    expectFormatError(() => parseText('\n\n'), 1);
  });
});

describe('cyclictest histogram: property', () => {
  it('random histograms (1–4 threads, zeros, >6-digit counts) import back exactly', () => {
    const count = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 1_000_000, max: 5_000_000_000 }));
    const arb = fc.integer({ min: 1, max: 4 }).chain((threads) =>
      fc.integer({ min: 1, max: 60 }).chain((buckets) =>
        fc.array(fc.array(count, { minLength: buckets, maxLength: buckets }), { minLength: threads, maxLength: threads }),
      ),
    );
    fc.assert(
      fc.property(arb, fc.boolean(), (dense, asJson) => {
        const buckets = dense[0]?.length ?? 0;
        const input = dense.map((cs) => ({ values: cs.map((_, i) => i * 1000), counts: cs }));
        const text = asJson ? toCyclictestJson(input, { buckets }) : toCyclictestHistogram(input, { buckets });
        if (dense.flat().every((c) => c === 0)) {
          // nothing was measured: refused, not stored as zeros
          expect(expectFormatError(() => parseText(text)).message).toContain('no timer events found');
          return;
        }
        const r = parseText(text);
        expect(r.format).toBe(asJson ? 'cyclictest-json' : 'cyclictest-hist');
        dense.forEach((cs, j) => {
          const nz = cs.map((c, i) => [i * 1000, c] as const).filter(([, c]) => c > 0);
          const total = cs.reduce((a, b) => a + b, 0);
          // every thread is in the file's table; those with samples are runs of their own
          if (dense.length > 1) expect(r.sources[j]?.count).toBe(total);
          const own = dense.length === 1 ? r.series[0] : r.series.find((x) => x.source.scope === 'thread' && x.source.thread === j);
          if (total === 0) expect(own).toBeUndefined();
          else expect(own?.histogram).toEqual({ values: nz.map((p) => p[0]), counts: nz.map((p) => p[1]) });
        });
        expect(r.summary.count).toBe(dense.flat().reduce((a, b) => a + b, 0));
        expect(r.overflow).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});

describe('cyclictest histogram with overflows (fixture, -h 20)', () => {
  const r = parseText(readFixture('cyclictest-hist-overflow.txt'));
  it('overflows count toward the total; the maximum and mean are the trailer\'s', () => {
    const [t0, t1] = threads(r);
    // thread 0: buckets sum to 572 (# Total), 3 overflows → 575 samples; Max 3030 µs, Avg 15 µs
    expect(t0?.summary).toEqual({ count: 575, min: 4000, max: 3_030_000, mean: 15_000 });
    expect(t0?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(572);
    expect(t0?.overflow).toEqual({ count: 3, limit: 19_000 });
    // thread 1 has no overflow: its mean is the histogram's own (exact)
    expect(t1?.summary.count).toBe(567);
    expect(t1?.summary.mean).toBeCloseTo((5 * 300 + 6 * 200 + 7 * 60 + 9 * 6 + 11) * 1000 / 567, 6);
    expect(t1?.overflow).toBeNull();
    expect(r.summary).toMatchObject({ count: 1142, max: 3_030_000, min: 4000 });
    expect(r.overflow).toEqual({ count: 3, limit: 19_000 });
    expect(r.meta['overflowCycles.thread0']).toBe('112 340 571');
    expect(r.warnings.join('\n')).toContain('3 samples above the 20-bucket histogram');
  });
  it('no warning that the trailer Max disagrees with the buckets (the maximum overflowed)', () => {
    expect(r.warnings.filter((w) => /trailer Max/.test(w))).toEqual([]);
  });
});
