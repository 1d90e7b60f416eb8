/**
 * One rule for writing a statistic that may be unknown, lie in a histogram's overflow, or fall
 * below the data's resolution: "—", "> 399 000", "< 1 000", else the number. The CLI, the app,
 * the CSV and the HTML report all write statistics through it. Must not import anything but
 * other src-shared modules.
 */
import { PERCENTILE_KEYS, type StatKey } from './result.js';

export const UNKNOWN_STAT = '—';

/** Statistics as a run summary or a comparison row holds them. */
export type StatsLike = Partial<Record<StatKey, number | null>> & { above?: number; resolution?: number };

/** Text of statistic `key` of `s`, with `fmt` writing the numbers. */
export function statText(s: StatsLike, key: StatKey, fmt: (v: number) => string): string {
  const v = s[key];
  if (v === null || v === undefined || !Number.isFinite(v)) {
    const inOverflow = s.above !== undefined && (PERCENTILE_KEYS as readonly string[]).includes(key);
    return inOverflow ? `> ${fmt(s.above as number)}` : UNKNOWN_STAT;
  }
  if (key !== 'mean' && key !== 'stddev' && s.resolution !== undefined && s.resolution > 1 && Math.abs(v) < s.resolution) {
    return `< ${fmt(s.resolution)}`;
  }
  return fmt(v);
}

/** Text of any number that may be unknown: "—" for null, undefined, NaN or ±Infinity. */
export function numberText(v: number | null | undefined, fmt: (v: number) => string): string {
  return v === null || v === undefined || !Number.isFinite(v) ? UNKNOWN_STAT : fmt(v);
}

/** A measured value (a minimum, a maximum): "—" when unknown, "< step" below the data's resolution. */
export function measuredValueText(v: number | null | undefined, fmt: (v: number) => string, resolution: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return UNKNOWN_STAT;
  return resolution !== null && resolution !== undefined && resolution > 1 && Math.abs(v) < resolution ? `< ${fmt(resolution)}` : fmt(v);
}
