// The CLI's exits table of a run: per reason its count, share of the exits, host cycles, mean per
// exit and share of the exit time, from the summary's two sums per reason.
import { describe, expect, it } from 'vitest';
import { exitsText } from '../../../src-main/cli/output.js';
import { EXIT_TABLE_LIMITS } from '../../../src-shared/exit-reason-rows.js';
import type { RunSummary } from '../../../src-shared/result.js';

const summary = (exits: RunSummary['exits']) => ({ exits }) as RunSummary;

describe('exitsText', () => {
  it('lists every reason with its shares and says what a run does not keep', () => {
    const text = exitsText(summary({ MSR_WRITE: { count: 30, hostCycles: 60_000 }, HLT: { count: 10, hostCycles: 240_000 } }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('VM exits (host cycles from exit to entry): 40 exits, 300000 host cycles');
    expect(lines[1]!.trim()).toMatch(/^reason\s+count\s+exits %\s+host cycles\s+per exit\s+exit time %$/);
    expect(lines[2]!.trim().split(/\s{2,}/)).toEqual(['HLT', '10', '25.00 %', '240000', '24000', '80.00 %']);
    expect(lines[3]!.trim().split(/\s{2,}/)).toEqual(['MSR_WRITE', '30', '75.00 %', '60000', '2000', '20.00 %']);
    expect(lines[4]).toBe(EXIT_TABLE_LIMITS);
  });

  it('says none without exits', () => {
    expect(exitsText(summary({}))).toBe('VM exits: none');
  });
});
