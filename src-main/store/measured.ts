/**
 * Input shape of an imported (measured) run and the RunSummary-shaped document stored for it, so
 * list, detail and compare read simulated and measured runs alike. Engine-only fields (critical
 * path, host steps, overhead, seed) are empty for measured runs. Must not import electron,
 * src-main/engine, runner or api.
 */
import type { RunSummary, ExitStat, Histogram, LatencyStats } from '../../src-shared/result.js';
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
  /** Latency statistics as the importer computed them (unit given by `unit`). */
  stats: Omit<LatencyStats, 'unit'>;
  /** Nanosecond statistics when the importer can convert (e.g. tscKhz known). */
  statsNs?: Omit<LatencyStats, 'unit'>;
  histogram?: Histogram | null;
  samples?: Int32Array | null;
  exits?: Record<string, ExitStat>;
  trace?: readonly unknown[];
  /** Best guess of the workload that produced the file (free text; default `measured`). */
  workload?: string;
  strategy?: string;
  profile?: string;
}

export function sampleCount(input: MeasuredRunInput): number {
  return input.samples?.length ?? input.histogram?.total ?? 0;
}

export function measuredSummary(input: MeasuredRunInput): RunSummary {
  const latency: LatencyStats = { ...input.stats, unit: input.unit };
  const latencyNs: LatencyStats = input.statsNs
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
