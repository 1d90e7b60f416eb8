// The sweep view's follower (state/sweep.svelte.ts, compiled by the Svelte plugin for this test
// project): a finished run is fetched once while others run, once more when all have finished,
// and never again after that.
import { describe, expect, it } from 'vitest';
import type { LabApi, RunDetail, RunListItem, RunStatus } from '../../../../src-shared/contract.js';
import { SweepResult } from '../../../../src-renderer/state/sweep.svelte.js';

function fakeApi(statusesByPoll: RunStatus[][]) {
  let poll = -1;
  const gets: number[] = [];
  const item = (id: number, status: RunStatus) => ({ id, experimentId: 7, name: `r${id}`, status, experimentName: 'sweep delta' }) as unknown as RunListItem;
  const api: LabApi = {
    call: (async (channel: string, args: { id?: number }) => {
      if (channel === 'runs:list') {
        poll = Math.min(poll + 1, statusesByPoll.length - 1);
        return (statusesByPoll[poll] ?? []).map((s, i) => item(i + 1, s));
      }
      if (channel === 'runs:get') {
        gets.push(args.id as number);
        const status = statusesByPoll[poll]?.[(args.id as number) - 1];
        return { id: args.id, status, samples: 1, config: null } as unknown as RunDetail;
      }
      throw new Error(`unexpected call ${channel}`);
    }) as LabApi['call'],
    on: () => () => {},
  };
  return { api, gets };
}

describe('SweepResult caching', () => {
  it('fetches a finished run once while others run, once more when all finish, then never', async () => {
    const { api, gets } = fakeApi([
      ['done', 'running', 'queued'],
      ['done', 'done', 'running'],
      ['done', 'done', 'done'],
    ]);
    const live = new SweepResult(api, 7);
    // a long poll interval: the test drives each look itself
    const look = async () => {
      gets.length = 0;
      await live.load(60_000);
      return [...gets].sort();
    };
    expect(await look()).toEqual([1, 2, 3]);
    expect(live.finished).toBe(false);
    // run 1 is finished and cached; runs 2 (just finished) and 3 (running) are fetched
    expect(await look()).toEqual([2, 3]);
    // all finished: the runs cached before the end are fetched once more, run 3 for the first time
    expect(await look()).toEqual([1, 2, 3]);
    expect(live.finished).toBe(true);
    expect(live.details.map((d) => d.status)).toEqual(['done', 'done', 'done']);
    // settled: nothing is fetched again
    expect(await look()).toEqual([]);
    live.stop();
  });

  it('refetches a run whose status changed even when it was cached as finished', async () => {
    const { api, gets } = fakeApi([
      ['done', 'running'],
      ['failed', 'running'],
    ]);
    const live = new SweepResult(api, 7);
    await live.load(60_000);
    gets.length = 0;
    await live.load(60_000);
    expect(gets.sort()).toEqual([1, 2]);
    expect(live.details[0]?.status).toBe('failed');
    live.stop();
  });
});
