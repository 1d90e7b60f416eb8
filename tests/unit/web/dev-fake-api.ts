/**
 * An ApiHost with canned, in-memory data for trying the renderer in web mode before the real
 * services are wired (`tests/unit/web/dev-serve.ts`), and for the bridge's unit tests.
 * Not shipped: the renderer never sees this file.
 */
import type {
  CallResults,
  CompareResult,
  CompareRow,
  PushChannel,
  PushPayloads,
  RunDetail,
  RunListItem,
  TraceEventRow,
} from '../../../src-shared/contract.js';
import { defaultRunParams, type RunParams } from '../../../src-shared/config.js';
import { COST_NAMES, type Profile } from '../../../src-shared/profile.js';
import type { Histogram, LatencyStats, RunSummary } from '../../../src-shared/result.js';
import { RUN_PARAMS, type Strategy, type Workload } from '../../../src-shared/workloads.js';
import type { ApiHost, PushListener } from '../../../src-main/api/host.js';

class FakeError extends Error {
  constructor(
    readonly code: 'bad-input' | 'not-found' | 'conflict' | 'failed',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Deterministic PRNG (mulberry32) so canned data is the same every start. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TSC_KHZ = 2_594_000;

function profile(name = 'HSW-2016'): Profile {
  const costs: Profile['costs'] = {};
  COST_NAMES.forEach((c, i) => {
    costs[c] = { cycles: 100 + ((i * 137) % 900), jitter: 0.05, meaning: `${c.replace(/_/g, ' ')} (fake)`, basis: 'canned dev data' };
  });
  return { name, description: 'Haswell host, Linux 4.9-era KVM (fake)', tsc_khz: TSC_KHZ, X: 5, costs };
}

function samples(seed: number, n: number, base: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const tail = r() < 0.01 ? r() * base * 3 : 0;
    out.push(Math.round(base + (r() + r() + r() - 1.5) * base * 0.08 + tail));
  }
  return out.sort((a, b) => a - b);
}

function histogramOf(sorted: number[]): Histogram {
  const map = new Map<number, number>();
  for (const v of sorted) {
    const lo = Math.floor(v / 16) * 16;
    map.set(lo, (map.get(lo) ?? 0) + 1);
  }
  const buckets = [...map.entries()].sort((a, b) => a[0] - b[0]).map(([lo, c]) => [lo, lo + 15, c] as [number, number, number]);
  return { subBucketBits: 11, buckets, underflow: 0, total: sorted.length };
}

function stats(sorted: number[], unit: 'cycles' | 'ns', scale = 1): LatencyStats {
  const q = (p: number): number => (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * scale;
  const mean = (sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)) * scale;
  const sd = Math.sqrt(sorted.reduce((a, b) => a + (b * scale - mean) ** 2, 0) / Math.max(1, sorted.length));
  return { unit, mean, min: (sorted[0] ?? 0) * scale, max: (sorted[sorted.length - 1] ?? 0) * scale, stddev: sd, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) };
}

interface FakeRun {
  item: RunListItem;
  detail: RunDetail;
  sorted: number[];
}

export interface FakeApiHost extends ApiHost {
  /** Sends a push to every subscriber (tests). */
  emit<K extends PushChannel>(channel: K, payload: PushPayloads[K]): void;
  calls: Array<{ channel: string; args: unknown }>;
}

