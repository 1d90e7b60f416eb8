// The exits table per reason: what follows from each reason's recorded count and host cycles.
import { describe, expect, it } from 'vitest';
import { exitReasonTable, sharePctText } from '../../../src-shared/exit-reason-rows.js';

describe('exitReasonTable', () => {
  it('gives each reason its share of the exits and of the exit time, most host cycles first', () => {
    const t = exitReasonTable({
      MSR_WRITE: { count: 30, hostCycles: 60_000 },
      HLT: { count: 10, hostCycles: 200_000 },
      EXTERNAL_INTERRUPT: { count: 10, hostCycles: 40_000, perfKvmStat: { samples: 9, meanUs: 1 } },
    });
    expect(t.totalCount).toBe(50);
    expect(t.totalHostCycles).toBe(300_000);
    expect(t.rows.map((r) => r.reason)).toEqual(['HLT', 'MSR_WRITE', 'EXTERNAL_INTERRUPT']);
    const [hlt, msr, ext] = t.rows;
    expect(hlt).toEqual({ reason: 'HLT', count: 10, countPct: 20, hostCycles: 200_000, timePct: (100 * 200_000) / 300_000, cyclesPerExit: 20_000 });
    expect(msr!.countPct).toBe(60);
    expect(msr!.timePct).toBe(20);
    expect(msr!.cyclesPerExit).toBe(2000);
    // every exit counts, not only those perf kvm stat saw
    expect(ext!.countPct).toBe(20);
    expect(t.rows.reduce((a, r) => a + r.countPct, 0)).toBeCloseTo(100, 10);
    expect(t.rows.reduce((a, r) => a + r.timePct, 0)).toBeCloseTo(100, 10);
  });

  it('is empty without exits and gives 0 % (not NaN) when nothing was recorded', () => {
    expect(exitReasonTable({})).toEqual({ rows: [], totalCount: 0, totalHostCycles: 0 });
    const t = exitReasonTable({ HLT: { count: 0, hostCycles: 0 } });
    expect(t.rows[0]).toMatchObject({ countPct: 0, timePct: 0, cyclesPerExit: null });
  });

  it('writes shares with two decimals', () => {
    expect(sharePctText(100 / 3)).toBe('33.33 %');
    expect(sharePctText(Number.NaN)).toBe('—');
  });
});
