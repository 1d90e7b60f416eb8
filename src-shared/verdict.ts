/**
 * The words of a comparison, the same in the app, the CLI, CSV exports and the HTML report: the
 * p-value format, the intervals of the differences and the one-line verdict. Neutral wording (google/benchmark#1491): first whether
 * a difference is detected at all, then its size against the noise threshold, never better or
 * worse. Must not import anything but src-shared types.
 */
import type { CompareRow } from './contract.js';

/** The smallest p-value a double-precision Mann–Whitney normal approximation resolves. */
export const P_FLOOR = 1e-15;

/** A p-value as a number text: "< 1e-15", "3e-12", "4e-4", "0.043", "1". */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  if (p < P_FLOOR) return `< ${P_FLOOR.toExponential(0)}`;
  if (p < 0.001) return p.toExponential(0);
  return String(Number(p.toPrecision(2)));
}

/** "p < 1e-15", "p = 3e-12", "p = 0.43". */
export function pValueText(p: number | null): string {
  const v = formatPValue(p);
  return v.startsWith('<') ? `p ${v}` : `p = ${v}`;
}

/** What the two intervals of a row are called in every table, column head and CSV header. */
export const CI_MEAN_LABEL = '95 % CI of Δmean';
export const CI_P99_LABEL = '95 % CI of Δp99';

/** A signed difference at `decimals` places: "+28.3", "-4", "0". */
function signedNumber(v: number, decimals: number): string {
  const t = v.toFixed(decimals);
  if (Number(t) === 0) return t.replace('-', '');
  return v > 0 ? `+${t}` : t;
}

/**
 * Decimal places for both ends of an interval: none when both are whole, else one, or as many as
 * its width needs for two significant digits, so a narrow interval never reads as a point.
 */
function intervalDecimals(lo: number, hi: number): number {
  if (Number.isInteger(lo) && Number.isInteger(hi)) return 0;
  const width = hi - lo;
  if (!(width > 0)) return 1;
  return Math.min(6, Math.max(1, 1 - Math.floor(Math.log10(width))));
}

/** A 95 % interval of a difference, in the comparison's unit: "+28.3 … +65.9"; "—" without one. */
export function intervalText(ci: readonly [number, number] | null | undefined): string {
  if (!ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return '—';
  const decimals = intervalDecimals(ci[0], ci[1]);
  return `${signedNumber(ci[0], decimals)} … ${signedNumber(ci[1], decimals)}`;
}

function signedPct(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a %';
  const r = x.toFixed(2);
  return r.startsWith('-') ? `${r} %` : `+${r} %`;
}

/**
 * One-line verdict for a row: "baseline", "no difference detected (p = 0.43)",
 * "difference detected: +0.62 % (p = 3e-12), below the 1 % noise threshold",
 * "difference detected: -4.10 % (p < 1e-15), at or above the 1 % noise threshold", or why the
 * row has none ("no verdict or p-value: they measure different things (…)").
 */
export function verdict(row: CompareRow, baselineId: number, noiseThresholdPct: number): string {
  if (row.id === baselineId) return 'baseline';
  // side by side only: it measures something else, has no distribution, or is in another unit
  if (row.noVerdict) return row.noVerdict;
  // With repeats on both sides the runs, not the samples, are the unit: the verdict says so.
  const across = row.basis === 'runs' && row.across ? `, across ${row.across.n} runs` : '';
  const p = `(${pValueText(row.pValue)}${across})`;
  if (!row.significant) return `no difference detected ${p}`;
  const side = row.practicallySignificant ? 'at or above' : 'below';
  const effect = row.basis === 'runs' ? (row.acrossDeltaPct ?? null) : row.deltaPct.mean;
  return `difference detected: ${signedPct(effect)} ${p}, ${side} the ${noiseThresholdPct} % noise threshold`;
}
