/**
 * Row shapes of the `runs` table and their mapping to the contract's RunListItem / RunDetail.
 * Pure functions over plain objects. Must not import electron, src-main/engine, runner or api.
 */
import type { Profile } from '../../src-shared/profile.js';
import { readStoredRunConfig } from '../../src-shared/run-config.js';
import { RUN_ROLES, type RunRole } from '../../src-shared/calibration.js';
import type { RunDetail, RunKind, RunListItem, RunStatus } from '../../src-shared/contract.js';
import type { MeasurementInfo } from '../../src-shared/measurement.js';
import { isMeasureId } from '../../src-shared/measures.js';
import { measureOfWorkload } from '../../src-shared/workloads.js';
import type { RunSummary } from '../../src-shared/result.js';

/** Columns the list needs (no JSON documents). */
export const LIST_COLUMNS =
  'id, experiment_id, name, kind, workload, strategy, profile_name, samples, seed, status, tags, ' +
  'created_at, finished_at, mean, p99, error, source_file, measure';

export interface ListRow {
  id: number;
  experiment_id: number | null;
  name: string;
  kind: RunKind;
  workload: string;
  strategy: string;
  profile_name: string | null;
  samples: number;
  seed: number | null;
  status: RunStatus;
  tags: string;
  created_at: string;
  finished_at: string | null;
  mean: number | null;
  p99: number | null;
  error: string | null;
  source_file: string | null;
  /** What an imported run measures (NULL for simulated runs: their workload says). */
  measure: string | null;
  /** Unit of mean/p99 (from the summary; list queries select it). */
  unit?: 'cycles' | 'ns' | null;
  /** Name of the run's experiment (list queries select it). */
  experiment_name?: string | null;
  /** A prediction's role of a simulated run (from the summary; list queries select it). */
  role?: string | null;
}

/** Measured for every import; reproduced or predicted when the summary says so; else none. */
function roleOf(kind: RunKind, role: string | null | undefined): RunRole | null {
  if (kind === 'measured') return 'measured';
  return (RUN_ROLES as readonly string[]).includes(role ?? '') ? (role as RunRole) : null;
}

export interface DetailRow extends ListRow {
  notes: string;
  config_json: string | null;
  summary_json: string | null;
  source_format: string | null;
  source_sha256: string | null;
  has_trace: number | null;
  measurement_json: string | null;
}

export function toListItem(r: ListRow): RunListItem {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    name: r.name,
    kind: r.kind,
    workload: r.workload,
    strategy: r.strategy,
    profile: r.profile_name ?? '',
    samples: r.samples,
    seed: r.seed,
    status: r.status,
    tags: JSON.parse(r.tags) as string[],
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    mean: r.mean,
    p99: r.p99,
    error: r.error,
    sourceFile: r.source_file,
    unit: r.unit ?? null,
    measure: isMeasureId(r.measure) ? r.measure : measureOfWorkload(r.workload),
    role: roleOf(r.kind, r.role),
    experimentName: r.experiment_name ?? null,
  };
}

export function toDetail(r: DetailRow, bases?: readonly Profile[]): RunDetail {
  const summary = r.summary_json === null ? null : (JSON.parse(r.summary_json) as RunSummary);
  return {
    ...toListItem(r),
    unit: summary?.latency.unit ?? null,
    role: roleOf(r.kind, summary?.calibration?.role),
    notes: r.notes,
    config: r.config_json === null ? null : readStoredRunConfig(r.config_json, bases),
    summary,
    source:
      r.source_file === null
        ? null
        : { fileName: r.source_file, format: r.source_format ?? '', sha256: r.source_sha256 ?? '' },
    hasTrace: r.has_trace === 1,
    measurement: r.measurement_json === null ? null : (JSON.parse(r.measurement_json) as MeasurementInfo),
  };
}

/** Trims, drops empties and case-insensitive duplicates, keeps the first spelling and order. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const t = String(raw).trim();
    const key = t.toLowerCase();
    if (t === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}
