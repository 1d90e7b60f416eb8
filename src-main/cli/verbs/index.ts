/** Every CLI verb, in the order help lists them. Adding a verb is one file plus one entry here. */
import type { VerbSpec } from '../verb.js';
import { calibrateVerb } from './calibrate.js';
import { check } from './check.js';
import { compare } from './compare.js';
import { experiment } from './experiment.js';
import { exportVerb } from './export.js';
import { list, rm, show, tag } from './history.js';
import { importVerb } from './import.js';
import { predictVerb } from './predict.js';
import { kernels } from './kernels.js';
import { profiles } from './profiles.js';
import { run } from './run.js';
import { serve } from './serve.js';

export const VERBS: readonly VerbSpec[] = [run, experiment, list, show, compare, rm, tag, exportVerb, importVerb, calibrateVerb, predictVerb, profiles, kernels, serve, check] as unknown as VerbSpec[];

export function findVerb(name: string): VerbSpec | undefined {
  return VERBS.find((v) => v.name === name);
}
