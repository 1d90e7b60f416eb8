/**
 * Calibration, start to end: choose the vCPU, detect the scenario, cut the user's trace into
 * segments, build the engine's linear model of them around the base profile, fit the costs (and
 * once more around the first fit, for what is not quite linear), fit the jitters from the
 * segments' variances, bootstrap over timer cycles for every interval, and check the fitted
 * profile by reproducing the measurement. Returns the profile, its provenance and the report;
 * saves nothing (the API does, once everything succeeded). Pure: must not import node:*,
 * electron or better-sqlite3.
 */
import type { CalibrationProvenance, CalibrationResult, CalibrationSource, CostFit, CostOrigin } from '../../src-shared/calibration.js';
import type { PerfRow } from '../../src-shared/measurement.js';
import { MAX_JITTER, type Profile } from '../../src-shared/profile.js';
import { bootstrapRows, interval95 } from './bootstrap.js';
import { detect } from './detect.js';
import { segmentThread } from './episodes.js';
import { linearSolution, type LinearSolution } from './fit.js';
import { MIN_ROW_VALUES, rowStats, segmentModelOk, type FitRow, type RowStats } from './fit-rows.js';
import type { GuestSide } from './guest-side.js';
import type { HostTrace } from './host-trace.js';
import { buildLinearModel, type LinearModel } from './model.js';
import { releaseInRange } from './kernel.js';
import { eventNamesOf, probeScenario } from './probe.js';
import { exitMeansUs, goodnessOfFit } from './reproduce.js';
import { SegmentSet, SegmentValues } from './segment-set.js';
import { selectVcpu } from './select-vcpu.js';
import { readSimulatedTrace, scenarioConfig, type Scenario, type Simulator } from './simulator.js';
import { threadFacts } from './thread-facts.js';

export interface SourceFile {
  fileName: string;
  sha256: string;
  bytes: number;
  lines: number;
  format: string;
}

export interface CalibrationInputs {
  host: SourceFile & { trace: HostTrace };
  guest?: SourceFile & { side: GuestSide };
  perf?: SourceFile & { rows: PerfRow[] };
}

export interface CalibrateOptions {
  base: Profile;
  name: string;
  simulator: Simulator;
  kernel?: string;
  vcpu?: number;
  bootstrap?: number;
  seed?: number;
  /** Timer cycles of each simulation of the linear model (default 400). */
  modelCycles?: number;
  /** Rounds of model + fit (default 2: the second around the first fit). */
  iterations?: number;
  /** Timer cycles of the reproduction (default: as many as measured, 2000 to 20000). */
  reproduceCycles?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
  now?: () => Date;
}

export interface CalibrationOutcome {
  result: CalibrationResult;
  profile: Profile;
  provenance: CalibrationProvenance;
}

/** Cycles at the start of a simulation (and of a long trace) that are not used: the run settles. */
export const WARMUP_CYCLES = 16;
/** Bootstrap draws a calibrated profile keeps for predictions. */
const KEPT_DRAWS = 32;

/** A fitted cost is called determined when its 95 % interval is within ±8 % (+1 cycle) of its value. */
const DETERMINED_HALF_WIDTH = 0.08;

function relativeHalfWidthOk(c: { value: number; low: number; high: number }): boolean {
  return (c.high - c.low) / 2 <= DETERMINED_HALF_WIDTH * Math.abs(c.value) + 1;
}

/** A fitted jitter whose interval is wider than this (or than the jitter itself) says nothing. */
const JITTER_WIDTH_MAX = 0.05;

function guestValuesCycles(side: GuestSide, khz: number): Float64Array {
  if (side.cycles) return side.cycles;
  const ns = side.ns!;
  return ns.map((v) => (v * khz) / 1e6);
}

function withCycles(p: Profile, names: readonly string[], cycles: readonly number[]): Profile {
  const costs = { ...p.costs };
  names.forEach((n, j) => (costs[n] = { ...costs[n]!, cycles: Math.max(0, Math.round(cycles[j]!)) }));
  return { ...p, costs };
}

