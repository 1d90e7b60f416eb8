/**
 * Validated numbers for every import format: counts, latencies and times are decimal text of at
 * most 15 digits within a stated range, so negative counts, 400-digit values, non-finite numbers
 * and sums that overflow are an error naming their line, never a stored Infinity or a crash.
 * Must not import node:*, electron or better-sqlite3.
 */
import { FormatError } from './errors.js';

/** Largest sample count of one histogram cell, thread or table row (2^50 ≈ 1.1·10^15). */
export const MAX_COUNT = 2 ** 50;
/** Largest total of counts, times or values summed over a file (exact in a double). */
export const MAX_TOTAL = Number.MAX_SAFE_INTEGER;
/** Latencies kept sample by sample are int32 in their stored unit (ns or cycles). */
export const MAX_SAMPLE = 2 ** 31 - 1;
/** Largest latency or time of any other kind, in ns or cycles (≈ 104 days in ns). */
export const MAX_VALUE = Number.MAX_SAFE_INTEGER;
/** Largest latency a cyclictest or perf field may state, in its own unit (µs or ns): 10^12. */
export const MAX_LATENCY_FIELD = 1e12;

const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,9})?$/;

function range(min: number, max: number): string {
  return `between ${min} and ${max}`;
}

/** A whole number in [min, max] written as at most 15 digits. */
export function intField(text: string, lineNo: number, raw: string, what: string, min: number, max: number): number {
  const t = text.trim();
  const v = INTEGER.test(t) ? Number(t) : NaN;
  if (!(v >= min && v <= max)) throw new FormatError(lineNo, `${what}: a whole number ${range(min, max)}`, raw);
  return v;
}

/** A sample count: a whole number 0 … MAX_COUNT. */
export function countField(text: string, lineNo: number, raw: string, what: string): number {
  return intField(text, lineNo, raw, what, 0, MAX_COUNT);
}

/** A decimal number (up to 15 integer and 9 fraction digits) in [min, max]. */
export function decimalField(text: string, lineNo: number, raw: string, what: string, min: number, max: number): number {
  const t = text.trim();
  const v = DECIMAL.test(t) ? Number(t) : NaN;
  if (!(v >= min && v <= max)) throw new FormatError(lineNo, `${what}: a number ${range(min, max)}`, raw);
  return v;
}

/** A number that arrived already parsed (JSON): finite and in [min, max], a whole number if asked. */
export function checkedNumber(v: number, lineNo: number, raw: string, what: string, min: number, max: number, whole = false): number {
  if (!Number.isFinite(v) || v < min || v > max || (whole && !Number.isInteger(v))) {
    throw new FormatError(lineNo, `${what}: a ${whole ? 'whole number' : 'number'} ${range(min, max)}`, raw);
  }
  return v;
}

/** Adds to a running total, refusing a sum past MAX_TOTAL. */
export function addTotal(total: number, v: number, lineNo: number, raw: string, what: string): number {
  const s = total + v;
  if (!(Math.abs(s) <= MAX_TOTAL)) throw new FormatError(lineNo, `${what}: a total of at most ${MAX_TOTAL}`, raw);
  return s;
}
