import { describe, expect, it } from 'vitest';
import { createParser, parseLineStream, parseText, toTraceCmdReport, type ParsedMeasurement, type TraceEventIn } from '../../../src-main/formats/index.js';
import { asyncLines, expectFormatError, GARBAGE, readFixture, readSample, TRACE_SAMPLE } from './helpers.js';

const sample = readSample(TRACE_SAMPLE);

function exitCounts(r: ParsedMeasurement): Record<string, number> {
  return Object.fromEntries(Object.entries(r.exits ?? {}).map(([k, v]) => [k, v.count]));
}

describe('trace-cmd report: real host excerpt', () => {
  const r = parseText(sample);

  it('is detected, with cpus and the exit mix counted by hand, as one vCPU', () => {
    expect(r.format).toBe('trace-cmd');
    expect(r.measure).toBe('host-expiry-to-entry');
    expect(r.meta.cpus).toBe('20');
    expect(r.context.hostCpus).toBe(20);
    // grep -o "reason [A-Z_]*" | sort | uniq -c → 4 HLT, 7 MSR_WRITE, 1 PREEMPTION_TIMER
    expect(exitCounts(r)).toEqual({ HLT: 4, MSR_WRITE: 7, PREEMPTION_TIMER: 1 });
    expect(r.series).toHaveLength(1);
    expect(r.series[0]?.source).toMatchObject({ scope: 'file', vcpu: 0, tid: 150750, cpu: 19 });
    expect(r.series[0]?.source.label).toBe('vCPU 0 · thread 150750 (qemu-system-x86) · CPU 19');
  });

  it('time per exit reason: kvm_exit → next kvm_entry (by hand from the timestamps)', () => {
    // HLT: .943940→.944033 (93 µs), .944054→.953306 (9252), .953379→.953694 (315); the last HLT has no entry.
    expect(r.exits?.HLT).toEqual({ count: 4, timed: 3, totalNs: (93 + 9252 + 315) * 1000, minNs: 93_000, maxNs: 9_252_000 });
    // MSR_WRITE: 1 + 0 + 0 + 3 + 1 + 1 + 1 µs
    expect(r.exits?.MSR_WRITE?.totalNs).toBe(7000);
    expect(r.exits?.PREEMPTION_TIMER?.totalNs).toBe(1000);
    expect(r.pairing?.dropped).toEqual({ 'exit without an entry at the end of the trace': 1 });
  });

  it('timer latencies: apic_timer_fn expiries and the PREEMPTION_TIMER exit', () => {
    // hrtimer_expire_entry .944029 → kvm_entry .944033; .953288 → .953306; .953688 → .953694; PREEMPTION_TIMER .953754 → .953755
    expect(r.meta['latency.fromPreemptionTimer']).toBe('1');
    expect(r.meta['latency.fromHrtimer']).toBe('3');
    expect(r.histogram).toEqual({ values: [1000, 4000, 6000, 18000], counts: [1, 1, 1, 1] });
    expect(r.summary).toEqual({ count: 4, min: 1000, max: 18000, mean: 7250 });
    expect(r.pairing?.timerPairs).toBe(4);
  });

  it('hv_timer states, kvm_msr, wait_lapic_expire (its sign from the value)', () => {
    expect(r.hvTimer).toEqual({ software: 4, preemption: 7 });
    expect(r.meta['msr_write.6e0']).toBe('7');
    expect(r.lapicExpire).toMatchObject({ count: 4, late: 4, early: 0 });
    expect(r.meta['events.kvm_exit']).toBe('12');
    expect(r.warnings.join('\n')).toContain('kvm_apic_accept_irq');
  });

  it('the timestamps are flagged as 1 µs; the TSC rate is estimated from the guest deadlines', () => {
    expect(r.context.resolutionNs).toBe(1000);
    expect(r.context.resolutionNote).toBe('timestamps with 6 decimals (1 µs)');
    expect(r.context.tsc?.basis).toBe('estimated');
    // three TSC_DEADLINE writes followed by apic_timer_fn hrtimer_start on the HLT path
    expect(r.context.tsc?.method).toContain('hrtimer');
    expect(r.context.tsc?.khz).toBeGreaterThan(2_800_000);
    expect(r.context.tsc?.khz).toBeLessThan(3_000_000);
  });

  it('streams the same result line by line', async () => {
    let progress = 0;
    const s = await parseLineStream(asyncLines(sample.split('\n')), undefined, (p) => (progress = p.lines));
    expect(s).toEqual(r);
    expect(progress).toBe(sample.split('\n').length);
  });
});

