/**
 * `npm run bench`: throughput and resource figures, each the median of several runs measured in
 * this one process (timings on shared machines are noisy; ratios are measured side by side).
 *   1. samples/s for every workload × strategy, trace off and on (median of 5)
 *   2. peak resident memory of a 10M-sample run (child process)
 *   3. runner speed-up: 4M samples on 2 workers vs 1 worker (median of 3 each); progress cadence
 *      and cancel latency of a 20M-sample run
 *   4. saving a 1M-sample run to SQLite, and comparing two stored 1M-sample runs (median of 5)
 *   5. importing a generated 100 MB trace-cmd report (CLI, child process)
 *   6. calibrating from a generated ~100 MB host trace (CLI, child process): time, peak RSS, and
 *      every determined cost against the profile that made the trace
 *   7. calibration round trips with many cycles (both strategies, halting and busy, ns and µs):
 *      the error of every cost called determined, and of the other strategy's predicted mean
 * Targets are reported as PASS/MISS lines; the script exits 0 either way (it measures).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usableStrategies } from '../../src-shared/run-checks.js';
import { WORKLOADS } from '../../src-shared/workloads.js';
import { buildRunConfig, createShardSimulation, DEFAULT_PROFILE, simulate } from '../../src-main/engine/index.js';
import { EventHeap } from '../../src-main/engine/event-heap.js';
import { toTraceCmdReport } from '../../src-main/formats/index.js';
import { Runner } from '../../src-main/runner/index.js';
import { openStore } from '../../src-main/store/index.js';
import { compare } from '../../src-main/api/compare.js';
import type { CalibrationResult } from '../../src-shared/calibration.js';
import type { Profile } from '../../src-shared/profile.js';
import { calibrate } from '../../src-main/calibrate/index.js';
import { engineSimulator, inputsOf, simulatedFiles, simulatedMean, trueProfile } from '../calibration-support.js';

/** The strategies the default profile (HSW-2016, 4.9) runs: the ones the bench's targets are about. */
const STRATEGIES = usableStrategies(DEFAULT_PROFILE);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Heap events the engine pops per sample of a workload (one shard, trace off). */
function heapEventsPerSample(config: ReturnType<typeof buildRunConfig>): number {
  const sim = createShardSimulation({ ...config, samples: Math.min(config.samples, 50_000) }, 0);
  sim.runToEnd();
  return sim.heap.popped / sim.sampleCount;
}

/**
 * The limit: a bare event-heap loop pushing and popping `perSample` events per sample (times a
 * little ahead, as the engine's), no work — samples/s it reaches in this process.
 */
function bareHeapRate(perSample: number, samples: number): number {
  const run = () => {
    const heap = new EventHeap();
    let t = 1e9;
    heap.push(t, 0, 0, 0);
    const events = Math.round(perSample * samples);
    for (let i = 0; i < events; i++) {
      heap.pop();
      t = heap.lastTime + 1000 + (i & 1023);
      heap.push(t, i & 7, i & 7, 0);
    }
  };
  run();
  return samples / (median(Array.from({ length: 5 }, () => time(run))) / 1000);
}

