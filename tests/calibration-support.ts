// Calibration on known truth, for the calibration tests and the bench: the engine in this thread as
// the Simulator, a "true" profile whose costs differ from the base by 10–40 % (alternating in sign),
// a simulated run's host trace (ns or µs) and guest-side log read the way calibrate reads the
// user's files, and a configuration's simulated mean latency. Must not import vitest (the bench
// runs it compiled, under node).
import { buildRunConfig, DEFAULT_PROFILE, simulate } from '../src-main/engine/index.js';
import { guestSideOf, readHostTrace, type CalibrationInputs, type Simulator } from '../src-main/calibrate/index.js';
import { parseText, toTraceCmdReport, toTscdeadlineLog } from '../src-main/formats/index.js';
import { COST_NAMES, type Profile } from '../src-shared/profile.js';

export const engineSimulator: Simulator = async (batch) =>
  batch.map((r) => {
    const m = simulate(r.config, { trace: r.traceTimerEvents > 0, traceTimerEvents: Math.max(1, r.traceTimerEvents) });
    return { samples: m.samples, trace: m.trace, criticalPath: m.summary.criticalPath, latency: m.summary.latency };
  });

/** Cost i of COST_NAMES × (1 ± 10/20/30/40 %), the sign alternating. */
export function trueProfile(base: Profile = DEFAULT_PROFILE): Profile {
  const p = structuredClone(base);
  p.name = 'truth';
  COST_NAMES.forEach((c, i) => {
    const f = 1 + (i % 2 ? -1 : 1) * [0.1, 0.2, 0.3, 0.4][i % 4]!;
    p.costs[c]!.cycles = Math.round(p.costs[c]!.cycles * f);
  });
  return p;
}

/** A text's lines as a file reader gives them (no empty line after the last newline). */
export async function* linesOf(text: string): AsyncGenerator<string> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) yield l;
}

export interface SimulatedFiles {
  trace: string;
  guestLog: string;
  samples: Int32Array;
}

/** One simulated run written out as `trace-cmd report` (every timer event) and as a guest-side latency log. */
export function simulatedFiles(opts: { workload: string; strategy: string; profile: Profile; samples: number; ts: 'ns' | 'us'; set?: Record<string, string | number | boolean>; seed?: number }): SimulatedFiles {
  const config = buildRunConfig({ workload: opts.workload, strategy: opts.strategy, profile: opts.profile, samples: opts.samples, seed: opts.seed ?? 42, set: opts.set ?? {} });
  const run = simulate(config, { trace: true, traceTimerEvents: opts.samples + 1 });
  return {
    trace: toTraceCmdReport(run.trace!, { tscKhz: opts.profile.tsc_khz, nsTimestamps: opts.ts === 'ns', baseSeconds: 5000 }),
    guestLog: toTscdeadlineLog(run.samples),
    samples: run.samples,
  };
}

/** The files read as calibrate's inputs (host trace, and the guest-side log when given). */
export async function inputsOf(files: { trace: string; guestLog?: string }): Promise<CalibrationInputs> {
  const trace = await readHostTrace(linesOf(files.trace));
  const host = { fileName: 'host.report', sha256: 'a'.repeat(64), bytes: files.trace.length, lines: trace.lines, format: 'trace-cmd', trace };
  if (!files.guestLog) return { host };
  const side = guestSideOf(parseText(files.guestLog), 'guest.log');
  return { host, guest: { fileName: 'guest.log', sha256: 'b'.repeat(64), bytes: files.guestLog.length, lines: 0, format: 'tscdeadline-latency', side } };
}

/** The mean latency (guest TSC cycles) of one simulated run. */
export function simulatedMean(workload: string, strategy: string, profile: Profile, samples: number, set: Record<string, string | number | boolean> = {}, seed = 5): number {
  return simulate(buildRunConfig({ workload, strategy, profile, samples, seed, set })).summary.latency.mean;
}