describe('trace with lost events, two VMs and three vCPU threads (fixture)', () => {
  const r = parseText(readFixture('trace-cmd-two-vms-lost-events.txt'));
  const vcpu = (pid: number) => r.series.find((s) => s.source.tid === pid);

  it('each vCPU thread becomes its own run, named by vCPU, thread and CPU, plus the merged run', () => {
    expect(r.series.map((s) => s.source.label)).toEqual([
      'all 3 vCPU threads',
      'vCPU 0 · thread 1001 (CPU 0/KVM) · CPU 2',
      'vCPU 1 · thread 1002 (CPU 1/KVM) · CPU 3',
      'vCPU 0 · thread 2001 (CPU 0/KVM) · CPU 5',
    ]);
    expect(r.sources).toHaveLength(3);
    expect(r.context.vcpus).toBe(3);
    // the trace has no process ids: two threads say vCPU 0, so two VMs at least, ungrouped
    expect(r.context.vms).toBeNull();
    expect(r.warnings.join('\n')).toContain('vCPU 0 is reported by threads 1001 and 2001');
  });

  it('pairs never span a hole: the expiry before CPU:5 [LOST 37 EVENTS] is dropped, not read as 800 µs', () => {
    // by construction: thread 1001 6–10 µs, thread 1002 2, 3, 1, 4, 3 µs, thread 2001 12, 11, 13 µs
    expect(r.summary).toMatchObject({ count: 13, min: 1000, max: 13_000 });
    expect(vcpu(2001)?.histogram).toEqual({ values: [11_000, 12_000, 13_000], counts: [1, 1, 1] });
    expect(vcpu(1001)?.histogram?.values).toEqual([6000, 7000, 8000, 9000, 10_000]);
    expect(r.lostEvents).toBe(37);
    // every pair open at the marker is dropped: 2001's HLT and timer, and 1001's HLT (asleep across it)
    expect(r.pairing?.dropped['lost events']).toBe(3);
    expect(vcpu(2001)?.pairing?.dropped).toMatchObject({ 'lost events': 2, 'another exit before the entry': 1 });
    expect(vcpu(1001)?.pairing?.dropped).toEqual({ 'lost events': 1, 'exit without an entry at the end of the trace': 1 });
    expect(vcpu(1002)?.pairing?.dropped).toEqual({ 'entry without an exit': 1 });
  });

  it('pairs never span another exit: MSR_WRITE followed by EXTERNAL_INTERRUPT keeps only the second', () => {
    const e = vcpu(2001)?.exits;
    expect(e?.MSR_WRITE).toMatchObject({ count: 4, timed: 3 });
    expect(e?.EXTERNAL_INTERRUPT).toEqual({ count: 1, timed: 1, totalNs: 1000, minNs: 1000, maxNs: 1000 });
    expect(e?.HLT).toMatchObject({ count: 4, timed: 3 });
  });

  it('hv_timer counts and kvm_wait_lapic_expire deltas per vCPU; "(late)" on a negative delta is read as early', () => {
    expect(vcpu(1002)?.hvTimer).toEqual({ software: 0, preemption: 5 });
    expect(vcpu(1001)?.hvTimer).toEqual({ software: 5, preemption: 0 });
    // deltas 7500, 10000, -2500, 12500, 10000 cycles, all printed "(late)"
    expect(vcpu(1002)?.lapicExpire).toEqual({ count: 5, early: 1, late: 4, onTime: 0, minCycles: -2500, maxCycles: 12500, meanCycles: 7500 });
  });

  it('estimates the guest TSC rate (2.5 GHz by construction) and says so', () => {
    expect(r.context.tsc).toMatchObject({ khz: 2_500_000, basis: 'estimated' });
    expect(r.context.tsc?.uncertaintyPct).toBeLessThan(0.01);
  });
});