function throughput(): void {
  console.log('\n## Engine throughput (one thread, median of 5)');
  console.log('workload                   strategy        trace  samples/s   heap events/sample  bare heap loop/s  engine share');
  const targets: Array<{ what: string; rate: number; target: number }> = [];
  for (const workload of WORKLOADS) {
    for (const strategy of STRATEGIES) {
      for (const trace of [false, true]) {
        const samples = workload === 'cyclictest' ? 100_000 : 300_000;
        const config = buildRunConfig({ workload, strategy, profile: DEFAULT_PROFILE, samples, seed: 1 });
        simulate(config, { trace }); // warm-up
        const rates = Array.from({ length: 5 }, () => samples / (time(() => simulate(config, { trace })) / 1000));
        const rate = median(rates);
        let limit = '';
        if (!trace) {
          const perSample = heapEventsPerSample(config);
          const bare = bareHeapRate(perSample, samples);
          limit = `   ${perSample.toFixed(2).padStart(8)}           ${fmt(bare).padStart(12)}      ${((rate / bare) * 100).toFixed(1)} %`;
          if (strategy === 'vmx-preemption' && workload === 'tscdeadline-busy') targets.push({ what: `${workload}/${strategy}`, rate, target: 1_500_000 });
          if (workload === 'cyclictest') targets.push({ what: `${workload}/${strategy}`, rate, target: 800_000 });
        }
        console.log(`${workload.padEnd(26)} ${strategy.padEnd(15)} ${trace ? 'on ' : 'off'}    ${fmt(rate).padStart(9)}${limit}`);
      }
    }
  }
  for (const t of targets) console.log(`${verdict(t.rate >= t.target)} ${t.what}, trace off: ${fmt(t.rate)} samples/s (target ≥ ${fmt(t.target)})`);
}

function memory(): void {
  console.log('\n## Peak resident memory of a 10,000,000-sample run');
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [self, '--child-10m'], { encoding: 'utf8' });
  const { maxRssMb, ms } = JSON.parse(out) as { maxRssMb: number; ms: number };
  console.log(`${verdict(maxRssMb < 400)} max RSS ${maxRssMb.toFixed(0)} MB (target < 400 MB), ${fmt(ms)} ms`);
}

function child10m(): void {
  const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 10_000_000, seed: 1 });
  const ms = time(() => simulate(config));
  process.stdout.write(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, ms }));
}

async function speedup(): Promise<void> {
  console.log('\n## Runner: 4,000,000 samples, 2 workers vs 1 (median of 3 each, interleaved)');
  const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 4_000_000, seed: 3 });
  const runners = { 1: new Runner({ threads: 1 }), 2: new Runner({ threads: 2 }) };
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
  try {
    for (const n of [1, 2] as const) await runners[n].run('warm', { ...config, samples: 200_000 });
    for (let i = 0; i < 3; i++) {
      for (const n of [1, 2] as const) {
        const t0 = performance.now();
        await runners[n].run(`r${i}`, config);
        times[n].push(performance.now() - t0);
      }
    }
  } finally {
    await runners[1].close();
    await runners[2].close();
  }
  const s = median(times[1]) / median(times[2]);
  console.log(`1 worker ${fmt(median(times[1]))} ms, 2 workers ${fmt(median(times[2]))} ms → speed-up ${s.toFixed(2)}×`);
  console.log(`${verdict(s >= 1.9)} speed-up ≥ 1.9× (needs an otherwise idle 2-core machine)`);
}