function asValues(id: string, values: ArrayLike<number>, label: string): SegmentValues {
  const s = new SegmentValues({ id, kind: 'guest', label, unit: 'guest cycles', timestamped: false });
  for (let i = 0; i < values.length; i++) s.push(values[i]!, i);
  return s;
}

export async function calibrate(inputs: CalibrationInputs, opts: CalibrateOptions): Promise<CalibrationOutcome> {
  const progress = opts.onProgress ?? (() => undefined);
  const seed = opts.seed ?? 1;
  const sim = opts.simulator;
  const host = inputs.host;
  const trace = host.trace;
  const thread = selectVcpu(trace, host.fileName, opts.vcpu);
  const facts = threadFacts(thread.events, trace.labels);
  const detected = detect({ trace, thread, facts, fileName: host.fileName, guest: inputs.guest?.side ?? null, base: opts.base, ...(opts.kernel ? { kernel: opts.kernel } : {}) });
  const warnings: string[] = [];
  let cur: Profile = { ...structuredClone(opts.base), name: opts.name, tsc_khz: detected.tsc.khz };
  const khz = cur.tsc_khz;
  const scenario: Scenario = { workload: detected.workload, strategy: detected.strategy, set: { ...detected.settings } };

  progress('detect', 0, 1);
  const probe = await probeScenario(sim, scenario, cur, 80, seed);
  if (typeof scenario.set.delta === 'number' && probe.facts?.deadlineSpacing && facts.deadlineSpacing) {
    // the simulated latency part of the spacing, taken out of the measured spacing
    const latencyPart = probe.facts.deadlineSpacing - scenario.set.delta;
    const delta = Math.round(facts.deadlineSpacing - latencyPart);
    if (delta >= 1000) scenario.set.delta = delta;
    detected.settings.delta = scenario.set.delta;
  }
  const measuredNames = eventNamesOf(thread.events, (id) => trace.labels.name(id));
  const vocabulary = new Set([...measuredNames].filter((n) => probe.eventNames.has(n)));
  const onlyMeasured = [...measuredNames].filter((n) => !probe.eventNames.has(n));
  progress('detect', 1, 1);

  const measuredWarmup = facts.expiries > 10 * WARMUP_CYCLES ? WARMUP_CYCLES : 0;
  const measured = segmentThread(thread.events, trace.labels, { vocabulary, tscKhz: khz, warmupCycles: measuredWarmup });
  const measuredStep = trace.resolution.stepNs !== null && trace.resolution.stepNs > 0 ? (trace.resolution.stepNs * khz) / 1e6 : 0;
  const simulatedStep = khz / 1e6; // simulated traces are read at 1 ns
  const guestAll = inputs.guest ? guestValuesCycles(inputs.guest.side, khz) : null;
  // the guest log of a run that was just starting settles with it: the same rule as the trace
  const guestWarmup = guestAll && guestAll.length > 10 * WARMUP_CYCLES ? WARMUP_CYCLES : 0;
  const guestValues = guestAll ? guestAll.subarray(guestWarmup) : null;
  const guestStep = inputs.guest?.side.resolutionNs ? (inputs.guest.side.resolutionNs * khz) / 1e6 : 0;

  const iterations = Math.max(1, opts.iterations ?? 2);
  const modelCycles = opts.modelCycles ?? 400;
  let model!: LinearModel;
  let rows: FitRow[] = [];
  let stats: RowStats[] = [];
  let solution!: LinearSolution;
  let x: number[] = [];
  const base = opts.base;
  for (let it = 0; it < iterations; it++) {
    model = await buildLinearModel(sim, scenario, cur, {
      cycles: modelCycles,
      warmupCycles: WARMUP_CYCLES,
      seed,
      vocabulary,
      onProgress: (d, t) => progress(`model ${it + 1}/${iterations}`, d, t),
    });
    rows = matchRows(measured, model, measuredStep, simulatedStep);
    if (guestValues) {
      const g = asValues('guest latency', guestValues, 'guest-side latency (deadline → ISR)');
      rows.push({ id: 'guest latency', label: g.info.label, unit: 'guest cycles', measured: g, simulated: asValues('guest latency', model.guestSamples, g.info.label), coef: model.guestCoef, measuredStep: guestStep, simulatedStep: 0, source: 'guest' });
    }
    stats = rows.map((r) => rowStats(r));
    const current = model.costs.map((c) => cur.costs[c]!.cycles);
    const scale = model.costs.map((c) => Math.sqrt(Math.max(base.costs[c]?.cycles ?? 1, 1)));
    solution = linearSolution(
      rows.map((r) => r.coef),
      current,
      scale,
      stats.map((s) => 1 / s.se2),
      model.costs.map(() => 0),
      stats.map((s) => s.y),
    );
    x = solution.solve(stats.map((s) => s.y));
    if (it < iterations - 1) cur = withCycles(cur, model.costs, x);
  }
  const names = model.costs;

  // jitters: measured variance − simulated variance = Σ |a| · ((cycles·jitter)² − current)
  const wCur = names.map((c) => (cur.costs[c]!.cycles * cur.costs[c]!.jitter) ** 2);
  const absA = rows.map((r) => r.coef.map((v) => Math.abs(v)));
  const jitterSolution = linearSolution(
    absA,
    wCur,
    names.map((c) => Math.sqrt(Math.max((base.costs[c]!.cycles * base.costs[c]!.jitter) ** 2, 1))),
    stats.map((s) => 1 / s.varSe2),
    names.map(() => 0),
    stats.map((s) => s.measuredVar - s.simulatedVar),
  );
  const jitterOf = (w: readonly number[], cycles: readonly number[]): number[] =>
    names.map((c, j) => {
      const cy = Math.max(0, cycles[j]!);
      if (jitterSolution.origin[j] === 'base' || cy <= 0) return cur.costs[c]!.jitter;
      return Math.min(MAX_JITTER, Math.sqrt(Math.max(0, w[j]!)) / cy);
    });
  const w = jitterSolution.solve(stats.map((s) => s.measuredVar - s.simulatedVar));
  const jitter = jitterOf(w, x);

  // bootstrap over timer cycles
  const replicates = Math.max(20, opts.bootstrap ?? 200);
  const xs: number[][] = names.map(() => []);
  const js: number[][] = names.map(() => []);
  const draws: Array<Record<string, [number, number]>> = [];
  bootstrapRows(rows, { traceCycles: measured.cycles, guestValues: guestValues?.length ?? 0, simulatedCycles: model.baseSet.cycles, simulatedGuest: model.guestSamples.length }, replicates, seed + 7919, (st, b) => {
    const xb = solution.solve(st.map((s) => s.y));
    const jb = jitterOf(jitterSolution.solve(st.map((s) => s.measuredVar - s.simulatedVar)), xb);
    names.forEach((_, j) => {
      xs[j]!.push(xb[j]!);
      js[j]!.push(jb[j]!);
    });
    // A resample of a short trace can leave a segment without cycles (0/0): such a replicate has
    // no usable solution and is not kept as a draw (the intervals skip it too).
    const finite = names.every((_, j) => Number.isFinite(xb[j]!) && Number.isFinite(jb[j]!));
    if (finite && draws.length < KEPT_DRAWS) {
      const d: Record<string, [number, number]> = {};
      names.forEach((c, j) => {
        if (solution.origin[j] !== 'base' || jitterSolution.origin[j] !== 'base') d[c] = [Math.max(0, Math.round(xb[j]!)), Math.round(jb[j]! * 1000) / 1000];
      });
      draws.push(d);
    }
    progress('bootstrap', b + 1, replicates);
  });

  const costs: Record<string, CostFit> = {};
  names.forEach((c, j) => {
    const origin: CostOrigin = solution.origin[j]!;
    const held = solution.held.includes(j);
    const value = origin === 'base' ? cur.costs[c]!.cycles : Math.max(0, Math.round(x[j]!));
    const [lo, hi] = origin === 'base' ? [value, value] : interval95(xs[j]!);
    let jo: CostOrigin = jitterSolution.origin[j]!;
    let jv = Math.round(jitter[j]! * 1000) / 1000;
    let [jlo, jhi] = jo === 'base' ? [jv, jv] : interval95(js[j]!);
    if (jo !== 'base' && (jitterSolution.held.includes(j) || jhi! >= MAX_JITTER || !(jhi! - jlo! <= Math.max(JITTER_WIDTH_MAX, jv)))) {
      // the variances cannot pin it down (e.g. under 1 µs timestamps), or they ask for less than
      // none or more than the profile allows: keep the base jitter
      jo = 'base';
      jv = cur.costs[c]!.jitter;
      jlo = jv;
      jhi = jv;
    }
    const fit: CostFit = {
      value,
      low: Math.max(0, Math.round(lo!)),
      high: Math.max(0, Math.round(hi!)),
      origin,
      determined: false,
      base: base.costs[c]!.cycles,
      segments: solution.rowsOf[j]!.map((r) => rows[r]!.id),
      sumWith: solution.sumWith[j]!.map((k) => names[k]!),
      jitter: { value: jv, low: Math.round(jlo! * 1000) / 1000, high: Math.round(jhi! * 1000) / 1000, origin: jo, base: base.costs[c]!.jitter },
    };
    fit.determined = origin === 'fitted' && !held && relativeHalfWidthOk(fit);
    if (held) warnings.push(`${c} came out below 0 cycles and is held at 0: the segments ${fit.segments.slice(0, 2).join('; ')} are shorter than the model can make them`);
    costs[c] = fit;
  });

  const profile = fittedProfile(opts, cur, costs, host.fileName, detected.strategy, detected.workload);

  // reproduction
  progress('reproduce', 0, 1);
  const reproCycles = opts.reproduceCycles ?? Math.min(20_000, Math.max(2_000, measured.cycles));
  const samples = reproCycles + WARMUP_CYCLES + 1;
  const [out] = await sim([{ config: scenarioConfig(scenario, profile, samples, seed + 1), traceTimerEvents: samples }]);
  const nsTrace = !(trace.resolution.stepNs !== null && trace.resolution.stepNs >= 1000);
  const rtrace = await readSimulatedTrace(out?.trace ?? [], profile.tsc_khz, nsTrace);
  const rthread = rtrace.threads[0];
  const reproduced = rthread ? segmentThread(rthread.events, rtrace.labels, { vocabulary, tscKhz: khz, warmupCycles: WARMUP_CYCLES }) : new SegmentSet();
  const reproducedGuest = out ? Float64Array.from(out.samples.subarray(Math.min(out.samples.length, WARMUP_CYCLES))) : new Float64Array(0);
  const used = new Set(rows.map((r) => r.id));
  const goodness = goodnessOfFit({
    measured,
    reproduced,
    used,
    guest: guestValues ? { measured: guestValues, reproduced: reproducedGuest } : null,
    perf: inputs.perf && rthread ? { rows: inputs.perf.rows, reproduced: exitMeansUs(rthread.events, rtrace.labels) } : null,
    minValues: MIN_ROW_VALUES,
  });
  progress('reproduce', 1, 1);

  if (facts.expiries < 100) warnings.push(`only ${facts.expiries} timer cycles: the intervals are wide; a longer trace narrows them`);
  if (measuredWarmup > 0) warnings.push(`the first ${measuredWarmup} timer cycles${guestWarmup > 0 ? ' and guest-side samples' : ''} are not used (the run may still be settling there)`);
  if (trace.droppedEvents > 0) warnings.push(`the trace has more events than are kept; the last ${trace.droppedEvents} events were not used`);
  if (trace.lostEvents > 0 || trace.holes > 0) warnings.push(`the trace has ${trace.holes} holes (${trace.lostEvents} lost events): no segment spans them`);
  if (onlyMeasured.length > 0) warnings.push(`events the simulated scenario does not show are not used: ${onlyMeasured.join(', ')}`);
  if (detected.kernelGiven && detected.kernel && !releaseInRange(detected.kernelGiven.release, detected.kernel)) {
    warnings.push(`--kernel ${detected.kernelGiven.release} is outside the releases the trace's event placement allows (${detected.kernel.releases}): the simulated events may not line up with the trace`);
  }
  if (detected.tsc.basis === 'base' && !trace.tsc) warnings.push(detected.tsc.note);

  const sources: CalibrationSource[] = [
    { fileName: host.fileName, sha256: host.sha256, kind: 'host-trace', format: host.format, lines: host.lines, bytes: host.bytes },
    ...(inputs.guest ? [{ fileName: inputs.guest.fileName, sha256: inputs.guest.sha256, kind: 'guest-latency' as const, format: inputs.guest.format, lines: inputs.guest.lines, bytes: inputs.guest.bytes }] : []),
    ...(inputs.perf ? [{ fileName: inputs.perf.fileName, sha256: inputs.perf.sha256, kind: 'perf-kvm-stat' as const, format: inputs.perf.format, lines: inputs.perf.lines, bytes: inputs.perf.bytes }] : []),
  ];
  const result: CalibrationResult = {
    profile: profile.name,
    saved: false,
    base: base.name,
    sources,
    detected,
    costs,
    fit: {
      segments: rows.map((r, i) => ({ id: r.id, label: r.label, n: stats[i]!.n, mean: stats[i]!.measuredMean, unit: r.unit })),
      unmatched: [...measured.segments.values()].filter((v) => !used.has(v.info.id)).map((v) => ({ id: v.info.id, label: v.info.label, n: v.n })),
      cycles: measured.cycles,
      skippedCycles: measured.skippedCycles,
      bootstrap: replicates,
      iterations,
    },
    goodness,
    warnings,
    measuredRunIds: [],
  };
  const provenance: CalibrationProvenance = {
    version: 1,
    createdAt: (opts.now ?? (() => new Date()))().toISOString(),
    base: base.name,
    sources,
    detected,
    costs,
    draws,
    measuredRunIds: [],
    poor: goodness.poor,
  };
  return { result, profile, provenance };
}

