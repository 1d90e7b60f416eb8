/**
 * Which import options apply to which file format, and the one rule every front door (app call,
 * streaming import, CLI, web) follows for an option that does not apply: a TSC rate or a timeline
 * length is refused, naming the option and the format; a unit (the app sends one with every
 * file) is ignored, with a warning when it is not the default, and is then no part of the
 * import's identity. Must not import electron.
 */
import type { ImportFormat, ImportResult } from '../../src-shared/contract.js';
import { ApiError } from './errors.js';
import type { ImportOptions } from './import.js';

/** The formats each option changes the stored runs of. */
export const IMPORT_OPTION_FORMATS = {
  /** cyclictest text that does not state its unit (status lines, -v, histogram text). */
  unit: ['cyclictest', 'cyclictest-verbose', 'cyclictest-hist'],
  /** cycle counts to show in ns (kvm-unit-tests), exit times to show in host cycles (traces, perf kvm stat). */
  tscKhz: ['tscdeadline-latency', 'vmexit', 'trace-cmd', 'perf-kvm-stat'],
  /** the timer events a trace-cmd report keeps as the run's timeline. */
  traceTimerEvents: ['trace-cmd'],
} as const satisfies Record<'unit' | 'tscKhz' | 'traceTimerEvents', readonly ImportFormat[]>;

const WHY_NOT: Record<keyof typeof IMPORT_OPTION_FORMATS, string> = {
  unit: 'which states its unit or has no cyclictest values',
  tscKhz: 'which has no cycle counts or exit times a TSC rate converts',
  traceTimerEvents: 'which has no trace timeline',
};

function applies(option: keyof typeof IMPORT_OPTION_FORMATS, format: ImportFormat): boolean {
  return (IMPORT_OPTION_FORMATS[option] as readonly ImportFormat[]).includes(format);
}

function notApplying(option: keyof typeof IMPORT_OPTION_FORMATS, format: ImportFormat): string {
  return `does not apply to a ${format} file, ${WHY_NOT[option]} (it applies to ${IMPORT_OPTION_FORMATS[option].join(', ')})`;
}

/**
 * The import's options as they apply to the file's format (named, or detected; null: not known,
 * and parsing will say so), with the warnings to report. Throws a bad-input error for a TSC rate
 * or a timeline length the format has no use for.
 */
export function applicableImportOptions<T extends ImportOptions>(args: T, format: ImportFormat | null): { args: T; warnings: string[] } {
  if (format === null) return { args, warnings: [] };
  for (const option of ['tscKhz', 'traceTimerEvents'] as const) {
    if (args[option] !== undefined && !applies(option, format)) {
      throw new ApiError('bad-input', `${option}: ${notApplying(option, format)}`, option);
    }
  }
  if (args.unit === undefined || applies('unit', format)) return { args, warnings: [] };
  const { unit, ...rest } = args;
  // µs is the default the app sends with every file: leaving it out changes nothing
  const warnings = unit === 'us' ? [] : [`the unit ${unit} ${notApplying('unit', format)}: ignored`];
  return { args: rest as T, warnings };
}

/** An import's result with the option warnings first. */
export function withOptionWarnings(result: ImportResult, warnings: readonly string[]): ImportResult {
  return warnings.length === 0 ? result : { ...result, warnings: [...warnings, ...result.warnings] };
}
