/**
 * The calibration calls behind every front door: read an input (from a text, or streamed), fit a
 * profile to read inputs and save it (the profile with its provenance and the files as measured
 * runs, in one transaction, only once everything succeeded), look a calibration up, and predict
 * the strategies and settings it did not measure (simulated over the fit's bootstrap draws,
 * stored as one experiment of reproduced and predicted runs). Simulations run on the worker pool.
 * Must not import electron.
 */
import { createHash } from 'node:crypto';
import { CONTROL_CHAR_MESSAGE, hasControlChar } from '../../src-shared/control-chars.js';
import type { CalibrationInputInfo, PredictedRun, PredictResult, RunCalibrationInfo } from '../../src-shared/calibration.js';
import { applySetting, ConfigError, defaultRunParams, type RunConfig } from '../../src-shared/config.js';
import type { CallResults, ParsedArgs } from '../../src-shared/contract.js';
import { resolveProfileDoc } from '../../src-shared/profile-doc.js';
import { builtinProfile } from '../../src-shared/profiles/index.js';
import { measureOfWorkload } from '../../src-shared/workloads.js';
import { usableStrategies } from '../../src-shared/run-checks.js';
import { calibrate, CalibrationInputError, predictVariants, type CalibrationInputs, type PredictVariant, type Simulator } from '../calibrate/index.js';
import { buildRunConfig } from '../engine/index.js';
import { FormatError, splitLines } from '../formats/index.js';
import { readCalibrationInput } from './calibration-read.js';
import { ApiError } from './errors.js';
import { measuredImport } from './import.js';
import { resolveProfile } from './profiles.js';
import type { LabServices } from './services.js';

let simulationKey = 0;

/** Simulations on the worker pool, all of a batch queued at once. */
export function poolSimulator(lab: LabServices): Simulator {
  return (batch) =>
    Promise.all(
      batch.map(async (r) => {
        const m = await lab.runner.run(`calibration-${++simulationKey}`, r.config, { trace: r.traceTimerEvents > 0, traceTimerEvents: Math.max(1, r.traceTimerEvents) });
        return { samples: m.samples, trace: m.trace, criticalPath: m.summary.criticalPath, latency: m.summary.latency };
      }),
    );
}

function named(err: unknown, fileName: string): unknown {
  if (err instanceof FormatError) return new CalibrationInputError(fileName, err.message.replace(/^line \d+: /, ''), err.line);
  return err;
}

/** Reads an input streamed chunk by chunk (CLI, web upload); progress is pushed in bytes. */
export async function readInputStream(lab: LabServices, fileName: string, body: AsyncIterable<Buffer | string>, size: number, maxBytes: number): Promise<CalibrationInputInfo> {
  if (typeof fileName !== 'string' || fileName.length === 0 || fileName.length > 255) throw new ApiError('bad-input', 'fileName: expected 1–255 characters', 'fileName');
  if (hasControlChar(fileName)) throw new ApiError('bad-input', `fileName: ${CONTROL_CHAR_MESSAGE}`, 'fileName');
  const hash = createHash('sha256');
  let bytes = 0;
  let last = 0;
  async function* counted(): AsyncGenerator<Buffer | string> {
    for await (const chunk of body) {
      hash.update(chunk);
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (bytes > maxBytes) throw new ApiError('bad-input', `${fileName} is larger than ${maxBytes / 1048576} MB`, 'content');
      const now = Date.now();
      if (now - last >= 200) {
        last = now;
        lab.emit('calibrate:progress', { stage: `read ${fileName}`, done: bytes, total: size });
      }
      yield chunk;
    }
  }
  const chunks = counted();
  try {
    const input = await readCalibrationInput(splitLines(chunks), { fileName, digest: () => ({ sha256: hash.digest('hex'), bytes }) });
    lab.emit('calibrate:progress', { stage: `read ${fileName}`, done: bytes, total: size || bytes });
    return lab.calibrationInputs.add(input);
  } catch (err) {
    throw named(err, fileName);
  } finally {
    await chunks.return(undefined);
  }
}

export function readInputText(lab: LabServices, args: ParsedArgs<'calibrate:read'>): Promise<CalibrationInputInfo> {
  async function* one(): AsyncGenerator<string> {
    yield args.content;
  }
  return readInputStream(lab, args.fileName, one(), Buffer.byteLength(args.content), Number.MAX_SAFE_INTEGER);
}

/** A default profile name from the trace's file name: letters, digits, dot, dash and underscore. */
function defaultName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return `calibrated-${stem || 'host'}`.slice(0, 64);
}