export function createDevFakeApi(opts: { simulateRuns?: boolean } = {}): FakeApiHost {
  const listeners = new Set<PushListener>();
  const runs = new Map<number, FakeRun>();
  const calls: Array<{ channel: string; args: unknown }> = [];
  let nextId = 1;
  let nextExp = 1;

  function emit<K extends PushChannel>(channel: K, payload: PushPayloads[K]): void {
    for (const l of listeners) l(channel, payload);
  }

  function addRun(o: {
    workload: Workload;
    strategy: Strategy;
    n: number;
    base: number;
    status?: RunListItem['status'];
    kind?: RunListItem['kind'];
    name?: string;
    tags?: string[];
    experimentId?: number | null;
    set?: Record<string, string | number | boolean>;
    seed?: number;
  }): FakeRun {
    const id = nextId++;
    const status = o.status ?? 'done';
    const kind = o.kind ?? 'simulated';
    const sorted = status === 'done' ? samples(id * 7919, o.n, o.base) : [];
    const lat = stats(sorted, 'cycles');
    const latNs = stats(sorted, 'ns', 1e6 / TSC_KHZ);
    const cp: Record<string, number> =
      kind === 'simulated'
        ? o.strategy === 'hrtimer'
          ? { host_lapic_irq_hw: lat.mean * 0.08, hrtimer_interrupt: lat.mean * 0.22, apic_timer_fn: lat.mean * 0.1, vmexit_hw: lat.mean * 0.15, pending_inject: lat.mean * 0.2, vmentry_hw: lat.mean * 0.15, guest_deliver: lat.mean * 0.1 }
          : { vmexit_hw: lat.mean * 0.25, hv_handler: lat.mean * 0.15, pending_inject: lat.mean * 0.25, vmentry_hw: lat.mean * 0.2, guest_deliver: lat.mean * 0.15 }
        : {};
    const summary: RunSummary | null =
      status === 'done'
        ? {
            workload: o.workload,
            strategy: o.strategy,
            profile: 'HSW-2016',
            samples: o.n,
            seed: o.seed ?? 1,
            engineVersion: '0.1.0-fake',
            latency: lat,
            latencyNs: latNs,
            exits:
              kind === 'simulated'
                ? o.strategy === 'hrtimer'
                  ? { EXTERNAL_INTERRUPT: { count: o.n, hostCycles: o.n * 2400 }, MSR_WRITE: { count: o.n, hostCycles: o.n * 1500 } }
                  : { PREEMPTION_TIMER: { count: o.n, hostCycles: o.n * 1300 }, MSR_WRITE: { count: o.n, hostCycles: o.n * 1700 } }
                : {},
            overheadCyclesPerTimerEvent: kind === 'simulated' ? (o.strategy === 'hrtimer' ? 3900 : 3000) : 0,
            timerEvents: o.n,
            criticalPath: cp,
            hostCyclesByStep: {},
          }
        : null;
    const params = { ...defaultRunParams(), ...(o.set ?? {}) };
    const item: RunListItem = {
      id,
      unit: o.kind === 'measured' ? 'ns' : 'cycles',
      experimentId: o.experimentId ?? null,
      name: o.name ?? `${o.workload} ${o.strategy}`,
      kind,
      workload: o.workload,
      strategy: o.strategy,
      profile: 'HSW-2016',
      samples: o.n,
      seed: kind === 'simulated' ? o.seed ?? 1 : null,
      status,
      tags: o.tags ?? [],
      createdAt: new Date(Date.UTC(2025, 0, 1, 12, id)).toISOString(),
      finishedAt: status === 'done' ? new Date(Date.UTC(2025, 0, 1, 12, id, 30)).toISOString() : null,
      mean: summary ? lat.mean : null,
      p99: summary ? lat.p99 : null,
      error: status === 'failed' ? 'worker crashed: out of memory (fake)' : null,
      sourceFile: kind === 'measured' ? 'cyclictest-host1.txt' : null,
    };
    const detail: RunDetail = {
      ...item,
      notes: '',
      config:
        kind === 'simulated'
          ? { workload: o.workload, strategy: o.strategy, profile: profile(), params: params as RunParams, samples: o.n, seed: o.seed ?? 1 }
          : null,
      summary,
      source: kind === 'measured' ? { fileName: 'cyclictest-host1.txt', format: 'cyclictest', sha256: 'ab'.repeat(32) } : null,
      hasTrace: kind === 'simulated' && status === 'done',
    };
    const run = { item, detail, sorted };
    runs.set(id, run);
    return run;
  }

  // Canned history.
  addRun({ workload: 'tscdeadline-halt', strategy: 'hrtimer', n: 20000, base: 3220, tags: ['seed', 'hsw'], experimentId: nextExp });
  addRun({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', n: 20000, base: 3200, tags: ['seed', 'hsw'], experimentId: nextExp++ });
  addRun({ workload: 'tscdeadline-busy', strategy: 'hrtimer', n: 10000, base: 5600, tags: ['busy'] });
  addRun({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', n: 10000, base: 3900, tags: ['busy'] });
  addRun({ workload: 'cyclictest', strategy: 'hrtimer', n: 500, base: 12000, kind: 'measured', name: 'host1 cyclictest (imported)' });
  addRun({ workload: 'vmexit-tscdeadline', strategy: 'hrtimer', n: 1000, base: 1, status: 'failed' });
  addRun({ workload: 'cyclictest', strategy: 'vmx-preemption', n: 100000, base: 1, status: 'cancelled' });
  addRun({ workload: 'cyclictest', strategy: 'hrtimer', n: 100000, base: 1, status: 'interrupted' });

  function get(id: unknown): FakeRun {
    const r = runs.get(Number(id));
    if (!r) throw new FakeError('not-found', `run ${String(id)} not found`);
    return r;
  }

  function trace(run: FakeRun, limit: number): TraceEventRow[] {
    const out: TraceEventRow[] = [];
    const hv = run.item.strategy === 'vmx-preemption';
    let t = 0;
    for (let i = 0; out.length < limit && i < 200; i++) {
      const seq: Array<[string, string, number]> = [
        ['kvm_exit', hv ? 'reason PREEMPTION_TIMER rip 0xffffffff81050b2a info 0 0' : 'reason EXTERNAL_INTERRUPT rip 0xffffffff81050b2a info 0 800000ef', 0],
        ['kvm_hv_timer_state', `vcpu_id 0 hv_timer ${hv ? 1 : 0}`, 900],
        ['kvm_inj_virq', 'irq 236', 600],
        ['kvm_entry', 'vcpu 0', 400],
        ['kvm_exit', 'reason MSR_WRITE rip 0xffffffff8104f3c8 info 0 0', 2000],
        ['kvm_msr', 'msr_write 6e0 = 0x4c2b3a1d000', 300],
        ['kvm_wait_lapic_expire', 'vcpu 0: delta 0 (none)', 200],
        ['kvm_entry', 'vcpu 0', 600],
      ];
      for (const [event, text, dt] of seq) {
        t += dt;
        out.push({ t, cpu: 1, event, text });
      }
      t += 200_000;
    }
    return out.slice(0, limit);
  }

  function compare(ids: number[], baselineId: number | undefined, noise: number): CompareResult {
    const rs = ids.map(get);
    const baseline = baselineId ?? ids[0] ?? 0;
    const base = get(baseline);
    const bs = stats(base.sorted, 'cycles');
    const rows: CompareRow[] = rs.map((r) => {
      const s = stats(r.sorted, 'cycles');
      const keys = ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
      const deltaPct = {} as CompareRow['deltaPct'];
      const deltaCycles = {} as CompareRow['deltaCycles'];
      for (const k of keys) {
        deltaCycles[k] = s[k] - bs[k];
        deltaPct[k] = bs[k] === 0 ? 0 : ((s[k] - bs[k]) / bs[k]) * 100;
      }
      const isBase = r.item.id === baseline;
      const significant = !isBase && Math.abs(deltaPct.mean) > 0.3;
      return {
        id: r.item.id,
        name: r.item.name,
        samples: r.sorted.length,
        mean: s.mean,
        p50: s.p50,
        p90: s.p90,
        p99: s.p99,
        p999: s.p999,
        max: s.max,
        deltaPct,
        deltaCycles,
        pValue: isBase ? 1 : significant ? 0.0004 : 0.41,
        ci95: [deltaCycles.mean - 8, deltaCycles.mean + 8],
        significant,
        practicallySignificant: significant && Math.abs(deltaPct.mean) > noise,
      };
    });
    return {
      baseline,
      unit: 'cycles',
      warnings: [],
      noiseThresholdPct: noise,
      runs: rows,
      cdf: rs.map((r) => ({
        id: r.item.id,
        points: r.sorted.filter((_, i) => i % Math.max(1, Math.floor(r.sorted.length / 3000)) === 0 || i === r.sorted.length - 1).map((v) => [v, 0] as [number, number]).map((p, i, arr) => [p[0], (i + 1) / arr.length] as [number, number]),
      })),
      histograms: rs.map((r) => ({ id: r.item.id, histogram: histogramOf(r.sorted) })),
      criticalPath: rs.filter((r) => r.item.kind === 'simulated').map((r) => ({ id: r.item.id, steps: r.detail.summary?.criticalPath ?? {} })),
    };
  }

  function simulate(ids: number[]): void {
    if (!opts.simulateRuns) return;
    ids.forEach((id, k) => {
      const r = get(id);
      const total = r.item.samples;
      let done = 0;
      const started = Date.now();
      const tick = setInterval(() => {
        if (r.item.status === 'cancelled') {
          clearInterval(tick);
          return;
        }
        if (Date.now() - started < k * 1500) return;
        r.item.status = 'running';
        done = Math.min(total, done + Math.ceil(total / 25));
        emit('run:progress', { runId: id, experimentId: r.item.experimentId, status: 'running', done, total, samplesPerSec: total / 5, etaSec: ((total - done) / total) * 5 });
        if (done >= total) {
          clearInterval(tick);
          const fresh = addRun({ workload: r.item.workload as Workload, strategy: r.item.strategy as Strategy, n: Math.min(total, 50000), base: r.item.strategy === 'hrtimer' ? 3250 : 3180, name: r.item.name, tags: r.item.tags, experimentId: r.item.experimentId });
          runs.delete(fresh.item.id);
          nextId--;
          fresh.item.id = id;
          fresh.detail.id = id;
          runs.set(id, fresh);
          emit('run:finished', { runId: id, status: 'done', error: null });
        }
      }, 200);
    });
  }

  const handlers: { [K in keyof CallResults]: (a: Record<string, unknown>) => CallResults[K] } = {
    'experiments:submit': (a) => {
      const specs = a.runs as Array<{ workload: Workload; strategy: Strategy; samples?: number; seed?: number; set?: Record<string, string | number | boolean> }>;
      if (!Array.isArray(specs) || specs.length === 0) throw new FakeError('bad-input', 'at least one run', 'runs');
      for (const [i, s] of specs.entries()) {
        for (const [k, v] of Object.entries(s.set ?? {})) {
          if (k === 'delta' && Number(v) === 4242) throw new FakeError('bad-input', 'delta 4242 is refused by the fake server', `runs.${i}.set.delta`);
        }
      }
      const exp = nextExp++;
      const ids = specs.map((s) => {
        const r = addRun({ workload: s.workload, strategy: s.strategy, n: s.samples ?? 10000, base: 1, status: 'queued', name: `${String(a.name ?? 'experiment')} · ${s.strategy}`, tags: (a.tags as string[]) ?? [], experimentId: exp, set: s.set, seed: s.seed });
        emit('run:progress', { runId: r.item.id, experimentId: exp, status: 'queued', done: 0, total: r.item.samples, samplesPerSec: 0, etaSec: null });
        return r.item.id;
      });
      simulate(ids);
      return { experimentId: exp, runIds: ids };
    },
    'runs:list': (a) => {
      let list = [...runs.values()].map((r) => r.item).sort((x, y) => y.id - x.id);
      if (a.workload) list = list.filter((r) => r.workload === a.workload);
      if (a.strategy) list = list.filter((r) => r.strategy === a.strategy);
      if (a.kind) list = list.filter((r) => r.kind === a.kind);
      if (a.status) list = list.filter((r) => r.status === a.status);
      if (a.tag) list = list.filter((r) => r.tags.includes(String(a.tag)));
      if (a.text) list = list.filter((r) => r.name.toLowerCase().includes(String(a.text).toLowerCase()));
      return list.map((r) => ({ ...r, tags: [...r.tags] }));
    },
    'runs:get': (a) => {
      const r = get(a.id);
      return { ...r.detail, ...r.item };
    },
    'runs:histogram': (a) => histogramOf(get(a.id).sorted),
    'runs:trace': (a) => trace(get(a.id), Number(a.limit ?? 2000)),
    'runs:rename': (a) => {
      get(a.id).item.name = String(a.name);
      return { ok: true };
    },
    'runs:notes': (a) => {
      get(a.id).detail.notes = String(a.notes);
      return { ok: true };
    },
    'runs:tag': (a) => {
      get(a.id).item.tags = [...(a.tags as string[])];
      return { ok: true };
    },
    'runs:delete': (a) => {
      let n = 0;
      for (const id of a.ids as number[]) if (runs.delete(id)) n++;
      return { deleted: n };
    },
    'runs:cancel': (a) => {
      const r = get(a.id);
      const ok = r.item.status === 'queued' || r.item.status === 'running';
      if (ok) {
        r.item.status = 'cancelled';
        emit('run:finished', { runId: r.item.id, status: 'cancelled', error: null });
      }
      return { ok };
    },
    compare: (a) => compare(a.ids as number[], a.baseline as number | undefined, Number(a.noiseThresholdPct ?? 1)),
    export: (a) => ({
      fileName: `timer-lab-${(a.ids as number[]).join('-')}.${String(a.format)}`,
      mime: a.format === 'html' ? 'text/html' : 'text/plain',
      content: a.format === 'html' ? '<!doctype html><title>report</title><h1>Fake report</h1>' : 'fake export\n',
      encoding: 'utf8',
    }),
    import: (a) => {
      const content = String(a.content);
      if (!content.includes('# Histogram') && !content.includes('T:')) {
        throw new FakeError('bad-input', `${String(a.fileName)} line 1: not a recognised cyclictest output`, 'content');
      }
      const r = addRun({ workload: 'cyclictest', strategy: 'hrtimer', n: 300, base: 9000, kind: 'measured', name: String(a.fileName) });
      return { runId: r.item.id, format: 'cyclictest', warnings: [] };
    },
    'profiles:list': () => [
      { name: 'HSW-2016', description: 'Haswell host, Linux 4.9-era KVM', builtIn: true },
      { name: 'SKX-2019', description: 'Skylake-SP host, Linux 5.x KVM', builtIn: true },
    ],
    'profiles:get': (a) => {
      if (a.name !== 'HSW-2016' && a.name !== 'SKX-2019') throw new FakeError('not-found', `profile ${String(a.name)} not found`, 'name');
      return profile(String(a.name));
    },
    'profiles:save': () => ({ ok: true }),
    'params:spec': () => ({ runParams: RUN_PARAMS, costNames: COST_NAMES }),
  };

  return {
    calls,
    emit,
    async importStream(meta, body) {
      let content = '';
      for await (const chunk of body) content += chunk.toString();
      return this.call('import', { ...(meta as object), content }) as never;
    },
    async call(channel, args) {
      calls.push({ channel, args });
      const h = (handlers as Record<string, ((a: Record<string, unknown>) => unknown) | undefined>)[channel];
      if (!h) throw new FakeError('not-found', `unknown channel ${channel}`);
      return h((args ?? {}) as Record<string, unknown>);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
