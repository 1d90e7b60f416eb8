/**
 * Writes samples as kvm-unit-tests x86/tscdeadline_latency output, so simulated runs open in the
 * users' existing scripts (`grep latency | cut -f 2 -d ":"`). Pure: must not import node:*,
 * electron or better-sqlite3.
 */

export interface TscdeadlineLogOptions {
  /** breakmax argument; when > 0 and the last sample exceeds it, that line gets "hit max". */
  breakmax?: number;
  /** Whole LVR value printed as `apic version: %x` (default 0x50014). */
  apicVersion?: number;
}

export function toTscdeadlineLog(samples: ArrayLike<number>, opts: TscdeadlineLogOptions = {}): string {
  const breakmax = opts.breakmax ?? 0;
  const out: string[] = [
    `apic version: ${(opts.apicVersion ?? 0x50014).toString(16)}`,
    'PASS: apic existence',
    `breakmax=${breakmax}`,
    'tsc deadline timer enabled',
  ];
  Array.from(samples).forEach((sample, i) => {
    const v = Math.trunc(sample);
    const hit = breakmax > 0 && i === samples.length - 1 && v > breakmax;
    out.push(`${hit ? `hit max: ${breakmax} < ` : ''}latency: ${v}`);
  });
  out.push('SUMMARY: 1 tests');
  return `${out.join('\n')}\n`;
}
