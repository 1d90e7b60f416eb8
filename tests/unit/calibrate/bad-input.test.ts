// Traces calibration cannot use get a clear message naming the file and the line or what is
// missing: not a trace, no kvm events, a last line cut off, a thread that mixes vCPUs, several
// vCPUs with timer cycles and none chosen, a chosen vCPU that is absent, no kvm_entry, too few
// timer cycles.
import { describe, expect, it } from 'vitest';
import { CalibrationInputError } from '../../../src-main/calibrate/index.js';
import { calibrate, DEFAULT_PROFILE, inputsOf, quickOptions, simulatedFiles } from './helpers.js';

const good = simulatedFiles({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 60, ts: 'ns' }).trace;
const lines = good.trimEnd().split('\n');

async function refused(trace: string, opts = {}): Promise<CalibrationInputError> {
  try {
    await calibrate(await inputsOf({ trace }), quickOptions({ bootstrap: 20, modelCycles: 60, ...opts }));
  } catch (err) {
    expect(err).toBeInstanceOf(CalibrationInputError);
    return err as CalibrationInputError;
  }
  throw new Error('calibrate accepted the trace');
}

/** The same events as another vCPU thread on another CPU, merged in time order. */
function secondVcpu(text: string): string {
  const rows = text.trimEnd().split('\n').slice(1);
  const copy = rows.map((l) => l.replace('-4242 ', '-4243 ').replace('[003]', '[004]').replace(/vcpu 0\b/, 'vcpu 1').replace(/vcpu_id 0\b/, 'vcpu_id 1'));
  const ts = (l: string) => Number(/ (\d+\.\d+): /.exec(l)?.[1]);
  return ['cpus=8', ...[...rows, ...copy].sort((a, b) => ts(a) - ts(b))].join('\n') + '\n';
}

describe('traces calibration refuses', () => {
  it('a file that is not a trace', async () => {
    const e = await refused('# Histogram\n000000 5\n000001 7\n');
    expect(e.message).toMatch(/^host\.report: no trace events in 3 lines: expected a host `trace-cmd report`/);
  });

  it('a trace without kvm events', async () => {
    const e = await refused('cpus=2\n          <idle>-0     [001] 100.000001: sched_switch:         swapper/1:0 [120] R ==> bash:12 [120]\n');
    expect(e.message).toMatch(/no kvm events \(the trace has sched_switch\): record the host with `trace-cmd record -e kvm/);
  });

  it('a trace whose last line is cut off', async () => {
    const cut = `${lines.join('\n')}\n${lines[lines.length - 4]!.slice(0, 70)}`;
    const e = await refused(cut);
    expect(e.line).toBe(lines.length + 1);
    expect(e.message).toMatch(/the last line is cut off .*: the file is truncated/);
  });

  it('a thread that reports two vCPUs', async () => {
    const mixed = lines.map((l, i) => (i > lines.length / 2 ? l.replace('kvm_entry:             vcpu 0', 'kvm_entry:             vcpu 1') : l)).join('\n');
    const e = await refused(mixed);
    expect(e.message).toMatch(/mixed vCPUs: thread 4242 \(qemu-system-x86\), vCPU 0\/1 reports vCPU 0 and then vCPU 1/);
    expect(e.line).toBeGreaterThan(lines.length / 2);
  });

  it('two vCPUs with timer cycles and none chosen, or a chosen vCPU that is missing', async () => {
    const two = secondVcpu(good);
    expect((await refused(two)).message).toMatch(/mixed vCPUs: 2 vCPU threads have timer cycles .*choose one with --vcpu N/);
    expect((await refused(two, { vcpu: 7 })).message).toMatch(/vCPU 7 is missing: the trace has vCPU 0, 1/);
    const { result } = await calibrate(await inputsOf({ trace: two }), quickOptions({ bootstrap: 20, modelCycles: 60, vcpu: 1 }));
    expect(result.detected.vcpu.thread).toBe(4243);
  });

  it('a trace without kvm_entry events', async () => {
    const e = await refused(lines.filter((l) => !l.includes('kvm_entry:')).join('\n'));
    expect(e.message).toMatch(/has kvm_exit events but no kvm_entry: record kvm:kvm_entry too/);
  });

  it('a trace with too few timer cycles', async () => {
    const first = lines.findIndex((l, i) => i > 0 && l.includes('PREEMPTION_TIMER')) ;
    const upTo = lines.findIndex((l, i) => i > first && l.includes('PREEMPTION_TIMER'));
    const e = await refused(lines.slice(0, upTo + 1).join('\n'));
    expect(e.message).toMatch(/only 2 timer cycles of thread 4242 .*: at least 3 are needed/);
  });
});
