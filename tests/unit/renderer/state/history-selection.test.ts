// The History selection takes as many runs as one comparison does (the CLI, the API and the
// Compare address take the same number), finished runs only.
import { describe, expect, it } from 'vitest';
import { MAX_COMPARED_RUNS, type LabApi, type RunListItem } from '../../../../src-shared/contract.js';
import { HistoryStore } from '../../../../src-renderer/state/history.svelte.js';

const api: LabApi = { call: (async () => []) as LabApi['call'], on: () => () => {} };
const run = (id: number, status = 'done') => ({ id, status, name: `r${id}`, createdAt: `2026-01-01T00:00:0${id % 10}Z` }) as unknown as RunListItem;

describe('History compare selection', () => {
  it('takes up to MAX_COMPARED_RUNS finished runs, and no more', () => {
    const h = new HistoryStore(api);
    h.runs = Array.from({ length: MAX_COMPARED_RUNS + 1 }, (_, i) => run(i + 1));
    for (const r of h.runs) h.toggle(r.id);
    expect(h.selected).toHaveLength(MAX_COMPARED_RUNS);
    expect(h.canCompare).toBe(true);
  });

  it('refuses a run that has not finished', () => {
    const h = new HistoryStore(api);
    h.runs = [run(1), run(2, 'running')];
    h.toggle(1);
    h.toggle(2);
    expect(h.selected).toEqual([1]);
    expect(h.canCompare).toBe(false);
  });
});