describe('other layouts and tracepoint versions (fixtures)', () => {
  it('trace-cmd report -t: ns timestamps, the newer kvm_exit layout, [immediate exit]', () => {
    const r = parseText(readFixture('trace-cmd-ns-new-kvm-exit.txt'));
    expect(r.context.resolutionNs).toBe(1);
    expect(r.histogram).toEqual({ values: [1187, 1234, 1301, 1450], counts: [1, 1, 1, 1] });
    expect(exitCounts(r)).toEqual({ MSR_WRITE: 4, PREEMPTION_TIMER: 4 });
    expect(r.exits?.MSR_WRITE?.totalNs).toBe(4 * 843);
    expect(r.context.tsc).toMatchObject({ khz: 3_000_000, basis: 'estimated' });
    expect(r.warnings.join('\n')).not.toContain('quantised');
  });

  it('raw ftrace: # tracer header, irq-flags and record-tgid columns, one run per VM, a CPU buffer starting late', () => {
    const r = parseText(readFixture('ftrace-raw-record-tgid.txt'));
    expect(r.format).toBe('trace-cmd');
    expect(r.context).toMatchObject({ hostCpus: 4, vms: 2, vcpus: 3 });
    expect(r.series.map((s) => s.source.label)).toEqual([
      'all 3 vCPU threads',
      'vCPU 0 · thread 3101 (CPU 0/KVM) · VM 3100 · CPU 0',
      'vCPU 1 · thread 3102 (CPU 1/KVM) · VM 3100 · CPU 1',
      'vCPU 0 · thread 4101 (CPU 0/KVM) · VM 4100 · CPU 2',
      'VM 3100 (2 vCPU threads)',
    ]);
    const vm = r.series.find((s) => s.source.scope === 'vm');
    expect(vm?.summary).toMatchObject({ count: 6, min: 21_000, max: 33_000 });
    // "##### CPU 2 buffer started ####" while thread 4101's timer was pending: that pair is dropped
    const late = r.series.find((s) => s.source.tid === 4101);
    expect(late?.histogram?.values).toEqual([41_000, 43_000]);
    expect(late?.pairing?.dropped).toEqual({ 'gap in the trace': 2 });
    // entries-in-buffer/entries-written: 52/60 → 8 overwritten
    expect(r.lostEvents).toBe(8);
  });

  it('AMD SVM exit reason names', () => {
    const r = parseText(readFixture('trace-cmd-amd-svm.txt'));
    expect(r.context.virt).toBe('svm');
    expect(r.context.machine).toContain('AMD SVM');
    expect(exitCounts(r)).toEqual({ msr: 4, npf: 4, hlt: 4, intr: 4 });
    expect(r.histogram?.values).toEqual([15_000, 16_000, 17_000, 19_000]);
    expect(r.context.tsc).toMatchObject({ khz: 2_100_000, basis: 'estimated' });
  });

  it('libtraceevent warnings, continuation lines and event names starting with a digit are skipped and counted', () => {
    const r = parseText(readFixture('trace-cmd-libtraceevent-noise.txt'));
    expect(r.histogram).toEqual({ values: [5000, 6000], counts: [2, 1] });
    expect(r.meta['events.9p_protocol_dump']).toBe('3');
    // 2 header warnings, and per round a hex-dump continuation, "ARG TYPE NOT FIELD BUT 2", a
    // stack line and an unparsable kvm_hv_timer_state
    expect(r.unknownLines?.count).toBe(14);
    expect(r.unknownLines?.examples.map((e) => e.line)).toEqual([2, 3, 7, 8, 10]);
    expect(r.warnings.join('\n')).toContain('14 lines skipped as not understood (first: line 2)');
  });

  it('perf script layout with pid/tid (the VM as process id), and the kvm: prefix', () => {
    const text = [
      'CPU 0/KVM 1821740/1821753 [015] 4831258.258053: kvm:kvm_exit: reason PREEMPTION_TIMER rip 0xffffffff8107ecf4 info 0 0',
      'CPU 0/KVM 1821740/1821753 [015] 4831258.258055: kvm:kvm_entry: vcpu 0 rip 0xffffffff8107ecf6',
    ].join('\n');
    const r = parseText(text);
    expect(r.format).toBe('trace-cmd');
    expect(r.series[0]?.source).toMatchObject({ vm: 1821740, tid: 1821753, vcpu: 0, cpu: 15 });
    expect(r.summary).toEqual({ count: 1, min: 2000, max: 2000, mean: 2000 });
  });
});

