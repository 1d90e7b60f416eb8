/**
 * Public surface of calibration: reading the user's files, fitting a profile to them, checking
 * it, and predicting what it did not measure. Pure (files are read and profiles stored by the
 * callers): must not import node:*, electron or better-sqlite3.
 */
export { calibrate, type CalibrateOptions, type CalibrationInputs } from './calibrate.js';
export { HostTraceReader, readHostTrace, type HostTrace } from './host-trace.js';
export { guestSideOf, type GuestSide } from './guest-side.js';
export { CalibrationInputError } from './errors.js';
export { parseKernelRelease, kernelSettings } from './kernel.js';
export { readSimulatedTrace, type Scenario, type Simulator } from './simulator.js';
export { predictVariants, type PredictVariant } from './predict.js';
export { checkHostTrace } from './select-vcpu.js';