export async function runCalibration(lab: LabServices, args: ParsedArgs<'calibrate'>): Promise<CallResults['calibrate']> {
  // each input once, named by where it first stands in the request
  const inputs = args.inputs.flatMap((id, i) => (args.inputs.indexOf(id) === i ? [lab.calibrationInputs.get(id, `inputs.${i}`)] : []));
  const hosts = inputs.filter((i) => i.host);
  if (hosts.length !== 1) {
    throw new ApiError('bad-input', hosts.length === 0 ? 'inputs: no host trace among them (calibration needs a trace-cmd report of the host)' : `inputs: ${hosts.length} host traces (${hosts.map((h) => h.info.fileName).join(', ')}); calibrate from one at a time`, 'inputs');
  }
  const guests = inputs.filter((i) => i.guest);
  const perfs = inputs.filter((i) => i.perf);
  if (guests.length > 1) throw new ApiError('bad-input', 'inputs: more than one guest-side latency file', 'inputs');
  if (perfs.length > 1) throw new ApiError('bad-input', 'inputs: more than one perf kvm stat report', 'inputs');
  const base = resolveProfile(lab.store, args.base, 'base');
  if (!builtinProfile(base.name)) throw new ApiError('bad-input', `base: "${base.name}" is a user profile; calibrate from a built-in one`, 'base');
  const host = hosts[0]!;
  const name = args.name ?? defaultName(host.info.fileName);
  try {
    resolveProfileDoc({ name, base: base.name });
  } catch (err) {
    throw err instanceof ConfigError ? new ApiError('bad-input', `name: ${err.message.replace(/^profile\.name: /, '')}`, 'name') : err;
  }
  if (builtinProfile(name)) throw new ApiError('conflict', `name: "${name}" is a built-in profile; choose another name`, 'name');
  const clash = args.save && !args.replace ? lab.store.profileNameClash(name) : null;
  if (clash) throw new ApiError('conflict', `name: ${clash}`, 'name');
  const src = (i: (typeof inputs)[number]) => ({ fileName: i.info.fileName, sha256: i.info.sha256, bytes: i.info.bytes, lines: i.info.lines, format: i.info.format });
  const calibrationInputs: CalibrationInputs = {
    host: { ...src(host), trace: host.host! },
    ...(guests[0] ? { guest: { ...src(guests[0]), side: guests[0].guest! } } : {}),
    ...(perfs[0] ? { perf: { ...src(perfs[0]), rows: perfs[0].perf! } } : {}),
  };
  let outcome;
  try {
    outcome = await calibrate(calibrationInputs, {
      base,
      name,
      simulator: poolSimulator(lab),
      bootstrap: args.bootstrap,
      seed: args.seed,
      ...(args.kernel ? { kernel: args.kernel } : {}),
      ...(args.vcpu !== undefined ? { vcpu: args.vcpu } : {}),
      onProgress: (stage, done, total) => lab.emit('calibrate:progress', { stage, done, total }),
    });
  } catch (err) {
    if (err instanceof ConfigError && err.field === 'kernel') throw new ApiError('bad-input', err.message, 'kernel');
    throw err;
  }
  const { result, profile, provenance } = outcome;
  if (!args.save) return result;
  const imports = inputs
    .filter((i) => i.parsed)
    .map((i) => measuredImport(i.parsed!, { fileName: i.info.fileName, sha256: i.info.sha256, name: `${i.info.fileName} (calibration ${name})` }));
  let saved;
  try {
    // the store checks the provenance as it will read it back; a refusal rolls the whole save back
    saved = lab.store.saveCalibration(imports, profile, provenance, args.replace);
  } catch (err) {
    if (err instanceof ConfigError) throw new ApiError('failed', `the calibration could not be saved: its ${err.field} is not valid (${err.message}); nothing was saved`);
    throw err;
  }
  return { ...result, saved: true, measuredRunIds: saved.measuredRunIds };
}

/** Why a prediction's intervals are points: the request asked for fewer than 2 draws, or the profile keeps fewer. */
function fewDrawsNote(asked: number | undefined, kept: number): string {
  if (asked !== undefined && asked < kept) {
    return `${asked} bootstrap draw${asked === 1 ? ' was' : 's were'} asked for (fewer than 2; the profile keeps ${kept}): the intervals are points`;
  }
  return `the profile keeps fewer than 2 bootstrap draws (${kept}): the intervals are points`;
}

export function calibrationOf(lab: LabServices, profileName: string): CallResults['calibrate:get'] {
  const profile = resolveProfile(lab.store, profileName, 'profile', 'not-found');
  const p = lab.store.getProfileProvenance(profile.name);
  return { profile, provenance: p?.provenance ?? null, note: p?.note ?? (p ? null : `${profile.name} is a built-in profile: it was not calibrated`) };
}

