// Runner tests: worker-count independence, progress through shared memory, cancel latency,
// fault isolation (a shard that throws or kills its worker) and concurrent runs.
// The worker runs from build/: `npx tsc -p tsconfig.main.json` must have run first.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src-shared/config.js';
import { DEFAULT_PROFILE, buildRunConfig } from '../../../src-main/engine/index.js';
import { Runner, RunCancelledError, progressRate, type RunProgressInfo } from '../../../src-main/runner/index.js';

const runners: Runner[] = [];

afterEach(async () => {
  for (const r of runners.splice(0)) await r.close();
});

function runner(threads: number): Runner {
  const r = new Runner({ threads });
  runners.push(r);
  return r;
}

function config(workload: string, strategy: string, samples: number, seed = 1): RunConfig {
  return buildRunConfig({ workload, strategy, profile: DEFAULT_PROFILE, samples, seed });
}

describe('Runner', () => {
  it('gives the same summary and samples with 1 and 2 worker threads', async () => {
    const cfg = config('tscdeadline-halt', 'vmx-preemption', 120_000, 7);
    const [one, two] = await Promise.all([runner(1).run('a', cfg), runner(2).run('b', cfg)]);
    expect(one.samples.length).toBe(120_000);
    expect(two.summary).toEqual(one.summary);
    expect(Buffer.from(two.samples.buffer, two.samples.byteOffset, two.samples.byteLength).equals(
      Buffer.from(one.samples.buffer, one.samples.byteOffset, one.samples.byteLength),
    )).toBe(true);
  });

  it('reports progress repeatedly during a run, with sensible numbers', async () => {
    const r = runner(2);
    const total = 4_000_000; // ≥ 1.5 s even on a fast 2-core machine
    const events: Array<{ t: number; p: RunProgressInfo }> = [];
    let started = 0;
    const t0 = performance.now();
    const merged = await r.run('progress', config('tscdeadline-busy', 'hrtimer', total), {
      onStart: () => {
        started++;
      },
      onProgress: (p) => events.push({ t: performance.now(), p }),
    });
    const elapsed = (performance.now() - t0) / 1000;
    expect(merged.samples.length).toBe(total);
    expect(started).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(1.5); // the run must be long enough for the check to mean something
    // Callbacks per full second, counted from the first callback.
    const first = events[0]!.t;
    const last = events.at(-1)!.t;
    const perSecond: number[] = [];
    for (let s = first; s + 1000 <= last; s += 1000) {
      perSecond.push(events.filter((e) => e.t >= s && e.t < s + 1000).length);
    }
    const rate = (events.length - 1) / ((last - first) / 1000);
    console.log(`progress: ${events.length} callbacks over ${elapsed.toFixed(2)} s, ${rate.toFixed(2)}/s, per second ${perSecond.join(',')}`);
    // the cadence (4 a second) is a speed target, measured in `npm run bench`; here: it keeps coming
    expect(perSecond.length).toBeGreaterThanOrEqual(1);
    for (const n of perSecond) expect(n).toBeGreaterThanOrEqual(1);
    // done is monotone, bounded by total, and reaches total at the end.
    for (let i = 1; i < events.length; i++) expect(events[i]!.p.done).toBeGreaterThanOrEqual(events[i - 1]!.p.done);
    for (const { p } of events) {
      expect(p.total).toBe(total);
      expect(p.done).toBeGreaterThan(0);
      expect(p.done).toBeLessThanOrEqual(total);
      expect(Number.isFinite(p.samplesPerSec)).toBe(true);
      expect(p.samplesPerSec).toBeGreaterThanOrEqual(0);
    }
    expect(events.at(-1)!.p.done).toBe(total);
    // Mid-run: a plausible rate (0.05–20 M samples/s) and an ETA consistent with it.
    const mid = events[Math.floor(events.length / 2)]!.p;
    expect(mid.samplesPerSec).toBeGreaterThan(50_000);
    expect(mid.samplesPerSec).toBeLessThan(20_000_000);
    expect(mid.etaSec).not.toBeNull();
    expect(mid.etaSec!).toBeGreaterThan(0);
    expect(mid.etaSec!).toBeLessThan(60);
    expect(mid.etaSec!).toBeCloseTo((total - mid.done) / mid.samplesPerSec, 6);
    expect(events.at(-1)!.p.etaSec).toBe(0);
  });

  it('cancels a 20M-sample run long before it would finish, keeping the samples done', async () => {
    const r = runner(2);
    let onProgress: () => void = () => {};
    const running = new Promise<void>((res) => (onProgress = res));
    const p = r.run('big', config('tscdeadline-busy', 'hrtimer', 20_000_000), { onProgress: () => onProgress() });
    const outcome = p.then(
      () => ({ ok: true as const, t: performance.now(), err: null }),
      (err: unknown) => ({ ok: false as const, t: performance.now(), err }),
    );
    await running;
    const t0 = performance.now();
    expect(r.cancel('big')).toBe(true);
    const res = await outcome;
    const ms = res.t - t0;
    console.log(`cancel latency: ${ms.toFixed(1)} ms`);
    expect(res.ok).toBe(false);
    expect(res.err).toBeInstanceOf(RunCancelledError);
    // the latency target (200 ms) is measured in `npm run bench`; here the run must stop early
    // The samples finished before the cancel come back, counted as they are.
    const partial = (res.err as RunCancelledError).partial;
    expect(partial).not.toBeNull();
    expect(partial!.samples.length).toBeGreaterThan(0);
    expect(partial!.samples.length).toBeLessThan(20_000_000);
    expect(partial!.summary.samples).toBe(partial!.samples.length);
    expect(partial!.histogram.total).toBe(partial!.samples.length);
    expect(partial!.summary.stoppedBy).toBe('cancelled');
    expect(r.cancel('big')).toBe(false); // gone from the active set
    // The pool is still usable afterwards.
    const after = await r.run('after', config('tscdeadline-halt', 'hrtimer', 2_000));
    expect(after.samples.length).toBe(2_000);
  });

  for (const kind of ['throw', 'exit'] as const) {
    it(`a shard fault (${kind}) fails only its run; concurrent and later runs complete`, async () => {
      const r = runner(2);
      const cfg = config('tscdeadline-halt', 'hrtimer', 150_000);
      const bad = r.run('bad', cfg, { fault: { shard: 1, kind } });
      const good = r.run('good', config('tscdeadline-halt', 'vmx-preemption', 100_000));
      const [b, g] = await Promise.allSettled([bad, good]);
      expect(b.status).toBe('rejected');
      const reason = (b as PromiseRejectedResult).reason as Error;
      expect(reason).toBeInstanceOf(Error);
      expect(reason).not.toBeInstanceOf(RunCancelledError);
      if (kind === 'throw') expect(reason.message).toContain('injected fault in shard 1');
      else expect(reason.message).toMatch(/exit|terminat/i);
      expect(g.status).toBe('fulfilled');
      expect((g as PromiseFulfilledResult<{ samples: Int32Array }>).value.samples.length).toBe(100_000);
      // Afterwards the same key can run again and the pool still works.
      const again = await r.run('bad', cfg);
      expect(again.samples.length).toBe(150_000);
    }, 20_000);
  }

  it('cancelling one run does not strand the queued shards of another run', async () => {
    // Regression: with piscina minThreads 0, aborting a run's running shards terminated both
    // workers and nothing was spawned for the other run's queued shards, so it never finished.
    const r = runner(2);
    let go: () => void = () => {};
    const started = new Promise<void>((res) => (go = res));
    const a = r.run('a', config('tscdeadline-halt', 'hrtimer', 2_000_000), { onProgress: () => go() });
    const b = r.run('b', config('tscdeadline-halt', 'vmx-preemption', 100_000));
    await started;
    r.cancel('a');
    await expect(a).rejects.toBeInstanceOf(RunCancelledError);
    const t0 = performance.now();
    const merged = await Promise.race([
      b,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('run b never finished after run a was cancelled')), 10_000)),
    ]);
    expect(merged.samples.length).toBe(100_000);
    console.log(`run b finished ${(performance.now() - t0).toFixed(0)} ms after run a was cancelled`);
  }, 20_000);

  it('completes several runs submitted at once, each equal to its solo result', async () => {
    const r = runner(2);
    const cfgs = [
      config('tscdeadline-halt', 'hrtimer', 60_000, 1),
      config('tscdeadline-halt', 'vmx-preemption', 60_000, 2),
      config('vmexit-tscdeadline', 'hrtimer', 30_000, 3),
      config('cyclictest', 'vmx-preemption', 20_000, 4),
      config('tscdeadline-busy', 'vmx-preemption', 75_000, 5),
    ];
    const results = await Promise.all(cfgs.map((c, i) => r.run(`k${i}`, c)));
    results.forEach((m, i) => {
      expect(m.samples.length).toBe(cfgs[i]!.samples);
      expect(m.summary.workload).toBe(cfgs[i]!.workload);
      expect(m.summary.strategy).toBe(cfgs[i]!.strategy);
      expect(m.summary.seed).toBe(cfgs[i]!.seed);
    });
    const solo = await r.run('solo', cfgs[3]!);
    expect(results[3]!.summary).toEqual(solo.summary);
  });

  it('refuses a second run under a key that is still running', async () => {
    const r = runner(1);
    const first = r.run('same', config('tscdeadline-halt', 'hrtimer', 20_000));
    await expect(r.run('same', config('tscdeadline-halt', 'hrtimer', 10))).rejects.toThrow(/already running/);
    expect((await first).samples.length).toBe(20_000);
  });

  it('takes the pool\'s report of a result for a task already gone (a shard cancelled as it started) without throwing', async () => {
    const r = runner(1);
    const pool = (r as unknown as { pool: { emit(event: string, err: Error): boolean } }).pool;
    expect(() => pool.emit('error', new Error('Unexpected message from Worker: { taskId: 7 }'))).not.toThrow();
    expect((await r.run('after', config('tscdeadline-busy', 'hrtimer', 1000))).samples.length).toBe(1000);
  });
});

describe('progressRate', () => {
  it('measures the rate from the run\'s start, so the first update is not absurd', () => {
    // 4096 samples seen 50 ms after the first shard started: 81 920 samples/s, not "246 M/s, ETA 0 s".
    const r = progressRate(4096, 1_000_000, 10_000, 10_050);
    expect(r.samplesPerSec).toBeCloseTo(81_920, 6);
    expect(r.etaSec).toBeCloseTo((1_000_000 - 4096) / 81_920, 6);
    expect(r.etaSec!).toBeGreaterThan(10);
  });

  it('gives no rate and no ETA before time has passed or samples are done', () => {
    expect(progressRate(0, 100, 1000, 2000)).toEqual({ samplesPerSec: 0, etaSec: null });
    expect(progressRate(10, 100, 2000, 2000)).toEqual({ samplesPerSec: 0, etaSec: null });
    expect(progressRate(10, 100, Infinity, 2000)).toEqual({ samplesPerSec: 0, etaSec: null });
    expect(progressRate(100, 100, 0, 1000).etaSec).toBe(0);
  });
});