describe('trace-cmd: what is refused and what is only skipped', () => {
  const lines = sample.split('\n');
  it('truncated last line, binary garbage, unreadable kvm lines: skipped, counted, never fatal', () => {
    const cut = parseText(`${lines.slice(0, 60).join('\n')}\n qemu-system-x86-150750 [019] 16062.9`);
    expect(cut.unknownLines?.examples[0]?.line).toBe(61);
    const garbage = parseText(`${lines.slice(0, 60).join('\n')}\n${GARBAGE}`);
    expect(garbage.unknownLines?.count).toBe(1);
    const badExit = [...lines];
    badExit[1] = ' qemu-system-x86-150750 [019] 16062.943940: kvm_exit:             HLT rip 0xffffffffb33f2e5f info 0 0';
    const r = parseText(badExit.join('\n'));
    expect(r.exits?.HLT?.count).toBe(3);
    // the entry that followed the unreadable exit has no exit of its own
    expect(r.pairing?.dropped['entry without an exit']).toBe(1);
  });
  it('refuses files with no usable data, naming the line', () => {
    expectFormatError(() => parseText('', 'trace-cmd'), 1);
    expectFormatError(() => parseText('cpus=4\n', 'trace-cmd'), 2);
    const none = expectFormatError(() => parseText('cpus=4\n <idle>-0 [000] 1.000001: cpu_idle: state=1 cpu_id=0\n'), 3);
    expect(none.message).toContain('no timer events found');
    expectFormatError(() => parseText(Array.from({ length: 1200 }, (_, i) => `not a trace ${i}`).join('\n'), 'trace-cmd'), 1000);
  });
  it('a trace with exits but no timer event holds exit handling times instead', () => {
    const r = parseText([
      'cpus=1',
      ' qemu-1 [000] 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0',
      ' qemu-1 [000] 1.000101: kvm_entry: vcpu 0 rip 0x1',
    ].join('\n'));
    expect(r.measure).toBe('exit-handling-time');
    expect(r.summary).toEqual({ count: 1, min: 100_000, max: 100_000, mean: 100_000 });
  });
});

/** Events like the engine's: one vCPU on pCPU 3, timer armed by WRMSR and fired by the preemption timer. */
function simEvents(n: number): TraceEventIn[] {
  const ev: TraceEventIn[] = [];
  let t = 1_000_000;
  for (let i = 0; i < n; i++) {
    ev.push({ t, cpu: 3, event: 'kvm_exit', text: 'reason MSR_WRITE rip 0xffffffff8107ecf4 info 0 0' });
    ev.push({ t: t + 800, cpu: 3, event: 'kvm_msr', text: `msr_write 6e0 = 0x${(t + 200000).toString(16)}` });
    ev.push({ t: t + 900, cpu: 3, event: 'kvm_hv_timer_state', text: 'vcpu_id 0 hv_timer 1' });
    ev.push({ t: t + 1200, cpu: 3, event: 'kvm_entry', text: 'vcpu 0, rip 0xffffffff8107ecf6' });
    t += 200_000;
    ev.push({ t, cpu: 3, event: 'kvm_exit', text: 'reason PREEMPTION_TIMER rip 0xffffffff8107ed00 info 0 0' });
    ev.push({ t: t + 1500, cpu: 3, event: 'kvm_inj_virq', text: 'IRQ 0xec' });
    ev.push({ t: t + 2600, cpu: 3, event: 'kvm_entry', text: 'vcpu 0, rip 0xffffffff8107ed00' });
    t += 7_000;
  }
  return ev;
}

describe('toTraceCmdReport', () => {
  it('lays lines out exactly like the real report', () => {
    const lines = sample.split('\n');
    const text = toTraceCmdReport(
      [
        { t: 0, cpu: 19, event: 'kvm_exit', text: 'reason HLT rip 0xffffffffb33f2e5f info 0 0' },
        { t: 2000, cpu: 19, event: 'kvm_hv_timer_state', text: 'vcpu_id 0 hv_timer 0' },
        { t: 93_000, cpu: 19, event: 'kvm_entry', text: 'vcpu 0 rip 0xffffffffb33f2e60' },
        { t: 94_000, cpu: 19, event: 'kvm_wait_lapic_expire', text: 'vcpu 0: delta 12280 (late)' },
      ],
      { tscKhz: 1_000_000, baseSeconds: 16062.94394, comm: 'qemu-system-x86', pid: 150750, cpus: 20 },
    );
    expect(text.split('\n').slice(0, 5)).toEqual([lines[0], lines[1], lines[4], lines[33], lines[35]]);
  });

  it('parses back with the trace-cmd parser (µs and -t ns timestamps), the TSC rate estimated', () => {
    const events = simEvents(50);
    for (const nsTimestamps of [false, true]) {
      const text = toTraceCmdReport(events, { tscKhz: 2_000_000, baseSeconds: 5000, nsTimestamps });
      const r = parseText(text);
      expect(r.format).toBe('trace-cmd');
      expect(r.exits?.MSR_WRITE?.count).toBe(50);
      expect(r.exits?.PREEMPTION_TIMER?.count).toBe(50);
      // 2600 cycles at 2 GHz = 1300 ns (truncated to whole µs without -t)
      if (nsTimestamps) expect(r.histogram?.values).toEqual([1300]);
      else expect(r.histogram?.values.every((v) => v === 1000 || v === 2000)).toBe(true);
      expect(r.hvTimer?.preemption).toBe(50);
      expect(r.meta['inj_virq.0xec']).toBe('50');
      // every simulated step is a multiple of 20 cycles (10 ns at 2 GHz): -t timestamps end in 0
      expect(r.context.resolutionNs).toBe(nsTimestamps ? 10 : 1000);
      if (nsTimestamps) expect(r.exits?.MSR_WRITE?.totalNs).toBe(50 * 600);
      // deadlines are host cycles here (guest = host): 2 GHz, from the PREEMPTION_TIMER exits
      expect(r.context.tsc?.khz).toBeGreaterThan(1_990_000);
      expect(r.context.tsc?.khz).toBeLessThan(2_010_000);
    }
  });
});

