// How far a percentile can be trusted: the samples expected above it. The verdict wording itself
// lives in src-shared/verdict.ts (the same words in the app, the CLI and the reports).

/** Expected number of samples above percentile p (N·(1−p)); below 10 the estimate is shaky. */
export function samplesBeyond(samples: number, p: number): number {
  return samples * (1 - p);
}

export const THIN_TAIL_SAMPLES = 10;
