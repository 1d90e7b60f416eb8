/**
 * The host a simulated run modelled, as the app and the CLI show it: CPU profile, kernel release,
 * vendor, APICv and mitigations. Runs made before the summary recorded its host read as the 4.9,
 * intel defaults they were simulated with, marked as assumed. Must not import anything but src-shared.
 */
import type { RunSummary } from './result.js';

/** Kernel and vendor of a run whose summary has no `host` (the engine's only host before it had one). */
export const ASSUMED_HOST = { kernel: '4.9', vendor: 'intel' } as const;

export interface RunHostView {
  profile: string;
  kernel: string;
  vendor: 'intel' | 'amd';
  /** null: not recorded (an older run). */
  apicv: boolean | null;
  mitigations: boolean | null;
  /** False when the figures are the assumed defaults of an older run. */
  recorded: boolean;
}

/** The host of a simulated run's summary; null for a measured run (its host is the file's). */
export function runHostOf(summary: Pick<RunSummary, 'profile' | 'host' | 'engineVersion'>): RunHostView | null {
  if (summary.engineVersion === '') return null;
  const h = summary.host;
  if (h) return { profile: summary.profile, kernel: h.kernel, vendor: h.vendor, apicv: h.apicv, mitigations: h.mitigations, recorded: true };
  return { profile: summary.profile, ...ASSUMED_HOST, apicv: null, mitigations: null, recorded: false };
}

const onOff = (v: boolean | null) => (v === null ? 'not recorded' : v ? 'on' : 'off');

/** One line: "SKX · kernel 6.8 · intel · APICv on · mitigations on" (AVIC on AMD), or the assumed defaults. */
export function runHostText(h: RunHostView): string {
  const apic = h.vendor === 'amd' ? 'AVIC' : 'APICv';
  const line = `${h.profile} · kernel ${h.kernel} · ${h.vendor} · ${apic} ${onOff(h.apicv)} · mitigations ${onOff(h.mitigations)}`;
  return h.recorded ? line : `${line} (assumed: this run predates recording its host, which was then always ${ASSUMED_HOST.kernel}, ${ASSUMED_HOST.vendor})`;
}
