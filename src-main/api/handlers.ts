/**
 * One handler per contract call, each receiving arguments already validated against the
 * contract's schema. `HANDLERS` is typed by the contract, so a missing handler is a compile error
 * (and a test checks it at runtime too). Must not import electron.
 */
import { hasControlChar, NOTES_CONTROL_CHAR_MESSAGE } from '../../src-shared/control-chars.js';
import { COST_NAMES } from '../../src-shared/profile.js';
import { RUN_PARAMS } from '../../src-shared/workloads.js';
import type { CallChannel, CallResults, ParsedArgs } from '../../src-shared/contract.js';
import { detectTextFormat, parseText } from '../formats/index.js';
import { calibrationOf, readInputText, runCalibration, runPrediction } from './calibration.js';
import { compare } from './compare.js';
import { ApiError } from './errors.js';
import { exportRuns } from './export.js';
import { importOptionsKey, importParseOptions, sha256 } from './import.js';
import { applicableImportOptions, withOptionWarnings } from './import-options.js';
import { listProfiles, resolveProfile } from './profiles.js';
import { sampleTrace, worstSamples } from './sample-windows.js';
import type { LabServices } from './services.js';

type Handler<K extends CallChannel> = (lab: LabServices, args: ParsedArgs<K>) => CallResults[K] | Promise<CallResults[K]>;
export type HandlerTable = { [K in CallChannel]: Handler<K> };

export const HANDLERS: HandlerTable = {
  'experiments:submit': (lab, args) => lab.submitExperiment(args),
  'runs:simulate': (lab, args) => lab.simulate(args),
  'runs:list': (lab, args) => lab.listRuns(args),
  'runs:get': (lab, { id }) => lab.getRun(id),
  'runs:histogram': (lab, { id }) => {
    const h = lab.store.getHistogram(id);
    if (!h) throw new ApiError('not-found', `run ${id} has no histogram (not finished?)`);
    return h;
  },
  'runs:trace': (lab, { id, limit }) => lab.store.getTrace(id, limit),
  'runs:worst': (lab, { id, n }) => worstSamples(lab.store, id, n),
  'runs:sampleTrace': (lab, { id, index }) => sampleTrace(lab.store, lab.runner, id, index),
  'runs:rename': (lab, { id, name }) => {
    lab.store.rename(id, name);
    return { ok: true };
  },
  'runs:notes': (lab, { id, notes }) => {
    lab.store.setNotes(id, notes);
    return { ok: true };
  },
  'runs:tag': (lab, { id, tags }) => {
    lab.store.setTags(id, tags);
    return { ok: true };
  },
  'runs:delete': (lab, { ids }) => {
    for (const id of ids) {
      const s = lab.store.get(id).status;
      if (s === 'running' || s === 'queued') {
        throw new ApiError('conflict', `run ${id} is ${s}; cancel it before deleting`, 'ids');
      }
    }
    return { deleted: lab.store.deleteRuns(ids) };
  },
  'runs:cancel': (lab, { id }) => ({ ok: lab.cancel(id) }),
  compare: (lab, args) => compare(lab.store, args, lab.repeats),
  export: (lab, args) => exportRuns(lab.store, args),
  import: (lab, given) => {
    const detected = detectTextFormat(given.content);
    const { args, warnings } = applicableImportOptions(given, given.format ?? detected);
    const hash = sha256(args.content);
    const options = importOptionsKey(args, detected);
    const existing = lab.existingImport(hash, options);
    if (existing) return withOptionWarnings(existing, warnings);
    const parsed = parseText(args.content, args.format, importParseOptions(args));
    const result = lab.importParsed(parsed, {
      fileName: args.fileName,
      sha256: hash,
      options,
      ...(args.name ? { name: args.name } : {}),
      ...(args.tscKhz ? { tscKhz: args.tscKhz } : {}),
    });
    return withOptionWarnings(result, warnings);
  },
  'profiles:list': (lab) => listProfiles(lab.store),
  'profiles:get': (lab, { name }) => resolveProfile(lab.store, name, 'name', 'not-found'),
  'profiles:save': (lab, { profile, replace }) => {
    const description = (profile as { description?: unknown } | null)?.description;
    if (typeof description === 'string' && hasControlChar(description, { newlines: true })) {
      throw new ApiError('bad-input', `profile.description: ${NOTES_CONTROL_CHAR_MESSAGE}`, 'profile.description');
    }
    lab.store.saveUserProfile(profile, replace);
    return { ok: true };
  },
  'db:check': (lab) => {
    const problems = lab.store.checkIntegrity();
    return { file: lab.store.file, ok: problems.length === 0, problems };
  },
  'params:spec': () => ({ runParams: RUN_PARAMS, costNames: COST_NAMES }),
  'calibrate:read': (lab, args) => readInputText(lab, args),
  calibrate: (lab, args) => runCalibration(lab, args),
  'calibrate:get': (lab, { profile }) => calibrationOf(lab, profile),
  predict: (lab, args) => runPrediction(lab, args),
};
