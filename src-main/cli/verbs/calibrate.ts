/**
 * `timer-lab calibrate FILE…`: a host trace (and optionally the guest-side log and perf kvm stat
 * of the same run) streamed to the API with progress, then the fit; prints the detection, the
 * fitted costs with intervals and the goodness of fit, and saves the profile.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { CalibrationInputInfo } from '../../../src-shared/calibration.js';
import { MAX_BOOTSTRAP, MIN_BOOTSTRAP, type PushPayloads } from '../../../src-shared/contract.js';
import { intFlag, UsageError } from '../args.js';
import { calibrationText } from '../calibration-text.js';
import { regularFileSize } from '../file-size.js';
import { progressLine } from '../output.js';
import { defineVerb } from '../verb.js';

export const calibrateVerb = defineVerb({
  name: 'calibrate',
  summary: 'fit a cost profile to a host trace of the user\'s machine (plus its guest-side log, perf kvm stat), check it and save it',
  positionals: 'FILE…',
  options: {
    base: { type: 'string', value: 'P', default: 'HSW-2016', help: 'built-in profile to start from; costs the files do not determine keep its values' },
    name: { type: 'string', value: 'N', help: 'name of the saved profile (default: calibrated-<trace file name>)' },
    kernel: { type: 'string', value: 'X.Y', help: 'kernel release of the traced host, simulated when the engine models it' },
    vcpu: { type: 'string', value: 'N', help: 'vCPU to read when several have timer cycles' },
    bootstrap: { type: 'string', value: 'N', help: 'bootstrap resamples for the intervals (default 200)' },
    seed: { type: 'string', value: 'N', help: 'seed of the simulations and resamples (default 1)' },
    'no-save': { type: 'boolean', default: false, help: 'print the result without saving the profile or importing the files' },
    replace: { type: 'boolean', default: false, help: 'overwrite a saved profile of the same name (and its calibration)' },
  },
  notes: 'FILE: a host `trace-cmd report` (µs or ns timestamps) of a guest running tscdeadline_latency or cyclictest, with kvm and timer events; optionally that run\'s tscdeadline_latency log or cyclictest histogram/JSON and a perf kvm stat report. Nothing is saved when a file cannot be used.',
  async run(ctx, v, positionals) {
    if (positionals.length === 0 || positionals.length > 4) throw new UsageError('calibrate: expected 1 to 4 FILEs (a host trace, optionally a guest-side log and a perf kvm stat report)');
    const vcpu = intFlag('vcpu', v.vcpu, 0, 4096);
    const bootstrap = intFlag('bootstrap', v.bootstrap, MIN_BOOTSTRAP, MAX_BOOTSTRAP);
    const seed = intFlag('seed', v.seed, 0, Number.MAX_SAFE_INTEGER);
    const inputs: CalibrationInputInfo[] = [];
    for (const file of positionals) {
      const size = regularFileSize(file);
      const fileName = basename(file);
      const bar = progressLine(`read ${fileName}`, 'bytes');
      const off = ctx.api.subscribe((channel, payload) => {
        const p = payload as PushPayloads['calibrate:progress'];
        if (channel === 'calibrate:progress' && p.stage === `read ${fileName}`) bar.update(p.done, p.total, 0, null);
      });
      const stream = createReadStream(file, { highWaterMark: 1 << 20 });
      try {
        inputs.push(await ctx.api.calibrationInputStream({ fileName }, stream, size));
      } finally {
        off();
        bar.end();
        stream.destroy();
      }
    }
    const bar = progressLine('calibrate');
    const off = ctx.api.subscribe((channel, payload) => {
      if (channel !== 'calibrate:progress') return;
      const p = payload as PushPayloads['calibrate:progress'];
      bar.update(p.done, p.total, 0, null);
    });
    let result;
    try {
      result = await ctx.call('calibrate', {
        inputs: inputs.map((i) => i.inputId),
        base: v.base,
        save: !v['no-save'],
        replace: v.replace,
        ...(v.name ? { name: v.name } : {}),
        ...(v.kernel ? { kernel: v.kernel } : {}),
        ...(vcpu !== undefined ? { vcpu } : {}),
        ...(bootstrap !== undefined ? { bootstrap } : {}),
        ...(seed !== undefined ? { seed } : {}),
      });
    } finally {
      off();
      bar.end();
    }
    ctx.out(ctx.json ? JSON.stringify({ inputs, ...result }) : calibrationText(result));
    return 0;
  },
});
