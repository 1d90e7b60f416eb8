// Calibration unit-test helpers: the shared known-truth helpers (tests/calibration-support.ts)
// and small calibration settings, so a unit test calibrates in a few seconds.
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { calibrate, type CalibrateOptions } from '../../../src-main/calibrate/index.js';
import { engineSimulator } from '../../calibration-support.js';

export { inputsOf, simulatedFiles, simulatedMean, trueProfile } from '../../calibration-support.js';

/** Small settings so a unit test calibrates in a few seconds. */
export function quickOptions(extra: Partial<CalibrateOptions> = {}): CalibrateOptions {
  return { base: DEFAULT_PROFILE, name: 'fit', simulator: engineSimulator, bootstrap: 60, modelCycles: 300, reproduceCycles: 1000, ...extra };
}

export { calibrate, DEFAULT_PROFILE };