export async function runPrediction(lab: LabServices, args: ParsedArgs<'predict'>): Promise<PredictResult> {
  const { profile, provenance, note } = calibrationOf(lab, args.profile);
  if (!provenance) throw new ApiError('bad-input', `profile: ${profile.name} has no calibration to predict from${note ? ` (${note})` : ''}; calibrate a profile first`, 'profile');
  for (const [k, v] of Object.entries(args.set)) {
    try {
      applySetting(defaultRunParams(), profile, k, v);
    } catch (err) {
      if (err instanceof ConfigError) throw new ApiError('bad-input', `set.${k}: ${err.message.replace(`${err.field}: `, '')}`, `set.${k}`);
      throw err;
    }
  }
  const d = provenance.detected;
  const variants: PredictVariant[] = [{ role: 'reproduced', name: `${profile.name} · reproduced · ${d.strategy}`, workload: d.workload, strategy: d.strategy, set: { ...d.settings } }];
  const changed = Object.keys(args.set).length > 0;
  // by default every strategy the calibrated host can run (a refused one is asked for by name)
  for (const s of new Set(args.strategies ?? usableStrategies(profile, { ...d.settings, ...args.set }))) {
    if (s === d.strategy && !changed) continue;
    const extra = Object.entries(args.set).map(([k, v]) => `${k}=${String(v)}`);
    variants.push({ role: 'predicted', name: [profile.name, 'predicted', s, ...extra].join(' · ').slice(0, 200), workload: d.workload, strategy: s, set: { ...d.settings, ...args.set } });
  }
  // every configuration is checked before anything runs or is stored
  const configs: RunConfig[] = variants.map((v, i) => {
    try {
      return buildRunConfig({ workload: v.workload, strategy: v.strategy, profile, samples: args.samples, seed: 1, set: v.set });
    } catch (err) {
      if (err instanceof ConfigError) throw new ApiError('bad-input', `${i === 0 ? 'profile' : `set.${err.field}`}: ${err.message.replace(`${err.field}: `, '')}`, i === 0 ? 'profile' : `set.${err.field}`);
      throw err;
    }
  });
  const figures = await predictVariants(profile, provenance, variants, {
    simulator: poolSimulator(lab),
    samples: configs[0]!.samples,
    seed: configs[0]!.seed,
    ...(args.draws !== undefined ? { draws: args.draws } : {}),
    onProgress: (done, total) => lab.emit('calibrate:progress', { stage: 'predict', done, total }),
  });
  const experimentName = args.name ?? `prediction · ${profile.name}`;
  const { experimentId, runIds } = lab.submitCalibrationRuns(
    experimentName,
    variants.map((v, i) => {
      const f = figures[i]!;
      const calibration: RunCalibrationInfo = { role: v.role, profile: profile.name, mean: f.mean, p50: f.p50, p99: f.p99, draws: f.draws };
      return { name: v.name, config: configs[i]!, calibration };
    }),
  );
  const runs: PredictedRun[] = variants.map((v, i) => ({
    runId: runIds[i]!,
    role: v.role,
    name: v.name,
    strategy: v.strategy,
    workload: v.workload,
    settings: v.set,
    mean: figures[i]!.mean,
    p50: figures[i]!.p50,
    p99: figures[i]!.p99,
    undetermined: figures[i]!.undetermined,
  }));
  const notes: string[] = [];
  if (figures[0] && figures[0].draws < 2) notes.push(fewDrawsNote(args.draws, provenance.draws.length));
  for (const r of runs) {
    if (r.undetermined.length > 0) notes.push(`${r.name}: ${r.undetermined.join(', ')} ${r.undetermined.length === 1 ? 'is' : 'are'} on its critical path but not determined by the files (base values); the interval does not cover ${r.undetermined.length === 1 ? 'it' : 'them'}`);
  }
  if (provenance.poor.length > 0) notes.push(`the calibration found a poor fit: ${provenance.poor[0]}`);
  // measured runs that measure what the simulated runs do (the guest-side log) first: those compare with a verdict
  const measure = measureOfWorkload(d.workload);
  const comparable = (id: number): boolean => {
    try {
      return lab.store.get(id).measure === measure;
    } catch {
      return false;
    }
  };
  const measuredRunIds = [...provenance.measuredRunIds].sort((a, b) => Number(comparable(b)) - Number(comparable(a)));
  return { experimentId, profile: profile.name, runs, measuredRunIds, draws: figures[0]?.draws ?? 0, notes };
}

