/**
 * Repeated runs: the finished simulated runs of one experiment that share a configuration (all
 * but the seed) form a repeat group, and the spread of their mean latencies is the between-run
 * variation that `--repeat N` and the app's Repeat field are for. Groups are found from the
 * stored configurations, cached per experiment until the database changes (RepeatIndex). Must not
 * import electron.
 */
import type { RunConfig } from '../../src-shared/config.js';
import { MAX_LIST_LIMIT, type AcrossRuns, type RunDetail } from '../../src-shared/contract.js';
import { acrossRuns } from '../stats/index.js';
import type { RunStore } from '../store/index.js';

/** A configuration without its seed, as a stable text (keys sorted at every level). */
export function configurationKey(c: RunConfig): string {
  const { seed: _seed, ...rest } = c;
  return stableJson(rest);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What a repeat group keeps of each run: what never changes once the run is done. */
export type RepeatMember = Pick<RunDetail, 'id' | 'status' | 'summary'>;

/** The across-run statistics of a group of runs' mean latencies (at least two finished runs). */
export function acrossOf(group: readonly RepeatMember[]): AcrossRuns | undefined {
  const done = group.filter((r) => r.status === 'done' && r.summary);
  if (done.length < 2) return undefined;
  return { ...acrossRuns(done.map((r) => r.summary!.latency.mean)), runIds: done.map((r) => r.id) };
}

interface Cached {
  /** The store's revision when the groups were last known current. */
  revision: string;
  /** The experiment's runs and their statuses the groups were built from. */
  members: string;
  groups: Map<string, RepeatMember[]>;
}

/**
 * Finds a run's repeat group; remembers each experiment's groups. While the database has not
 * changed (the store's revision) they are served without a query; after any change the
 * experiment's run list is read again, and the groups are rebuilt when a run of it was added,
 * deleted or changed status. A group keeps only what a finished run cannot change (id, status,
 * summary), so a rename or new notes cannot leave it stale.
 */
export class RepeatIndex {
  private readonly cache = new Map<number, Cached>();

  constructor(private readonly store: RunStore) {}

  private groupsOf(experimentId: number): Map<string, RepeatMember[]> {
    const revision = this.store.revision();
    const hit = this.cache.get(experimentId);
    if (hit && hit.revision === revision) return hit.groups;
    const list = this.store.list({ experimentId, limit: MAX_LIST_LIMIT });
    const members = list.map((r) => `${r.id}:${r.status}`).join(',');
    if (hit && hit.members === members) {
      hit.revision = revision;
      return hit.groups;
    }
    const groups = new Map<string, RepeatMember[]>();
    // Without two seeds in the experiment there are no repeats: no need to read the configurations.
    if (new Set(list.filter((r) => r.kind === 'simulated').map((r) => r.seed)).size > 1) {
      for (const item of list) {
        if (item.kind !== 'simulated' || item.status !== 'done') continue;
        const run = this.store.get(item.id);
        if (!run.config) continue;
        const key = configurationKey(run.config);
        groups.set(key, [...(groups.get(key) ?? []), { id: run.id, status: run.status, summary: run.summary }]);
      }
      for (const g of groups.values()) g.sort((a, b) => a.id - b.id);
    }
    this.cache.delete(experimentId); // re-inserted last: the oldest entry is the one evicted
    this.cache.set(experimentId, { revision, members, groups });
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value as number);
    return groups;
  }

  /** The finished runs of `run`'s configuration in its experiment (itself included), by id; [run] without repeats. */
  group(run: RunDetail): RepeatMember[] {
    if (run.experimentId === null || !run.config || run.kind !== 'simulated') return [run];
    const g = this.groupsOf(run.experimentId).get(configurationKey(run.config));
    return g && g.some((r) => r.id === run.id) ? g : [run];
  }

  /** Across-run statistics of `run`'s repeat group, when it has at least two finished runs. */
  across(run: RunDetail): AcrossRuns | undefined {
    return acrossOf(this.group(run));
  }
}