describe('trace-cmd: ~5 MB streamed line by line in bounded memory', () => {
  it('parses a generated 5 MB report without keeping lines', async () => {
    const header = 'cpus=8';
    const perRound = (i: number, base: number): string[] => {
      const ts = (us: number): string => {
        const t = base + us;
        return `${Math.floor(t / 1e6)}.${String(t % 1e6).padStart(6, '0')}`;
      };
      const o = ` qemu-system-x86-${4242 + (i % 2)} [00${i % 2}]`;
      return [
        `${o} ${ts(0)}: kvm_exit:             reason MSR_WRITE rip 0xffffffffb20d5bc8 info 0 0`,
        `${o} ${ts(0)}: kvm_hv_timer_state:   vcpu_id ${i % 2} hv_timer 1`,
        `${o} ${ts(1)}: kvm_msr:              msr_write 6e0 = 0x4dcfc45840`,
        `${o} ${ts(1)}: kvm_entry:             vcpu ${i % 2} rip 0xffffffffb20d5bca`,
        `${o} ${ts(100)}: kvm_exit:             reason PREEMPTION_TIMER rip 0xffffffffb20e3c50 info 0 0`,
        `${o} ${ts(100 + (i % 7))}: kvm_entry:             vcpu ${i % 2} rip 0xffffffffb20e3c50`,
      ];
    };
    let bytes = 0;
    let rounds = 0;
    function* gen(): Generator<string> {
      yield header;
      bytes += header.length + 1;
      while (bytes < 5 * 1024 * 1024) {
        for (const l of perRound(rounds, 16_000_000_000 + rounds * 200)) {
          bytes += l.length + 1;
          yield l;
        }
        rounds++;
      }
    }
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const r = await parseLineStream(asyncLines(gen()), undefined, undefined);
    const after = process.memoryUsage().heapUsed;
    expect(bytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(r.exits?.MSR_WRITE?.count).toBe(rounds);
    expect(r.exits?.PREEMPTION_TIMER?.count).toBe(rounds);
    expect(r.summary.count).toBe(rounds);
    expect(r.histogram?.values).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    expect(r.series.map((s) => s.source.vcpu ?? null)).toEqual([null, 0, 1]);
    // Nothing proportional to the 5 MB input is retained (generous bound; GC timing varies).
    expect(after - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('a direct push loop keeps nothing but aggregates; the timeline keeps the first timer events asked for', () => {
    const p = createParser('trace-cmd', { traceTimerEvents: 10 });
    p.push('cpus=1', 1);
    for (let i = 0; i < 20_000; i++) {
      const s = `${1000 + Math.floor(i / 1000)}.${String((i % 1000) * 1000).padStart(6, '0')}`;
      const s2 = `${1000 + Math.floor(i / 1000)}.${String((i % 1000) * 1000 + 3).padStart(6, '0')}`;
      p.push(` qemu-system-x86-1 [000] ${s}: kvm_exit:             reason PREEMPTION_TIMER rip 0x1 info 0 0`, 2 * i + 2);
      p.push(` qemu-system-x86-1 [000] ${s2}: kvm_entry:             vcpu 0 rip 0x1`, 2 * i + 3);
    }
    const r = p.finish();
    expect(r.summary).toEqual({ count: 20_000, min: 3000, max: 3000, mean: 3000 });
    expect(r.trace).toHaveLength(20); // 10 timer events: their exit and entry lines
    expect(r.trace?.[1]).toEqual({ t: 3000, cpu: 0, event: 'kvm_entry', text: 'vcpu 0 rip 0x1' });
  });
});
