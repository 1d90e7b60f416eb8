// The host line, the overhead figures, the perf kvm stat table and a sample window's rows: the
// pure helpers the run detail view and `timer-lab show` both print from.
import { describe, expect, it } from 'vitest';
import { sampleWindowTimeline } from '../../../src-shared/charts/sample-window-timeline.js';
import { overheadFigures } from '../../../src-shared/overhead-figures.js';
import { perfKvmStatTable } from '../../../src-shared/perf-kvm-stat-rows.js';
import { runHostOf, runHostText } from '../../../src-shared/run-host.js';
import { sampleWindowRows, taskName } from '../../../src-shared/sample-window-rows.js';

describe('runHostOf / runHostText', () => {
  it('shows the recorded host of a simulated run', () => {
    const h = runHostOf({ profile: 'SPR', engineVersion: '2.0.0', host: { kernel: '6.8', vendor: 'intel', apicv: true, mitigations: false } })!;
    expect(h).toEqual({ profile: 'SPR', kernel: '6.8', vendor: 'intel', apicv: true, mitigations: false, recorded: true });
    expect(runHostText(h)).toBe('SPR · kernel 6.8 · intel · APICv on · mitigations off');
  });

  it('names AVIC on an AMD host', () => {
    const h = runHostOf({ profile: 'EPYC', engineVersion: '2.0.0', host: { kernel: '5.15', vendor: 'amd', apicv: false, mitigations: true } })!;
    expect(runHostText(h)).toBe('EPYC · kernel 5.15 · amd · AVIC off · mitigations on');
  });

  it('labels the 4.9, intel defaults of a run without a recorded host as assumed', () => {
    const h = runHostOf({ profile: 'HSW-2016', engineVersion: '1.0.0' })!;
    expect(h.recorded).toBe(false);
    expect(h.kernel).toBe('4.9');
    expect(h.vendor).toBe('intel');
    const text = runHostText(h);
    expect(text).toMatch(/^HSW-2016 · kernel 4\.9 · intel · APICv not recorded · mitigations not recorded \(assumed: /);
  });

  it('has no host for a measured run', () => {
    expect(runHostOf({ profile: 'measured', engineVersion: '' })).toBeNull();
  });
});

describe('overheadFigures', () => {
  it('lists only the figures a summary has, each explained', () => {
    expect(overheadFigures({})).toEqual([]);
    const both = overheadFigures({ spinCyclesPerTimerEvent: 133.6, housekeepingCyclesPerTimerEvent: 951.7 });
    expect(both.map((f) => [f.key, f.value])).toEqual([
      ['spinCyclesPerTimerEvent', 133.6],
      ['housekeepingCyclesPerTimerEvent', 951.7],
    ]);
    expect(both[0]!.explanation).toMatch(/wait_lapic_expire/);
    expect(both[1]!.explanation).toMatch(/housekeeping CPU/);
    expect(overheadFigures({ housekeepingCyclesPerTimerEvent: 10 }).map((f) => f.key)).toEqual(['housekeepingCyclesPerTimerEvent']);
    expect(overheadFigures({ spinCyclesPerTimerEvent: Number.NaN })).toEqual([]);
  });
});

describe('perfKvmStatTable', () => {
  it('is null when no exit has perf kvm stat figures', () => {
    expect(perfKvmStatTable({})).toBeNull();
    expect(perfKvmStatTable({ HLT: { count: 3, hostCycles: 30 } })).toBeNull();
  });

  it('computes Samples% and Time% over the paired exits, most samples first', () => {
    const t = perfKvmStatTable({
      HLT: { count: 10, hostCycles: 1, perfKvmStat: { samples: 10, meanUs: 80 } },
      MSR_WRITE: { count: 30, hostCycles: 1, perfKvmStat: { samples: 30, meanUs: 2 } },
      EXTERNAL_INTERRUPT: { count: 5, hostCycles: 1 },
    })!;
    expect(t.totalSamples).toBe(40);
    expect(t.totalUs).toBe(860);
    expect(t.rows.map((r) => r.reason)).toEqual(['MSR_WRITE', 'HLT']);
    expect(t.rows[0]!.samplesPct).toBe(75);
    expect(t.rows[1]!.samplesPct).toBe(25);
    expect(t.rows[0]!.timePct).toBeCloseTo((100 * 60) / 860, 10);
    expect(t.rows[1]!.timePct).toBeCloseTo((100 * 800) / 860, 10);
    expect(t.rows[1]!.avgUs).toBe(80);
  });
});

describe('sampleWindowRows', () => {
  it('gives each event its offset from the deadline, its CPU and task, in time order', () => {
    const rows = sampleWindowRows(
      [
        { t: 3000, cpu: 3, pid: 4242, event: 'kvm_entry', text: 'vcpu 0' },
        { t: 1000, cpu: 3, pid: 4242, event: 'kvm_exit', text: 'reason MSR_WRITE' },
        { t: 2500, cpu: 0, pid: 0, event: 'hrtimer_expire_entry', text: 'x' },
      ],
      2000,
      2_000_000,
    );
    expect(rows.map((r) => [r.event, r.offsetCycles, r.offsetUs, r.cpu, r.task])).toEqual([
      ['kvm_exit', -1000, -0.5, 3, 'qemu-system-x86-4242'],
      ['hrtimer_expire_entry', 500, 0.25, 0, '<idle>-0'],
      ['kvm_entry', 1000, 0.5, 3, 'qemu-system-x86-4242'],
    ]);
    expect(taskName(undefined)).toBe('?');
    expect(() => sampleWindowRows([], 0, 0)).toThrow(RangeError);
  });
});

describe('sampleWindowTimeline', () => {
  it('marks the deadline on the vCPU track at its µs from the first event', () => {
    const events = [
      { t: 1000, cpu: 3, pid: 4242, event: 'kvm_exit', text: 'reason MSR_WRITE rip 0x1 info 0 0' },
      { t: 1200, cpu: 3, pid: 4242, event: 'kvm_entry', text: 'vcpu 0 rip 0x2' },
      { t: 9000, cpu: 3, pid: 4242, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER rip 0x3 info 0 0' },
      { t: 9400, cpu: 3, pid: 4242, event: 'kvm_entry', text: 'vcpu 0 rip 0x3' },
    ];
    const spec = sampleWindowTimeline({ index: 7, value: 900, deadline: 5000, events }, 2_000_000);
    const mark = spec.slices.filter((s) => s.name === 'deadline');
    expect(mark).toEqual([expect.objectContaining({ track: 0, start: 2, end: 2 })]);
    expect(spec.title).toBe('Sample 7: arming → delivery');
    expect(spec.legend.map((l) => l.label)).toContain('deadline');
    expect(spec.slices.some((s) => s.name === 'exit PREEMPTION_TIMER')).toBe(true);
  });
});
