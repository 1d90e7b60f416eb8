/**
 * Input shape of an imported (measured) run and the RunSummary-shaped document stored for it, so
 * list, detail and compare read simulated and measured runs alike. Engine-only fields (critical
 * path, host steps, overhead, seed) are empty for measured runs; statistics the file does not
 * give are null. What the run measures and the file's context and tables go with it
 * (MeasurementInfo). Must not import electron, src-main/engine, runner or api.
 */
import type { MeasurementInfo } from '../../src-shared/measurement.js';
import type { MeasureId } from '../../src-shared/measures.js';
import type { RunSummary, ExitStat, Histogram, SummaryStats } from '../../src-shared/result.js';
import type { Strategy } from '../../src-shared/strategies.js';
import type { Workload } from '../../src-shared/workloads.js';

export interface MeasuredRunInput {
  name: string;
  notes?: string;
  tags?: string[];
  experimentId?: number | null;
  sourceFile: string;
  /** Import format name (e.g. `cyclictest-hist`). */
  format: string;
  sha256: string;
  /** Unit of `stats`, `histogram` and `samples`. */
  unit: 'cycles' | 'ns';
  /** Statistics as the file gives them (unit given by `unit`); unknown ones are null. */
  stats: Omit<SummaryStats, 'unit'>;
  /** Nanosecond statistics when the importer can convert (a known TSC rate). */
  statsNs?: Omit<SummaryStats, 'unit'>;
  histogram?: Histogram | null;
  samples?: Int32Array | null;
  /** Number of samples the file counts (overflows included); default: the samples' or histogram's. */
  count?: number;
  measure?: MeasureId;
  measurement?: MeasurementInfo;
  exits?: Record<string, ExitStat>;
  trace?: readonly unknown[];
  /** Best guess of the workload that produced the file (free text; default `measured`). */
  workload?: string;
  strategy?: string;
  profile?: string;
}

export function sampleCount(input: MeasuredRunInput): number {
  return input.count ?? input.samples?.length ?? input.histogram?.total ?? 0;
}

export function measuredSummary(input: MeasuredRunInput): RunSummary {
  const latency: SummaryStats = { ...input.stats, unit: input.unit };
  const latencyNs: SummaryStats = input.statsNs
    ? { ...input.statsNs, unit: 'ns' }
    : latency;
  return {
    workload: (input.workload ?? 'measured') as Workload,
    strategy: (input.strategy ?? 'unknown') as Strategy,
    profile: input.profile ?? '',
    samples: sampleCount(input),
    seed: 0,
    engineVersion: '',
    latency,
    latencyNs,
    exits: input.exits ?? {},
    overheadCyclesPerTimerEvent: 0,
    timerEvents: 0,
    criticalPath: {},
    hostCyclesByStep: {},
  };
}
