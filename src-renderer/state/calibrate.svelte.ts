// The Calibrate view's state: the files read so far, the options, the calibration's result, and
// the prediction made from it. Kept in the app (not the view) so leaving and coming back keeps it.
import type { CalibrationInputInfo, CalibrationResult, PredictResult } from '../../src-shared/calibration.js';
import type { LabApi } from '../../src-shared/contract.js';
import { errorInfo, readCalibrationFile } from '../lib/transport.js';

export class CalibrationState {
  inputs = $state.raw<CalibrationInputInfo[]>([]);
  reading = $state<{ fileName: string; pct: number } | null>(null);
  readError = $state<string | null>(null);
  base = $state('HSW-2016');
  name = $state('');
  /** Overwrite a saved profile of the same name (and its calibration); otherwise such a name is refused. */
  replace = $state(false);
  kernel = $state('');
  vcpu = $state('');
  busy = $state<string | null>(null);
  progress = $state<{ stage: string; done: number; total: number } | null>(null);
  error = $state<{ message: string; field?: string } | null>(null);
  result = $state.raw<CalibrationResult | null>(null);
  prediction = $state.raw<PredictResult | null>(null);
  predictError = $state<string | null>(null);

  constructor(private readonly api: LabApi) {}

  get hasHostTrace(): boolean {
    return this.inputs.some((i) => i.kind === 'host-trace');
  }

  /** Follows `calibrate:progress` pushes; returns the unsubscribe. */
  follow(): () => void {
    return this.api.on('calibrate:progress', (p) => {
      if (this.reading && p.stage === `read ${this.reading.fileName}`) this.reading = { ...this.reading, pct: p.total > 0 ? Math.round((100 * p.done) / p.total) : 0 };
      else if (this.busy) this.progress = p;
    });
  }

  async addFiles(files: readonly File[]): Promise<void> {
    this.readError = null;
    for (const file of files) {
      this.reading = { fileName: file.name, pct: 0 };
      try {
        const info = await readCalibrationFile(this.api, file);
        // one input per kind for the guest side and perf; a new host trace replaces the old one
        this.inputs = [...this.inputs.filter((i) => i.kind !== info.kind), info];
      } catch (err) {
        this.readError = errorInfo(err).message;
        break;
      } finally {
        this.reading = null;
      }
    }
  }

  remove(inputId: number): void {
    this.inputs = this.inputs.filter((i) => i.inputId !== inputId);
  }

  async calibrate(): Promise<void> {
    this.error = null;
    this.prediction = null;
    this.predictError = null;
    const vcpu = this.vcpu.trim();
    if (vcpu !== '' && !/^\d{1,4}$/.test(vcpu)) {
      this.error = { message: 'vCPU: expected a number such as 0', field: 'vcpu' };
      return;
    }
    this.busy = 'calibrating';
    this.progress = null;
    try {
      this.result = await this.api.call('calibrate', {
        inputs: this.inputs.map((i) => i.inputId),
        base: this.base,
        ...(this.name.trim() ? { name: this.name.trim() } : {}),
        replace: this.replace,
        ...(this.kernel.trim() ? { kernel: this.kernel.trim() } : {}),
        ...(vcpu !== '' ? { vcpu: Number(vcpu) } : {}),
      });
    } catch (err) {
      const e = errorInfo(err);
      this.error = e.field ? { message: e.message, field: e.field } : { message: e.message };
    } finally {
      this.busy = null;
      this.progress = null;
    }
  }

  async predict(): Promise<void> {
    if (!this.result?.saved) return;
    this.predictError = null;
    this.busy = 'predicting';
    this.progress = null;
    try {
      this.prediction = await this.api.call('predict', { profile: this.result.profile });
    } catch (err) {
      this.predictError = errorInfo(err).message;
    } finally {
      this.busy = null;
      this.progress = null;
    }
  }

  /** Runs to compare: the measured run that compares with a verdict, then the reproduced and predicted ones (2–4). */
  compareIds(): number[] {
    const p = this.prediction;
    if (!p) return [];
    return [...p.measuredRunIds.slice(0, 1), ...p.runs.map((r) => r.runId)].slice(0, 4);
  }
}
