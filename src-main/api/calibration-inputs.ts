/**
 * Calibration inputs that were read and are waiting for a calibration: what calibration needs
 * from each file (a host trace's per-vCPU events, a guest-side latency log, perf kvm stat's
 * table) and the file parsed as an import, so that saving the calibration stores it as measured
 * runs without reading it again. Kept in this process's memory only, at most MAX_INPUTS of them
 * (the oldest go first) and for at most an hour. Must not import electron.
 */
import type { CalibrationInputInfo } from '../../src-shared/calibration.js';
import type { PerfRow } from '../../src-shared/measurement.js';
import type { GuestSide, HostTrace } from '../calibrate/index.js';
import type { ParsedMeasurement } from '../formats/index.js';
import { ApiError } from './errors.js';

const MAX_INPUTS = 8;
const MAX_AGE_MS = 60 * 60 * 1000;

export interface CalibrationInput {
  info: CalibrationInputInfo;
  /** The file as an import (null when the import parser finds nothing it stores). */
  parsed: ParsedMeasurement | null;
  host?: HostTrace;
  guest?: GuestSide;
  perf?: PerfRow[];
  readAt: number;
}

export class CalibrationInputStore {
  private readonly inputs = new Map<number, CalibrationInput>();
  private next = 1;

  add(input: Omit<CalibrationInput, 'info' | 'readAt'> & { info: Omit<CalibrationInputInfo, 'inputId'> }): CalibrationInputInfo {
    this.expire();
    while (this.inputs.size >= MAX_INPUTS) this.inputs.delete(this.inputs.keys().next().value!);
    const info = { ...input.info, inputId: this.next++ };
    this.inputs.set(info.inputId, { ...input, info, readAt: Date.now() });
    return info;
  }

  get(id: number, field: string): CalibrationInput {
    this.expire();
    const input = this.inputs.get(id);
    if (!input) throw new ApiError('not-found', `${field}: input ${id} is not (or no longer) read; read the file again`, field);
    return input;
  }

  private expire(): void {
    const old = Date.now() - MAX_AGE_MS;
    for (const [id, input] of this.inputs) if (input.readAt < old) this.inputs.delete(id);
  }
}
