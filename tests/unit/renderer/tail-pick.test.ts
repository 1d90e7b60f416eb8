// A click in a histogram's tail opens the listed worst sample nearest the clicked value; a click
// before the listed tail says where the tail starts.
import { describe, expect, it } from 'vitest';
import { pickTailSample } from '../../../src-renderer/lib/tail-pick.js';

const worst = [
  { index: 7, value: 9000 },
  { index: 3, value: 6000 },
  { index: 12, value: 5200 },
];

describe('a click on the histogram tail', () => {
  it('picks the listed sample nearest the clicked value, also beyond the maximum', () => {
    expect(pickTailSample(worst, 5900)).toEqual({ sample: { index: 3, value: 6000 } });
    expect(pickTailSample(worst, 20_000)).toEqual({ sample: { index: 7, value: 9000 } });
    expect(pickTailSample(worst, 5200)).toEqual({ sample: { index: 12, value: 5200 } });
  });

  it('picks nothing before the listed tail, nor from an empty run, and says why', () => {
    expect(pickTailSample(worst, 5000)).toEqual({ none: expect.stringContaining('click at 5200 or beyond') });
    expect(pickTailSample([], 5000)).toEqual({ none: 'the run has no samples' });
    expect(pickTailSample(worst, Number.NaN)).toHaveProperty('none');
  });
});
