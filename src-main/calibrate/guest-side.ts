/**
 * The guest side of a calibration: a kvm-unit-tests tscdeadline_latency log (guest TSC cycles) or
 * cyclictest output (ns, often 1 µs steps) read by the import parsers, as latency values in guest
 * TSC cycles for the fit and the goodness of fit. A histogram with more samples than the fit keeps
 * is thinned in proportion. Pure: must not import node:*, electron or better-sqlite3.
 */
import type { ParsedMeasurement } from '../formats/index.js';
import { CalibrationInputError } from './errors.js';

export const MAX_GUEST_VALUES = 2_000_000;

export interface GuestSide {
  fileName: string;
  format: string;
  workload: 'tscdeadline' | 'cyclictest';
  /** Latencies in ns as the file gives them (tscdeadline logs: null, they are cycles). */
  ns: Float64Array | null;
  /** Latencies in guest TSC cycles (tscdeadline logs). */
  cycles: Float64Array | null;
  /** Step of the values in ns (cyclictest µs: 1000), or null when exact. */
  resolutionNs: number | null;
  samples: number;
}

export function guestSideOf(parsed: ParsedMeasurement, fileName: string): GuestSide {
  const workload = parsed.format === 'tscdeadline-latency' ? 'tscdeadline' : parsed.format.startsWith('cyclictest') ? 'cyclictest' : null;
  if (!workload) throw new CalibrationInputError(fileName, `a ${parsed.format} file is no guest-side latency log (tscdeadline_latency or cyclictest)`);
  const series = parsed.series[0]!;
  let values: Float64Array;
  if (series.samples) values = Float64Array.from(series.samples);
  else if (series.histogram) {
    const total = series.histogram.counts.reduce((a, b) => a + b, 0);
    const keep = Math.min(1, MAX_GUEST_VALUES / Math.max(1, total));
    const out: number[] = [];
    series.histogram.values.forEach((v, i) => {
      const n = Math.round((series.histogram!.counts[i] ?? 0) * keep);
      for (let k = 0; k < n; k++) out.push(v);
    });
    values = Float64Array.from(out);
  } else {
    throw new CalibrationInputError(fileName, 'the file gives no latency distribution (status lines only give count, mean, min and max); use cyclictest -h or --json, or the tscdeadline_latency log');
  }
  if (values.length < 3) throw new CalibrationInputError(fileName, `only ${values.length} latency values: at least 3 are needed`);
  const tsc = workload === 'tscdeadline';
  return {
    fileName,
    format: parsed.format,
    workload,
    ns: tsc ? null : values,
    cycles: tsc ? values : null,
    resolutionNs: tsc ? null : (parsed.context.resolutionNs ?? 1000),
    samples: values.length,
  };
}
