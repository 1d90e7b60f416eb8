/**
 * A click on a run's histogram, turned into one of its worst samples: the listed sample whose
 * value is nearest the clicked value. Only the tail is listed, so a click left of the smallest
 * listed value picks nothing (and says where the list starts).
 */
export interface ListedSample {
  index: number;
  value: number;
}

export type TailPick = { sample: ListedSample } | { none: string };

export function pickTailSample(listed: readonly ListedSample[], at: number): TailPick {
  if (listed.length === 0) return { none: 'the run has no samples' };
  const smallest = listed.reduce((m, s) => (s.value < m ? s.value : m), Infinity);
  if (!Number.isFinite(at) || at < smallest) return { none: `only the ${listed.length} largest samples can be opened from the histogram: click at ${Math.round(smallest)} or beyond` };
  let best = listed[0]!;
  for (const s of listed) if (Math.abs(s.value - at) < Math.abs(best.value - at)) best = s;
  return { sample: best };
}
