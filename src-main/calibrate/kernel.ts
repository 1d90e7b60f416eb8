/**
 * The kernel release a calibration simulates: the one given with `--kernel X.Y[.Z]` (checked as
 * the `kernel` run parameter is), else one the trace's event placement allows. Pure: must not
 * import node:*, electron or better-sqlite3.
 */
import { ConfigError, PARAM_BY_NAME, parseParamValue, releaseOf } from '../../src-shared/config.js';
import type { Detection, KernelRange } from '../../src-shared/calibration.js';
import { compareReleases, NEWEST_READ_KERNEL, profileDefaultKernel } from '../../src-shared/kernels.js';
import type { Profile } from '../../src-shared/profile.js';

/** A release given with --kernel, checked by the same rule as the `kernel` run parameter. */
export function parseKernelRelease(raw: string, field = 'kernel'): string {
  try {
    return String(parseParamValue(PARAM_BY_NAME.get('kernel')!, raw));
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(field, err.message.replace(/^kernel: /, ''));
    throw err;
  }
}

/** The run settings for a release, and what the detection reports about it. */
export function kernelSettings(release: string | undefined): { set: Record<string, string>; given: Detection['kernelGiven'] } {
  if (release === undefined) return { set: {}, given: null };
  const r = parseKernelRelease(release);
  return { set: { kernel: r }, given: { release: r, simulated: true, note: `simulated as Linux ${r}` } };
}

/** Whether a release lies within the releases a trace's event placement allows. */
export function releaseInRange(release: string, range: KernelRange): boolean {
  const r = releaseOf(release);
  return (range.min === null || compareReleases(r, releaseOf(range.min)) >= 0) && (range.max === null || compareReleases(r, releaseOf(range.max)) <= 0);
}

/**
 * Without --kernel: the release the simulations use. The base profile's own kernel when the trace's
 * event placement allows it; otherwise the newest release the placement allows, so the simulated
 * scenario has the events (and their order) the trace has. Null keeps the base's kernel.
 */
export function kernelFromTrace(range: KernelRange | null, base: Profile): { set: Record<string, string>; given: Detection['kernelGiven'] } | null {
  if (!range) return null;
  if (releaseInRange(profileDefaultKernel(base), range)) return null;
  const chosen = range.max ?? NEWEST_READ_KERNEL;
  return {
    set: { kernel: chosen },
    given: { release: chosen, simulated: true, note: `simulated as Linux ${chosen}, the newest release the trace's event placement allows (${range.releases}); ${base.name}'s own ${profileDefaultKernel(base)} does not; name another with --kernel` },
  };
}
