// The run history: the list (newest first), its filters and the compare selection.
import { MAX_COMPARED_RUNS, type LabApi, type RunKind, type RunListItem } from '../../src-shared/contract.js';
import type { Strategy } from '../../src-shared/strategies.js';
import type { Workload } from '../../src-shared/workloads.js';
import { isComparableRun } from '../../src-shared/comparable.js';
import { errorInfo } from '../lib/transport.js';
import { groupByExperiment, sortRuns, type RunGroup, type SortKey } from '../lib/history-order.js';
import { unique } from '../lib/util.js';

export { SORT_KEYS, type RunGroup, type SortKey } from '../lib/history-order.js';

export interface HistoryFilters {
  workload: Workload | '';
  strategy: Strategy | '';
  kind: RunKind | '';
  tag: string;
  text: string;
}

/** The runs one comparison takes, as in the CLI, the API and the Compare view's address. */
export const MAX_COMPARE = MAX_COMPARED_RUNS;

export class HistoryStore {
  runs = $state.raw<RunListItem[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  filters = $state<HistoryFilters>({ workload: '', strategy: '', kind: '', tag: '', text: '' });
  /** Selected run ids, in the order they were ticked. */
  selected = $state<number[]>([]);
  sortKey = $state<SortKey>('created');
  sortDir = $state<1 | -1>(-1);
  grouped = $state(false);
  #api: LabApi;
  #seq = 0;

  constructor(api: LabApi) {
    this.#api = api;
  }

  /** The list in the chosen order, and grouped by experiment when asked. */
  sorted = $derived(sortRuns(this.runs, this.sortKey, this.sortDir));
  groups = $derived<RunGroup[]>(this.grouped ? groupByExperiment(this.sorted) : [{ experimentId: null, name: '', runs: this.sorted }]);

  /** Sorts by a column; the same column again turns the order round. */
  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortDir = this.sortDir === 1 ? -1 : 1;
    else {
      this.sortKey = key;
      this.sortDir = key === 'created' || key === 'id' ? -1 : 1;
    }
  }

  /** Every tag seen in the current list, for the filter's suggestions. */
  allTags = $derived(unique(this.runs.flatMap((r) => r.tags)).sort());

  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    const f = this.filters;
    try {
      const list = await this.#api.call('runs:list', {
        workload: f.workload || undefined,
        strategy: f.strategy || undefined,
        kind: f.kind || undefined,
        tag: f.tag.trim() || undefined,
        text: f.text.trim() || undefined,
        limit: 2000,
      });
      if (seq !== this.#seq) return;
      this.runs = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
      this.error = null;
      this.loaded = true;
    } catch (err) {
      if (seq === this.#seq) this.error = errorInfo(err).message;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  isSelected(id: number): boolean {
    return this.selected.includes(id);
  }

  /** Finished runs, and cancelled ones that kept samples, can be compared (a run not in the current list is taken as it was ticked). */
  #comparable(id: number): boolean {
    const r = this.runs.find((x) => x.id === id);
    return !r || isComparableRun(r);
  }

  toggle(id: number): void {
    if (this.selected.includes(id)) this.selected = this.selected.filter((x) => x !== id);
    else if (this.selected.length < MAX_COMPARE && this.#comparable(id)) this.selected = [...this.selected, id];
  }

  clearSelection(): void {
    this.selected = [];
  }

  /** 2–4 runs ticked, every one of them finished. */
  canCompare = $derived(this.selected.length >= 2 && this.selected.length <= MAX_COMPARE && this.selected.every((id) => this.#comparable(id)));

  async rename(id: number, name: string): Promise<void> {
    await this.#api.call('runs:rename', { id, name });
    this.runs = this.runs.map((r) => (r.id === id ? { ...r, name } : r));
  }

  async setTags(id: number, tags: string[]): Promise<void> {
    await this.#api.call('runs:tag', { id, tags });
    this.runs = this.runs.map((r) => (r.id === id ? { ...r, tags } : r));
  }

  async remove(ids: number[]): Promise<number> {
    const { deleted } = await this.#api.call('runs:delete', { ids });
    this.runs = this.runs.filter((r) => !ids.includes(r.id));
    this.selected = this.selected.filter((x) => !ids.includes(x));
    return deleted;
  }

  /** Applies a status change from a push without refetching the whole list. */
  patchStatus(id: number, status: RunListItem['status']): void {
    if (this.runs.some((r) => r.id === id && r.status !== status)) {
      this.runs = this.runs.map((r) => (r.id === id ? { ...r, status } : r));
    }
  }
}

/** Splits "a, b ,c" into tags (trimmed, unique, non-empty). */
export function parseTags(text: string): string[] {
  return unique(text.split(',').map((t) => t.trim()).filter((t) => t !== ''));
}
