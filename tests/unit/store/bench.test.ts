// Save timing of a 1M-sample run through benchSave (logged, not asserted).
import { describe, expect, it } from 'vitest';
import { benchSave, syntheticSamples } from '../../../src-main/store/bench-save.js';
import { freshStore } from './helpers.js';

describe('benchSave', () => {
  it('saves a 1M-sample run and reports the time', () => {
    const { store } = freshStore();
    const r = benchSave(store, 1_000_000, () => performance.now());
    console.log(`saveResult of 1M samples: ${r.saveMs.toFixed(1)} ms, ${r.encodedBytes} bytes encoded`);
    expect(r.samples).toBe(1_000_000);
    expect(store.get(r.runId).status).toBe('done');
    const back = store.getSamples(r.runId)!;
    expect(Buffer.from(back.buffer).equals(Buffer.from(syntheticSamples(1_000_000).buffer))).toBe(true);
  });
});
