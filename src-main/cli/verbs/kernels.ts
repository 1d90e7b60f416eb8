/**
 * `timer-lab kernels [RELEASE]`: the KVM timer mechanisms the lab models, each with the first
 * release that has it, what it changes and where that was read; with a release, which of them it
 * has and its module-parameter defaults.
 */
import { UsageError } from '../args.js';
import { kernelDefaults, kernelFeatures, MECHANISMS, MECHANISM_IDS, NEWEST_READ_KERNEL, OLDEST_KERNEL, parseRelease, compareReleases, type Release } from '../../../src-shared/kernels.js';
import { MECHANISM_PREFIX } from '../../../src-shared/config.js';
import { defineVerb } from '../verb.js';

function since(id: (typeof MECHANISM_IDS)[number]): string {
  const m = MECHANISMS[id];
  const bp = 'backports' in m && m.backports ? ` (backported: ${m.backports.join(', ')})` : '';
  return `${m.since}${bp}`;
}

export const kernels = defineVerb({
  name: 'kernels',
  summary: 'list the kernel mechanisms the lab models, or what one release has',
  positionals: '[RELEASE]',
  options: {},
  notes: `A run takes its kernel with --set kernel=X.Y[.Z] (${OLDEST_KERNEL} or later; the sources were read up to ${NEWEST_READ_KERNEL}); --set ${MECHANISM_PREFIX}<id>=on|off switches one mechanism alone.`,
  async run(ctx, _v, positionals) {
    const text = positionals[0];
    let release: Release | null = null;
    if (text !== undefined) {
      release = parseRelease(text);
      if (!release) throw new UsageError(`RELEASE: expected a Linux release such as 5.15 or 6.1.20, got "${text}"`);
      if (compareReleases(release, parseRelease(OLDEST_KERNEL) as Release) < 0) throw new UsageError(`RELEASE: the lab models releases from ${OLDEST_KERNEL} on, got ${text}`);
    }
    const features = release ? kernelFeatures(release) : null;
    const rows = MECHANISM_IDS.map((id) => ({ id, ...MECHANISMS[id], ...(features ? { present: features[id] } : {}) }));
    if (ctx.json) {
      ctx.out(JSON.stringify({ oldest: OLDEST_KERNEL, newestRead: NEWEST_READ_KERNEL, ...(release ? { release: text, defaults: kernelDefaults(release) } : {}), mechanisms: rows }, null, 2));
      return 0;
    }
    if (release) {
      const d = kernelDefaults(release);
      ctx.out(`kernel ${text}: lapic_timer_advance_ns default ${d.timerAdvanceNs}, halt_poll_ns default ${d.haltPollNs}`);
    }
    for (const id of MECHANISM_IDS) {
      const m = MECHANISMS[id];
      const mark = features ? (features[id] ? '[x] ' : '[ ] ') : '';
      ctx.out(`${mark}${id} — since ${since(id)}: ${m.title}`);
      ctx.out(`    ${m.effect}`);
      ctx.out(`    source: ${m.source}`);
    }
    if (release && compareReleases(release, parseRelease(NEWEST_READ_KERNEL) as Release) > 0) {
      ctx.warn(`kernel ${text} is newer than ${NEWEST_READ_KERNEL}, the newest release whose sources were read: later changes are not modelled`);
    }
    return 0;
  },
});
