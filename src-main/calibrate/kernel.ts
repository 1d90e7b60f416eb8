/**
 * The kernel release a calibration simulates. `--kernel X.Y[.Z]` is checked here; whether the
 * engine can simulate it is decided by whether the run configuration has a `kernel` parameter
 * (this is the one place that knows), so the release flows into every simulation as soon as the
 * engine models releases. Pure: must not import node:*, electron or better-sqlite3.
 */
import { ConfigError, PARAM_BY_NAME } from '../../src-shared/config.js';
import type { Detection, KernelRange } from '../../src-shared/calibration.js';
import { compareReleases, NEWEST_READ_KERNEL, OLDEST_KERNEL, parseRelease, type Release } from '../../src-shared/kernels.js';
import type { Profile } from '../../src-shared/profile.js';

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

const releaseOf = (text: string): Release => parseRelease(text) ?? (parseRelease(OLDEST_KERNEL) as Release);

/**
 * Without --kernel: the release the simulations use. The base profile's own kernel when the trace's
 * event placement allows it; otherwise the newest release the placement allows, so the simulated
 * scenario has the events (and their order) the trace has. Null keeps the base's kernel.
 */
export function kernelFromTrace(range: KernelRange | null, base: Profile): { set: Record<string, string>; given: Detection['kernelGiven'] } | null {
  if (!range || !PARAM_BY_NAME.has('kernel')) return null;
  const own = releaseOf(base.defaultKernel ?? OLDEST_KERNEL);
  const min = range.min === null ? null : releaseOf(range.min);
  const max = range.max === null ? null : releaseOf(range.max);
  if ((min === null || compareReleases(own, min) >= 0) && (max === null || compareReleases(own, max) <= 0)) return null;
  const chosen = range.max ?? NEWEST_READ_KERNEL;
  return {
    set: { kernel: chosen },
    given: { release: chosen, simulated: true, note: `simulated as Linux ${chosen}, the newest release the trace's event placement allows (${range.releases}); ${base.name}'s own ${base.defaultKernel ?? OLDEST_KERNEL} does not; name another with --kernel` },
  };
}
