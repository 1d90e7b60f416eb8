// The order of History: sorting by a column (unknown values last) and grouping by experiment.
// Plain functions (no runes) so they can be unit tested.
import type { RunListItem } from '../../src-shared/contract.js';

/** Columns History sorts by. */
export const SORT_KEYS = ['id', 'name', 'status', 'workload', 'samples', 'mean', 'p99', 'created'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface RunGroup {
  /** null: runs without an experiment. */
  experimentId: number | null;
  name: string;
  runs: RunListItem[];
}

function sortValue(r: RunListItem, key: SortKey): string | number | null {
  switch (key) {
    case 'id':
      return r.id;
    case 'name':
      return r.name.toLowerCase();
    case 'status':
      return r.status;
    case 'workload':
      return `${r.workload} ${r.strategy}`;
    case 'samples':
      return r.samples;
    case 'mean':
      return r.mean;
    case 'p99':
      return r.p99;
    case 'created':
      return r.createdAt;
  }
}

/** Runs in the chosen order; unknown values (no mean yet) last either way; ties newest first. */
export function sortRuns(runs: readonly RunListItem[], key: SortKey, dir: 1 | -1): RunListItem[] {
  return [...runs].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    const c = va === null || vb === null ? 0 : typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c * dir || b.id - a.id;
  });
}

/** Runs grouped by experiment, groups in the order their first run appears. */
export function groupByExperiment(runs: readonly RunListItem[]): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const r of runs) {
    const key = r.experimentId === null ? 'none' : String(r.experimentId);
    const g = groups.get(key) ?? { experimentId: r.experimentId, name: r.experimentId === null ? 'no experiment' : (r.experimentName ?? `experiment ${r.experimentId}`), runs: [] };
    g.runs.push(r);
    groups.set(key, g);
  }
  return [...groups.values()];
}

