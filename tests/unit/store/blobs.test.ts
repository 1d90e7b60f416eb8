// Sample and trace blob encodings: exact round trips, edge values, and a 10M-sample run.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLES_ENCODING, decodeSamples, decodeTrace, encodeSamples, encodeTrace } from '../../../src-main/store/blobs.js';
import { syntheticSamples } from '../../../src-main/store/bench-save.js';

function sameSamples(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('sample blobs', () => {
  it('round-trips edge values, empty arrays and subarray views', () => {
    const edge = new Int32Array([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 123456, -98765, 255, 256, 65535, 65536]);
    for (const a of [edge, new Int32Array(0), new Int32Array([42]), edge.subarray(3, 7)]) {
      const enc = encodeSamples(a);
      expect(enc.encoding).toBe(SAMPLES_ENCODING);
      expect(enc.count).toBe(a.length);
      expect(sameSamples(decodeSamples(enc.blob, enc.encoding, enc.count), a)).toBe(true);
    }
  });

  it('decodes the plain little-endian encoding too', () => {
    const a = new Int32Array([5, -6, 7]);
    const blob = deflateRawSync(Buffer.from(a.buffer));
    expect(Array.from(decodeSamples(blob, 'i32le-deflate', 3))).toEqual([5, -6, 7]);
  });

  it('rejects an unknown encoding and a wrong count', () => {
    const enc = encodeSamples(new Int32Array([1, 2]));
    expect(() => decodeSamples(enc.blob, 'nope', 2)).toThrow(/unknown samples encoding "nope"/);
    expect(() => decodeSamples(enc.blob, enc.encoding, 3)).toThrow(/expected 12 for 3 samples/);
  });

  it('round-trips 10M samples exactly', () => {
    const n = 10_000_000;
    const a = syntheticSamples(n, 7);
    const t0 = performance.now();
    const enc = encodeSamples(a);
    const t1 = performance.now();
    const back = decodeSamples(enc.blob, enc.encoding, enc.count);
    const t2 = performance.now();
    console.log(
      `10M samples: ${enc.blob.length} bytes encoded (${(enc.blob.length / n).toFixed(3)} B/sample, raw ${n * 4}); ` +
        `encode ${(t1 - t0).toFixed(0)} ms, decode ${(t2 - t1).toFixed(0)} ms`,
    );
    expect(sameSamples(back, a)).toBe(true);
    expect(enc.blob.length).toBeLessThan(n * 2);
  });
});

describe('trace blobs', () => {
  it('round-trips JSON lines and honours the limit', () => {
    const events = [
      { t: 0, cpu: 0, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER\nsecond line' },
      { t: 10, cpu: 1, event: 'kvm_entry', text: 'vcpu 0 "quoted"' },
      { t: 20, cpu: 0, event: 'x', text: 'ünïcode' },
    ];
    const blob = encodeTrace(events);
    expect(decodeTrace(blob)).toEqual(events);
    expect(decodeTrace(blob, 2)).toEqual(events.slice(0, 2));
    expect(decodeTrace(encodeTrace([]))).toEqual([]);
  });
});