/** Segments both sides have, with usable coefficients. */
function matchRows(measured: SegmentSet, model: LinearModel, measuredStep: number, simulatedStep: number): FitRow[] {
  const rows: FitRow[] = [];
  for (const [id, values] of measured.segments) {
    const m = model.segments.get(id);
    const simValues = model.baseSet.get(id);
    if (values.n < MIN_ROW_VALUES || !segmentModelOk(m) || !simValues) continue;
    if (m.coef.every((c) => c === 0)) continue; // no cost moves it: nothing to learn (and nothing to check but its mean)
    const stamped = values.info.timestamped;
    rows.push({ id, label: values.info.label, unit: values.info.unit, measured: values, simulated: simValues, coef: m.coef, measuredStep: stamped ? measuredStep : 0, simulatedStep: stamped ? simulatedStep : 0, source: 'trace' });
  }
  return rows;
}

function fittedProfile(opts: CalibrateOptions, cur: Profile, costs: Record<string, CostFit>, fileName: string, strategy: string, workload: string): Profile {
  const out: Profile = {
    name: opts.name,
    description: `calibrated from ${fileName} (${workload}, ${strategy}) against ${opts.base.name}`.slice(0, 500),
    tsc_khz: cur.tsc_khz,
    X: cur.X,
    costs: {},
    base: opts.base.name,
  };
  for (const [name, spec] of Object.entries(cur.costs)) {
    const fit = costs[name];
    if (!fit) {
      out.costs[name] = { ...spec };
      continue;
    }
    const basis =
      fit.origin === 'fitted'
        ? `calibrated from ${fileName}: 95 % interval ${fit.low}–${fit.high}`
        : fit.origin === 'sum'
          ? `calibrated from ${fileName} as part of a sum with ${fit.sumWith.join(', ')}`
          : opts.base.costs[name]?.basis ?? spec.basis;
    out.costs[name] = {
      cycles: fit.origin === 'base' ? (opts.base.costs[name]?.cycles ?? spec.cycles) : fit.value,
      jitter: fit.jitter.value,
      meaning: spec.meaning,
      basis: basis.slice(0, 500),
    };
  }
  return out;
}
