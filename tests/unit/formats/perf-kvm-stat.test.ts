import { describe, expect, it } from 'vitest';
import { parseText } from '../../../src-main/formats/index.js';
import { expectFormatError, GARBAGE, readFixture } from './helpers.js';

const CLASSIC = [
  '',
  'Analyze events for all VMs, all VCPUs:',
  '',
  '             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time',
  '',
  '           MSR_WRITE      42521    53.32%     0.06%      0.50us     52.94us      1.71us ( +-   0.48% )',
  '                 HLT      15885    19.92%    99.89%      0.63us  17539.26us   8224.34us ( +-   0.61% )',
  '    PREEMPTION_TIMER       1805     2.26%     0.00%      0.54us     16.87us      2.13us ( +-   1.59% )',
  '',
  'Total Samples:60211, Total events handled time:130785328.50us.',
  '',
].join('\n');

const NEWER = [
  'Event name                Samples   Sample%    Time (ns)     Time%   Max Time (ns)   Min Time (ns)  Mean Time (ns)',
  'STORE_GUEST_PAGE_FAULT     26968     54.00%    2003031800    40.00%     3361400         27600          74274',
  'LOAD_GUEST_PAGE_FAULT      17645     35.00%    1153338100    23.00%     2513400         30800          65363',
].join('\n');

describe('perf kvm stat report', () => {
  it('classic layout: µs values with ( +- x% )', () => {
    const r = parseText(CLASSIC);
    expect(r.format).toBe('perf-kvm-stat');
    expect(r.meta.layout).toBe('classic');
    expect(r.meta.scope).toBe('all VMs, all VCPUs');
    expect(r.exits?.MSR_WRITE?.count).toBe(42521);
    expect(r.exits?.MSR_WRITE?.totalNs).toBeCloseTo(42521 * 1710, 3);
    expect(r.exits?.HLT?.count).toBe(15885);
    expect(r.exits?.PREEMPTION_TIMER?.count).toBe(1805);
    expect(r.summary.count).toBe(60211);
    expect(r.summary.min).toBeCloseTo(500);
    expect(r.summary.max).toBeCloseTo(17539260);
    expect(r.meta.totalTimeNs).toBe(String(130785328.5 * 1000));
    expect(r.warnings.filter((w) => w.includes('differs'))).toEqual([]);
  });

  it('newer layout: ns columns keyed on the header', () => {
    const r = parseText(NEWER);
    expect(r.format).toBe('perf-kvm-stat');
    expect(r.meta.layout).toBe('ns-columns');
    expect(r.exits).toEqual({
      STORE_GUEST_PAGE_FAULT: { count: 26968, timed: 26968, totalNs: 2003031800, minNs: 27600, maxNs: 3361400 },
      LOAD_GUEST_PAGE_FAULT: { count: 17645, timed: 17645, totalNs: 1153338100, minNs: 30800, maxNs: 2513400 },
    });
    expect(r.summary.min).toBe(27600);
    expect(r.summary.max).toBe(3361400);
    expect(r.warnings.join()).toContain('Total Samples');
  });

  it('warns when Total Samples disagrees, keeps the last live-mode table', () => {
    const live = `15:52:35.709821\n${CLASSIC.replace('Total Samples:60211', 'Total Samples:60000')}\n15:52:37.709821\n${CLASSIC}`;
    const r = parseText(live);
    expect(r.warnings.join()).toContain('2 tables');
    expect(r.summary.count).toBe(60211);
  });

  it('malformed: truncated row, wrong columns, non-numeric, garbage, empty, header only', () => {
    const lines = CLASSIC.split('\n');
    expectFormatError(() => parseText(`${lines.slice(0, 6).join('\n')}\n                 HLT      15885    19.92%`), 7);
    expectFormatError(() => parseText(`${lines.slice(0, 6).join('\n')}\n                 HLT      15885    19.92%    99.89%      0.63us  17539.26us   8224.34us   12us`), 7);
    expectFormatError(() => parseText(`${lines.slice(0, 6).join('\n')}\n                 HLT      many    19.92%    99.89%      0.63us  17539.26us   8224.34us`), 7);
    expectFormatError(() => parseText(`${lines.slice(0, 6).join('\n')}\n${GARBAGE}`), 7);
    expectFormatError(() => parseText('', 'perf-kvm-stat'), 1);
    expectFormatError(() => parseText(lines.slice(0, 5).join('\n')), 5);
    expectFormatError(() => parseText('Analyze events for all VMs, all VCPUs:\n', 'perf-kvm-stat'), 2);
  });
});

describe('perf kvm stat: µs kept, no cycles, no invented distribution (fixtures)', () => {
  it('x86 (VMX): the table as printed, exit times in ns, no percentile, the VM pid as scope', () => {
    const r = parseText(readFixture('perf-kvm-stat-x86.txt'));
    expect(r.measure).toBe('exit-handling-time');
    expect(r.histogram).toBeNull();
    expect(r.samples).toBeNull();
    expect(r.context).toMatchObject({ virt: 'vmx', tsc: null, resolutionNs: 10 });
    expect(r.series[0]?.source).toMatchObject({ scope: 'file', vm: 31337 });
    expect(r.perfRows?.find((p) => p.reason === 'HLT')).toEqual({ reason: 'HLT', samples: 8800, samplesPct: 22, timePct: 99.31, minUs: 0.95, maxUs: 42112.08, meanUs: 812.73, totalUs: 8800 * 812.73 });
    expect(r.exits?.PREEMPTION_TIMER).toMatchObject({ count: 9100, minNs: 710, maxNs: 21550 });
    expect(r.summary).toMatchObject({ count: 40000, min: 580, max: 42_112_080 });
  });
  it('arm64: exception classes are read and judged arm64; nothing is converted to cycles', () => {
    const r = parseText(readFixture('perf-kvm-stat-arm64.txt'));
    expect(r.context).toMatchObject({ virt: 'arm64', machine: 'aarch64 (judged from the arm64 exception classes)', tsc: null });
    expect(Object.keys(r.exits ?? {})).toEqual(['DABT_LOW', 'IRQ', 'WFx', 'SYS64']);
    expect(r.summary.count).toBe(669184);
    expect(r.warnings.join()).not.toContain('differs');
  });
  it('negative, 400-digit and absurd numbers name their line', () => {
    const lines = CLASSIC.split('\n');
    const at = (row: string) => `${lines.slice(0, 6).join('\n')}\n${row}\n${lines.slice(7).join('\n')}`;
    expectFormatError(() => parseText(at('           MSR_WRITE     -42521    53.32%     0.06%      0.50us     52.94us      1.71us ( +-   0.48% )')), 7);
    expectFormatError(() => parseText(at(`           MSR_WRITE      ${'9'.repeat(400)}    53.32%     0.06%      0.50us     52.94us      1.71us`)), 7);
    expectFormatError(() => parseText(at('           MSR_WRITE      42521    53.32%     0.06%      0.50us     -52.94us      1.71us')), 7);
    expectFormatError(() => parseText(at('           MSR_WRITE      42521    53.32%     0.06%     52.94us      0.50us      1.71us')), 7);
    expectFormatError(() => parseText(CLASSIC.replace('Total Samples:60211', `Total Samples:${'1'.repeat(30)}`)), 10);
  });
});
