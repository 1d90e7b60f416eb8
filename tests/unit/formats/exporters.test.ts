import { describe, expect, it } from 'vitest';
import { parseText, toChromeTrace, toHistogramCsv, toSummaryCsv, type TraceEventIn } from '../../../src-main/formats/index.js';
import { HIST_SAMPLE, readSample } from './helpers.js';

describe('CSV exporters', () => {
  it('single histogram: value,count', () => {
    expect(toHistogramCsv({ values: [1, 2, 5], counts: [3, 0, 7] })).toBe('value,count\n1,3\n2,0\n5,7\n');
  });
  it('several runs: union of values, zeros where a run has none', () => {
    const csv = toHistogramCsv([
      { name: 'hrtimer', values: [3000, 3200], counts: [5, 1] },
      { name: 'vmx, "preemption"', values: [2400, 3200], counts: [2, 9] },
    ]);
    expect(csv).toBe('value,hrtimer,"vmx, ""preemption"""\n2400,0,2\n3000,5,0\n3200,1,9\n');
  });
  it('the 4-thread sample as one gnuplot-ready column per thread', () => {
    const r = parseText(readSample(HIST_SAMPLE));
    const threads = r.series.filter((s) => s.source.scope === 'thread');
    const csv = toHistogramCsv(threads.map((t) => ({ name: `thread${t.source.thread}`, values: t.histogram?.values ?? [], counts: t.histogram?.counts ?? [] })));
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('value,thread0,thread1,thread2,thread3');
    expect(rows).toContain('5000,9249673,9452403,9397676,2144127');
  });
  it('summary rows', () => {
    const csv = toSummaryCsv([
      { id: 7, name: 'busy, wait', kind: 'sim', workload: 'tscdeadline_latency', strategy: 'vmx-preemption', samples: 10000, mean: 2412.5, p50: 2400, p90: 2500, p99: 2700, p999: 3100, max: 5400, unit: 'cycles' },
      { id: 'imp-1', name: '=cmd()', kind: 'import', workload: 'cyclictest', strategy: 'hrtimer', measures: 'wake-up latency', samples: 3, mean: NaN, p50: '—', p90: '> 2', p99: '> 2', p999: '> 2', max: 3, unit: 'ns' },
    ]);
    expect(csv.split('\n')).toEqual([
      'id,name,kind,workload,strategy,measures,samples,mean,p50,p90,p99,p999,max,unit',
      '7,"busy, wait",sim,tscdeadline_latency,vmx-preemption,,10000,2412.5,2400,2500,2700,3100,5400,cycles',
      "imp-1,'=cmd(),import,cyclictest,hrtimer,wake-up latency,3,,—,> 2,> 2,> 2,3,ns",
      '',
    ]);
  });
});

describe('toChromeTrace', () => {
  const events: TraceEventIn[] = [
    { t: 10_000, cpu: 3, event: 'kvm_exit', text: 'reason MSR_WRITE rip 0xffffffff8107ecf4 info 0 0' },
    { t: 10_800, cpu: 3, event: 'kvm_msr', text: 'msr_write 6e0 = 0x4dcfc45840' },
    { t: 10_900, cpu: 3, event: 'kvm_hv_timer_state', text: 'vcpu_id 0 hv_timer 1' },
    { t: 11_200, cpu: 3, event: 'kvm_entry', text: 'vcpu 0, rip 0xffffffff8107ecf6' },
    { t: 210_000, cpu: 3, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER rip 0xffffffff8107ed00 info 0 0' },
    { t: 211_000, cpu: 3, event: 'kvm_wait_lapic_expire', text: 'vcpu 0: delta 1744 (late)' },
    { t: 211_500, cpu: 3, event: 'kvm_inj_virq', text: 'IRQ 0xec' },
    { t: 212_600, cpu: 3, event: 'kvm_entry', text: 'vcpu 0, rip 0xffffffff8107ed00' },
    { t: 220_000, cpu: 3, event: 'kvm_exit', text: 'reason HLT rip 0xffffffff8107ed10 info 0 0' },
  ];
  const trace = toChromeTrace(events, { tscKhz: 2_000_000 });

  it('is JSON Perfetto opens: traceEvents + displayTimeUnit, named processes', () => {
    const parsed = JSON.parse(JSON.stringify(trace)) as typeof trace;
    expect(parsed.displayTimeUnit).toBe('ns');
    const names = parsed.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name);
    expect(names).toEqual(['vCPU 0', 'pCPU 3']);
    for (const e of parsed.traceEvents) {
      expect(['M', 'X', 'I']).toContain(e.ph);
      expect(Number.isInteger(e.pid)).toBe(true);
      if (e.ph !== 'M') expect(typeof e.ts).toBe('number');
    }
  });

  it('X slices per exit on the vCPU track, named after the reason, ts in µs', () => {
    const vcpuPid = trace.traceEvents.find((e) => e.ph === 'M' && e.args?.name === 'vCPU 0')?.pid;
    const slices = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kvm_exit');
    expect(slices.map((s) => [s.name, s.ts, s.dur, s.pid])).toEqual([
      ['MSR_WRITE', 0, 0.6, vcpuPid],
      ['PREEMPTION_TIMER', 100, 1.3, vcpuPid],
      ['HLT', 105, 0, vcpuPid],
    ]);
    expect(slices[2]?.args?.unfinished).toBeDefined();
    const guest = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'guest');
    expect(guest.map((g) => [g.name, g.ts, g.dur])).toEqual([
      ['vCPU 0 in guest', 0.6, 99.4],
      ['vCPU 0 in guest', 101.3, 3.7],
    ]);
  });

  it('I instants for timer events', () => {
    const inst = trace.traceEvents.filter((e) => e.ph === 'I');
    expect(inst.map((i) => i.name)).toEqual(['kvm_msr', 'kvm_hv_timer_state', 'kvm_wait_lapic_expire', 'kvm_inj_virq']);
    expect(inst.every((i) => i.s === 't')).toBe(true);
    expect(inst[1]?.ts).toBeCloseTo(0.45);
  });
});