/** Progress cadence and cancel latency of a 20M-sample run on 2 workers (median of 3 cancels). */
async function responsiveness(): Promise<void> {
  console.log('\n## Runner: progress cadence and cancel latency (20,000,000-sample run, 2 workers)');
  const runner = new Runner({ threads: 2 });
  const config = buildRunConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 20_000_000, seed: 5 });
  const latencies: number[] = [];
  const perSecond: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const events: number[] = [];
      const p = runner.run(`c${i}`, config, { onProgress: () => events.push(performance.now()) }).then(
        () => performance.now(),
        () => performance.now(),
      );
      while (events.length === 0 || events.at(-1)! - events[0]! < 1500) await new Promise((r) => setTimeout(r, 50));
      const first = events[0]!;
      for (let s = first; s + 1000 <= events.at(-1)!; s += 1000) perSecond.push(events.filter((t) => t >= s && t < s + 1000).length);
      const t0 = performance.now();
      runner.cancel(`c${i}`);
      latencies.push((await p) - t0);
    }
  } finally {
    await runner.close();
  }
  const slowest = Math.min(...perSecond);
  console.log(`progress callbacks per second: ${perSecond.join(', ')}; cancel latency ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
  console.log(`${verdict(slowest >= 4)} progress at least 4 times a second (slowest second: ${slowest})`);
  console.log(`${verdict(median(latencies) <= 200)} cancel within 200 ms: median ${median(latencies).toFixed(0)} ms`);
}

function storeAndCompare(): void {
  console.log('\n## Store and compare, 1,000,000-sample runs (median of 5)');
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-bench-'));
  const opened = openStore(join(dir, 'bench.sqlite'));
  try {
    const runs = STRATEGIES.map((strategy) => {
      const config = buildRunConfig({ workload: 'tscdeadline-halt', strategy, profile: DEFAULT_PROFILE, samples: 1_000_000, seed: 5 });
      return { config, merged: simulate(config) };
    });
    const saveMs: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const r of runs) {
        const id = opened.store.insertQueuedRun({ name: `bench ${r.config.strategy}`, config: r.config });
        opened.store.markRunning(id);
        const ms = time(() =>
          opened.store.saveResult(id, { summary: r.merged.summary, histogram: r.merged.histogram, samples: r.merged.samples }),
        );
        saveMs.push(ms);
        ids.push(id);
      }
    }
    const save = median(saveMs);
    console.log(`${verdict(save <= 300)} save of a 1M-sample run: ${save.toFixed(0)} ms (target ≤ 300 ms)`);
    const cmpMs: number[] = [];
    let last = null as ReturnType<typeof compare> | null;
    for (let i = 0; i < 5; i++) {
      cmpMs.push(time(() => (last = compare(opened.store, { ids: [ids[2 * i]!, ids[2 * i + 1]!], noiseThresholdPct: 1 }))));
    }
    const c = median(cmpMs);
    console.log(`${verdict(c <= 500)} compare of two stored 1M-sample runs (load + statistics): ${c.toFixed(0)} ms (target ≤ 500 ms)`);
    const row = last!.runs[1]!;
    const p = row.pValue ?? NaN;
    console.log(`   (halting case at 1M samples: Δmean ${(row.deltaCycles.mean ?? NaN).toFixed(1)} cycles, p ${p < 1e-15 ? "< 1e-15" : `= ${p.toExponential(2)}`})`);
  } finally {
    opened.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a trace-cmd report of about `mb` MB from a simulated trace, shifted in time per lap. */
function generateTraceCmd(file: string, mb: number): void {
  const config = buildRunConfig({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 20_000, seed: 9 });
  const trace = simulate(config, { trace: true, traceTimerEvents: 20_000 }).trace!;
  const span = trace.at(-1)!.t - trace[0]!.t + 1000;
  const fd = openSync(file, 'w');
  writeSync(fd, 'cpus=4\n');
  let bytes = 0;
  for (let lap = 0; bytes < mb * 1024 * 1024; lap++) {
    const report = toTraceCmdReport(trace.map((r) => ({ ...r, t: r.t + lap * span })), { tscKhz: config.profile.tsc_khz, cpus: 4 });
    const chunk = report.slice(report.indexOf('\n') + 1); // one cpus= header for the whole file
    writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}

function importLarge(): void {
  console.log('\n## Import of a generated 100 MB trace-cmd report (CLI, streaming)');
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-import-'));
  try {
    const file = join(dir, 'host-100mb.trace.txt');
    generateTraceCmd(file, 100);
    const size = statSync(file).size / (1024 * 1024);
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync(process.execPath, [self, '--child-import', file, join(dir, 'i.sqlite')], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number; code: number };
    console.log(`imported ${size.toFixed(0)} MB in ${(r.ms / 1000).toFixed(1)} s (${(size / (r.ms / 1000)).toFixed(0)} MB/s), peak RSS ${r.maxRssMb.toFixed(0)} MB, exit ${r.code}`);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    console.log(`import failed: ${e.stderr ?? e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function childImport(file: string, db: string): Promise<void> {
  const { main } = await import('../../src-main/cli/timer-lab.js');
  const t0 = performance.now();
  const code = await main(['import', file, '--db', db, '--json']);
  const ms = performance.now() - t0;
  process.stdout.write(`\n${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, code })}\n`);
}

/**
 * A continuous host trace of about `mb` MB (µs timestamps, as `trace-cmd report` prints): laps of
 * one simulated 50 000-cycle trace, each shifted in host time and in guest TSC (deadlines written,
 * hrtimer expiry times), so the file reads as one long run.
 */
function generateCalibrationTrace(file: string, mb: number, profile: Profile): void {
  const config = buildRunConfig({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', profile, samples: 50_000, seed: 11 });
  const trace = simulate(config, { trace: true, traceTimerEvents: 50_000 }).trace!;
  const span = trace.at(-1)!.t - trace[0]!.t + 200_000;
  const spanNs = Math.round((span * 1e6) / profile.tsc_khz);
  const shift = (r: (typeof trace)[number], lap: number) => {
    let text = r.text;
    if (r.event === 'kvm_msr') text = text.replace(/= 0x([0-9a-f]+)/, (_, h: string) => `= 0x${(parseInt(h, 16) + lap * span).toString(16)}`);
    else if (r.event.startsWith('hrtimer_')) text = text.replace(/(expires|softexpires|now)=(\d+)/g, (_, k: string, v: string) => `${k}=${Number(v) + lap * spanNs}`);
    return { ...r, t: r.t + lap * span, text };
  };
  const fd = openSync(file, 'w');
  writeSync(fd, 'cpus=4\n');
  let bytes = 0;
  for (let lap = 0; bytes < mb * 1024 * 1024; lap++) {
    const report = toTraceCmdReport(trace.map((r) => shift(r, lap)), { tscKhz: profile.tsc_khz, cpus: 4, baseSeconds: 3000 });
    const chunk = report.slice(report.indexOf('\n') + 1);
    writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}

function costErrors(result: CalibrationResult, truth: Profile): Array<{ name: string; errorPct: number; value: number; low: number; high: number; truth: number }> {
  return Object.entries(result.costs)
    .filter(([, c]) => c.determined)
    .map(([name, c]) => ({ name, value: c.value, low: c.low, high: c.high, truth: truth.costs[name]!.cycles, errorPct: (100 * (c.value - truth.costs[name]!.cycles)) / truth.costs[name]!.cycles }));
}

function calibrateLarge(): void {
  console.log('\n## Calibration from a generated ~100 MB host trace (CLI, streaming, 1 µs timestamps)');
  const dir = mkdtempSync(join(tmpdir(), 'timer-lab-calibrate-'));
  try {
    const file = join(dir, 'host-100mb.report');
    const truth = trueProfile();
    generateCalibrationTrace(file, 100, truth);
    const size = statSync(file).size / (1024 * 1024);
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync(process.execPath, [self, '--child-calibrate', file, join(dir, 'c.sqlite')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number; code: number; result: CalibrationResult | null };
    console.log(`calibrated from ${size.toFixed(0)} MB in ${(r.ms / 1000).toFixed(1)} s (${(size / (r.ms / 1000)).toFixed(1)} MB/s), peak RSS ${r.maxRssMb.toFixed(0)} MB, exit ${r.code}`);
    if (r.result) {
      console.log(`${r.result.fit.cycles} timer cycles, ${r.result.fit.segments.length} segments used; detected ${r.result.detected.strategy}, ${r.result.detected.guest}`);
      for (const e of costErrors(r.result, truth)) console.log(`   ${e.name.padEnd(32)} fitted ${e.value} [${e.low}, ${e.high}]  true ${e.truth}  error ${e.errorPct.toFixed(2)} %`);
      console.log(`${verdict(costErrors(r.result, truth).every((e) => Math.abs(e.errorPct) <= 20))} every determined cost within ±20 % (µs)`);
    }
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    console.log(`calibration failed: ${e.stderr ?? e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function childCalibrate(file: string, db: string): Promise<void> {
  const { main } = await import('../../src-main/cli/timer-lab.js');
  let captured = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  const t0 = performance.now();
  const code = await main(['calibrate', file, '--name', 'bench', '--db', db, '--json']);
  const ms = performance.now() - t0;
  process.stdout.write = write;
  let result: CalibrationResult | null = null;
  try {
    result = JSON.parse(captured) as CalibrationResult;
  } catch {
    result = null;
  }
  process.stdout.write(`\n${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, code, result })}\n`);
}

async function calibrationRoundTrips(): Promise<void> {
  console.log('\n## Calibration round trips (profile ±10–40 %, calibrated from HSW-2016; determined costs and the other strategy\'s mean)');
  const truth = trueProfile();
  const rows = [
    ['tscdeadline-busy', 'hrtimer', 'vmx-preemption'],
    ['tscdeadline-busy', 'vmx-preemption', 'hrtimer'],
    ['tscdeadline-halt', 'hrtimer', 'vmx-preemption'],
    ['tscdeadline-halt', 'vmx-preemption', 'hrtimer'],
  ] as const;
  for (const [workload, measured, other] of rows) {
    for (const ts of ['ns', 'us'] as const) {
      const samples = ts === 'ns' ? 10_000 : 40_000;
      const inputs = await inputsOf(simulatedFiles({ workload, strategy: measured, profile: truth, samples, ts }));
      const t0 = performance.now();
      const { result, profile } = await calibrate(inputs, { base: DEFAULT_PROFILE, name: 'fit', simulator: engineSimulator, bootstrap: 200 });
      const ms = performance.now() - t0;
      const set = result.detected.settings;
      const mean = (p: Profile) => simulatedMean(workload, other, p, 20_000, set);
      const predicted = mean(profile);
      const actual = mean(truth);
      const errs = costErrors(result, truth);
      const worst = Math.max(0, ...errs.map((e) => Math.abs(e.errorPct)));
      const tol = ts === 'ns' ? 10 : 20;
      console.log(`${verdict(worst <= tol && Math.abs(predicted - actual) / actual <= 0.05)} ${workload} ${measured} → ${other}, ${ts}, ${samples} cycles: ${errs.length} determined, worst ${worst.toFixed(2)} % (±${tol} %), predicted ${other} mean ${predicted.toFixed(0)} vs ${actual.toFixed(0)} (${((100 * (predicted - actual)) / actual).toFixed(2)} %), ${(ms / 1000).toFixed(1)} s`);
      console.log(`     ${errs.map((e) => `${e.name} ${e.errorPct >= 0 ? '+' : ''}${e.errorPct.toFixed(2)} %`).join(', ')}`);
    }
  }
}

if (process.argv.includes('--child-10m')) {
  child10m();
} else if (process.argv.includes('--child-calibrate')) {
  const i = process.argv.indexOf('--child-calibrate');
  await childCalibrate(process.argv[i + 1]!, process.argv[i + 2]!);
} else if (process.argv.includes('--child-import')) {
  const i = process.argv.indexOf('--child-import');
  await childImport(process.argv[i + 1]!, process.argv[i + 2]!);
} else {
  // `npm run bench -- speedup store` runs only the named sections
  const only = new Set(process.argv.slice(2).filter((a) => !a.startsWith('-')));
  const want = (name: string) => only.size === 0 || only.has(name);
  console.log(`# Timer Lab benchmark — node ${process.version}, ${new Date().toISOString()}`);
  if (want('throughput')) throughput();
  if (want('memory')) memory();
  if (want('speedup')) await speedup();
  if (want('responsiveness')) await responsiveness();
  if (want('store')) storeAndCompare();
  if (want('import')) importLarge();
  if (want('calibrate')) calibrateLarge();
  if (want('calibrate-roundtrip')) await calibrationRoundTrips();
}
