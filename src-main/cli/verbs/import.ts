/**
 * `timer-lab import`: a measurement file (cyclictest, kvm-unit-tests, trace-cmd, perf kvm stat)
 * streamed through the API's streaming import, as web mode does, with progress on stderr.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { IMPORT_FORMATS, IMPORT_UNITS, MAX_IMPORT_BYTES, type ImportFormat, type PushPayloads } from '../../../src-shared/contract.js';
import { MAX_TSC_KHZ, MIN_TSC_KHZ } from '../../../src-shared/profile.js';
import { ApiError, STOP_SIGNALS, stopSignalExitCode, stopSignalLabel, type StopSignal } from '../../api/index.js';
import { intFlag, UsageError } from '../args.js';
import { regularFileSize } from '../file-size.js';
import { progressLine } from '../output.js';
import { requireOne } from '../run-spec.js';
import { defineVerb } from '../verb.js';

export const importVerb = defineVerb({
  name: 'import',
  summary: 'store a measurement file as runs (one per thread or vCPU, and the merged one; the format is detected)',
  positionals: 'FILE',
  options: {
    format: { type: 'string', value: IMPORT_FORMATS.join('|'), help: 'the file format, when detection should not decide' },
    name: { type: 'string', value: 'N', help: 'name of the imported run (default: the file name)' },
    'tsc-khz': { type: 'string', value: 'K', help: 'TSC frequency: kvm-unit-tests cycle counts shown in ns, trace and perf kvm stat exit times in cycles (refused for cyclictest files)' },
    unit: { type: 'string', value: 'us|ns', help: 'unit of cyclictest text values when the file cannot say (ns for cyclictest -N); ignored, with a warning, for other formats' },
  },
  async run(ctx, v, positionals) {
    const unit = v.unit === undefined ? undefined : requireOne('unit', v.unit, IMPORT_UNITS);
    if (positionals.length !== 1) throw new UsageError('import: expected exactly one FILE');
    const file = positionals[0]!;
    const format = v.format === undefined ? undefined : requireOne<ImportFormat>('format', v.format, IMPORT_FORMATS);
    const tscKhz = intFlag('tsc-khz', v['tsc-khz'], MIN_TSC_KHZ, MAX_TSC_KHZ);
    const size = regularFileSize(file);
    if (size > MAX_IMPORT_BYTES) throw new ApiError('bad-input', `${file} is larger than ${MAX_IMPORT_BYTES / 1048576} MB`);
    const fileName = basename(file);
    const bar = progressLine(`import ${fileName}`, 'bytes');
    const off = ctx.api.subscribe((channel, payload) => {
      if (channel !== 'import:progress') return;
      const p = payload as PushPayloads['import:progress'];
      if (p.fileName === fileName) bar.update(p.bytesDone, p.bytesTotal, 0, null);
    });
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    // a stop signal while the file is read ends the read: the import stores nothing, in one go at the end
    let stoppedBy: StopSignal | null = null;
    const onSignal = (signal: StopSignal): void => {
      stoppedBy = signal;
      stream.destroy(new Error(`stopped by ${signal}`));
    };
    for (const s of STOP_SIGNALS) process.once(s, onSignal);
    let result;
    try {
      result = await ctx.api.importStream(
        { fileName, ...(format ? { format } : {}), ...(v.name ? { name: v.name } : {}), ...(tscKhz ? { tscKhz } : {}), ...(unit ? { unit } : {}) },
        stream,
        size,
      );
    } catch (err) {
      if (stoppedBy === null) throw err;
      process.stderr.write(`timer-lab: import of ${fileName} stopped (${stopSignalLabel(stoppedBy)}): nothing was saved\n`);
      return stopSignalExitCode(stoppedBy);
    } finally {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      off();
      bar.end();
      stream.destroy();
    }
    for (const w of result.warnings) ctx.warn(w);
    // a file with several threads or vCPUs gives one run each and the merged one, as one experiment
    const runs = result.runIds.length > 1 ? `runs ${result.runIds.join(', ')} (experiment ${result.experimentId})` : `run ${result.runId}`;
    ctx.out(ctx.json ? JSON.stringify(result) : `${result.deduplicated ? 'already imported' : 'imported'} ${file} as ${runs} (${result.format})`);
    return 0;
  },
});
