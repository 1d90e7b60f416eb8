/**
 * The kernel release a calibration simulates. `--kernel X.Y[.Z]` is checked here; whether the
 * engine can simulate it is decided by whether the run configuration has a `kernel` parameter
 * (this is the one place that knows), so the release flows into every simulation as soon as the
 * engine models releases. Pure: must not import node:*, electron or better-sqlite3.
 */
import { ConfigError, PARAM_BY_NAME } from '../../src-shared/config.js';
import type { Detection } from '../../src-shared/calibration.js';

const RELEASE = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{1,3}))?$/;

export function parseKernelRelease(raw: string, field = 'kernel'): string {
  const m = RELEASE.exec(raw.trim());
  if (!m) throw new ConfigError(field, `expected a release such as 5.15 or 6.1.12, got "${raw}"`);
  const v = Number(m[1]) * 100 + Number(m[2]);
  if (v < 409 || v > 619) throw new ConfigError(field, `releases 4.9 to 6.19 are known, got ${raw}`);
  return raw.trim();
}

/** The run settings for a release, and what the detection reports about it. */
export function kernelSettings(release: string | undefined): { set: Record<string, string>; given: Detection['kernelGiven'] } {
  if (release === undefined) return { set: {}, given: null };
  const r = parseKernelRelease(release);
  if (PARAM_BY_NAME.has('kernel')) return { set: { kernel: r }, given: { release: r, simulated: true, note: `simulated as Linux ${r}` } };
  return {
    set: {},
    given: { release: r, simulated: false, note: `recorded, not simulated: this engine models Linux 4.9 event placement and costs paths only` },
  };
}
