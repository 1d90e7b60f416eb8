// The one rule for what a comparison takes: finished runs, and cancelled runs that kept samples.
import { describe, expect, it } from 'vitest';
import { isComparableRun, notComparableReason } from '../../../src-shared/comparable.js';
import { RUN_STATUSES } from '../../../src-shared/contract.js';

describe('isComparableRun', () => {
  it('takes done runs and cancelled runs with samples, nothing else', () => {
    const taken = RUN_STATUSES.flatMap((status) => [0, 5].map((samples) => ({ status, samples }))).filter(isComparableRun);
    expect(taken).toEqual([
      { status: 'done', samples: 0 },
      { status: 'done', samples: 5 },
      { status: 'cancelled', samples: 5 },
    ]);
  });

  it('says why, naming the run', () => {
    expect(notComparableReason({ id: 3, name: 'x', status: 'cancelled' })).toBe('run 3 (x) is cancelled with no samples; only finished runs, or cancelled ones that kept samples, can be compared');
    expect(notComparableReason({ id: 4, name: 'y', status: 'running' })).toMatch(/^run 4 \(y\) is running; /);
  });
});
