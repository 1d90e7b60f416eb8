// The app's state, made once at start and handed to components through context.
import { getContext, setContext } from 'svelte';
import type { LabApi } from '../../src-shared/contract.js';
import { CalibrationState } from './calibrate.svelte.js';
import { ExperimentForm } from './experiment.svelte.js';
import { HistoryStore } from './history.svelte.js';
import { QueueStore } from './queue.svelte.js';
import { Router } from './router.svelte.js';
import { SweepForm } from './sweep.svelte.js';
import { Theme } from './theme.svelte.js';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export class LabApp {
  readonly api: LabApi;
  readonly theme = new Theme();
  readonly router = new Router();
  readonly history: HistoryStore;
  readonly queue: QueueStore;
  readonly form: ExperimentForm;
  readonly sweep: SweepForm;
  readonly calibration: CalibrationState;
  showShortcuts = $state(false);
  toasts = $state.raw<Toast[]>([]);
  #toastId = 0;

  constructor(api: LabApi) {
    this.api = api;
    this.history = new HistoryStore(api);
    this.queue = new QueueStore(api);
    this.form = new ExperimentForm(api);
    this.sweep = new SweepForm(api);
    this.calibration = new CalibrationState(api);
  }

  /** Subscribes to pushes and loads the first data; returns the cleanup. */
  start(): () => void {
    const offs = [
      this.api.on('run:progress', (p) => {
        this.queue.onProgress(p);
        this.history.patchStatus(p.runId, p.status);
      }),
      this.api.on('run:finished', (f) => {
        this.queue.onFinished(f);
        this.history.patchStatus(f.runId, f.status);
        if (f.status === 'failed') this.toast('error', `Run ${f.runId} failed${f.error ? `: ${f.error}` : ''}`);
        void this.history.refresh();
      }),
    ];
    void this.history.refresh().then(() => this.queue.seed(this.history.runs));
    void this.form.load();
    return () => offs.forEach((off) => off());
  }

  toast(kind: Toast['kind'], text: string): void {
    const id = ++this.#toastId;
    this.toasts = [...this.toasts, { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 10_000 : 4_000);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

const KEY = Symbol('lab-app');

export function setLab(app: LabApp): void {
  setContext(KEY, app);
}

export function getLab(): LabApp {
  return getContext<LabApp>(KEY);
}
