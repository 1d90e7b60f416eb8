import { describe, expect, it } from 'vitest';
import { createParser, parseLineStream, parseText, toTraceCmdReport, type TraceEventIn } from '../../../src-main/formats/index.js';
import { asyncLines, expectFormatError, GARBAGE, readSample, TRACE_SAMPLE } from './helpers.js';

const sample = readSample(TRACE_SAMPLE);

describe('trace-cmd report: real host excerpt', () => {
  const r = parseText(sample);

  it('is detected, with cpus and the exit mix counted by hand', () => {
    expect(r.format).toBe('trace-cmd');
    expect(r.meta.cpus).toBe('20');
    // grep -o "reason [A-Z_]*" | sort | uniq -c → 4 HLT, 7 MSR_WRITE, 1 PREEMPTION_TIMER
    expect(Object.fromEntries(Object.entries(r.exits ?? {}).map(([k, v]) => [k, v.count]))).toEqual({ HLT: 4, MSR_WRITE: 7, PREEMPTION_TIMER: 1 });
    expect(Object.keys(r.exitsByVcpu ?? {})).toEqual(['vcpu 0']);
  });

  it('time per exit reason: kvm_exit → next kvm_entry (by hand from the timestamps)', () => {
    // HLT: .943940→.944033 (93 µs), .944054→.953306 (9252), .953379→.953694 (315); the last HLT has no entry.
    expect(r.exits?.HLT?.totalNs).toBe((93 + 9252 + 315) * 1000);
    // MSR_WRITE: 1 + 0 + 0 + 3 + 1 + 1 + 1 µs
    expect(r.exits?.MSR_WRITE?.totalNs).toBe(7000);
    expect(r.exits?.PREEMPTION_TIMER?.totalNs).toBe(1000);
    expect(r.warnings.join('\n')).toContain('1 exits at the end of the trace have no following kvm_entry');
  });

  it('timer latencies: apic_timer_fn expiries and the PREEMPTION_TIMER exit', () => {
    // hrtimer_expire_entry .944029 → kvm_entry .944033; .953288 → .953306; .953688 → .953694; PREEMPTION_TIMER .953754 → .953755
    expect(r.timerLatenciesNs).toEqual([4000, 18000, 6000, 1000]);
    expect(r.meta['latency.fromPreemptionTimer']).toBe('1');
    expect(r.meta['latency.fromHrtimer']).toBe('3');
    expect(r.histogram).toEqual({ values: [1000, 4000, 6000, 18000], counts: [1, 1, 1, 1] });
    expect(r.summary).toEqual({ count: 4, min: 1000, max: 18000, mean: 7250 });
  });

  it('hv_timer states, kvm_msr, wait_lapic_expire', () => {
    expect(r.meta['hv_timer.0']).toBe('4');
    expect(r.meta['hv_timer.1']).toBe('7');
    expect(r.meta['msr_write.6e0']).toBe('7');
    expect(r.meta['wait_lapic_expire.late']).toBe('4');
    expect(r.meta['events.kvm_exit']).toBe('12');
    expect(r.warnings.join('\n')).toContain('kvm_apic_accept_irq');
  });

  it('streams the same result line by line', async () => {
    let progress = 0;
    const s = await parseLineStream(asyncLines(sample.split('\n')), undefined, (p) => (progress = p.lines));
    expect(s).toEqual(r);
    expect(progress).toBe(sample.split('\n').length);
  });
});

describe('trace-cmd report: other layouts and tracepoint versions', () => {
  it('raw ftrace with irq flags, perf script, -t ns timestamps, new kvm_exit/kvm_entry formats', () => {
    const text = [
      '# tracer: nop',
      '#',
      '#                                _-----=> irqs-off/BH-disabled',
      '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
      '     CPU 5/KVM-2137779 [010] d.... 798115.331400: kvm_exit: vcpu 5 reason MSR_WRITE rip 0xffffffff8107ecf4 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000',
      '     CPU 5/KVM-2137779 [010] d.... 798115.331413: kvm_msr: msr_write 6e0 = 0x81cba98c958c9',
      '     CPU 5/KVM-2137779 [010] d.... 798115.331414: kvm_hv_timer_state: vcpu_id a hv_timer 1',
      '     CPU 5/KVM-2137779 [010] d.... 798115.331415: kvm_entry: vcpu 5, rip 0xffffffff8107ecf6',
      'CPU 0/KVM 1821753 [015] 798115.331500123: kvm:kvm_exit: reason PREEMPTION_TIMER rip 0xffffffff8107ecf4 info 0 0',
      'CPU 0/KVM 1821753 [015] 798115.331500900: kvm:kvm_inj_virq: IRQ 0xec',
      'CPU 0/KVM 1821753 [015] 798115.331501623: kvm:kvm_entry: vcpu 0 rip 0xffffffff8107ecf6 [immediate exit]',
      'CPU 0/KVM 1821753 [015] 798115.331600000: kvm:kvm_inj_virq: irq 236',
      'CPU 0/KVM 1821753 [015] 798115.331601000: kvm:kvm_wait_lapic_expire: vcpu 0: delta -120 (early)',
    ].join('\n');
    const r = parseText(text);
    expect(r.format).toBe('trace-cmd');
    expect(r.exits).toEqual({ MSR_WRITE: { count: 1, totalNs: 15000 }, PREEMPTION_TIMER: { count: 1, totalNs: 1500 } });
    expect(Object.keys(r.exitsByVcpu ?? {}).sort()).toEqual(['vcpu 0', 'vcpu 5']);
    expect(r.timerLatenciesNs).toEqual([1500]);
    expect(r.meta['hv_timer.1']).toBe('1');
    expect(r.meta['inj_virq.0xec']).toBe('2');
    expect(r.meta['wait_lapic_expire.early']).toBe('1');
  });

  it('blank lines (old kvm_hv_timer_state trailing \\n) and lost-event markers', () => {
    const lines = sample.split('\n');
    const text = [...lines.slice(0, 5), '', 'CPU:19 [LOST 12 EVENTS]', ...lines.slice(5)].join('\n');
    const r = parseText(text);
    expect(r.exits?.HLT?.count).toBe(4);
    expect(r.warnings.join('\n')).toContain('12 lost events');
  });

  it('malformed: truncated line, wrong fields, garbage, empty', () => {
    const lines = sample.split('\n');
    expectFormatError(() => parseText(`${lines.slice(0, 30).join('\n')}\n qemu-system-x86-150750 [019] 16062.9`), 31);
    const badExit = [...lines];
    badExit[1] = ' qemu-system-x86-150750 [019] 16062.943940: kvm_exit:             HLT rip 0xffffffffb33f2e5f info 0 0';
    expectFormatError(() => parseText(badExit.join('\n')), 2);
    const badHv = [...lines];
    badHv[4] = ' qemu-system-x86-150750 [019] 16062.943942: kvm_hv_timer_state:   vcpu_id 0 hv_timer';
    expectFormatError(() => parseText(badHv.join('\n')), 5);
    const badEntry = [...lines];
    badEntry[33] = ' qemu-system-x86-150750 [019] 16062.944033: kvm_entry:             vcpu x';
    expectFormatError(() => parseText(badEntry.join('\n')), 34);
    expectFormatError(() => parseText(`${lines.slice(0, 30).join('\n')}\n${GARBAGE}`), 31);
    expectFormatError(() => parseText('', 'trace-cmd'), 1);
    expectFormatError(() => parseText('cpus=4\n', 'trace-cmd'), 2);
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

  it('parses back with the trace-cmd parser (µs and -t ns timestamps)', () => {
    const events = simEvents(50);
    for (const nsTimestamps of [false, true]) {
      const text = toTraceCmdReport(events, { tscKhz: 2_000_000, baseSeconds: 5000, nsTimestamps });
      const r = parseText(text);
      expect(r.format).toBe('trace-cmd');
      expect(r.exits?.MSR_WRITE?.count).toBe(50);
      expect(r.exits?.PREEMPTION_TIMER?.count).toBe(50);
      // 2600 cycles at 2 GHz = 1300 ns (truncated to whole µs without -t)
      expect(r.timerLatenciesNs?.every((v) => v === (nsTimestamps ? 1300 : 1000) || (!nsTimestamps && v === 2000))).toBe(true);
      expect(r.meta['hv_timer.1']).toBe('50');
      expect(r.meta['inj_virq.0xec']).toBe('50');
      if (nsTimestamps) expect(r.exits?.MSR_WRITE?.totalNs).toBe(50 * 600);
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
    const r = await parseLineStream(asyncLines(gen()), undefined, undefined, { maxLatencies: 1000 });
    const after = process.memoryUsage().heapUsed;
    expect(bytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(r.exits?.MSR_WRITE?.count).toBe(rounds);
    expect(r.exits?.PREEMPTION_TIMER?.count).toBe(rounds);
    expect(r.summary.count).toBe(rounds);
    expect(r.timerLatenciesNs).toHaveLength(1000); // bounded
    expect(r.histogram?.values).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    expect(Object.keys(r.exitsByVcpu ?? {}).sort()).toEqual(['vcpu 0', 'vcpu 1']);
    // Nothing proportional to the 5 MB input is retained (generous bound; GC timing varies).
    expect(after - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('a direct push loop keeps nothing but aggregates', () => {
    const p = createParser('trace-cmd', { maxLatencies: 10 });
    p.push('cpus=1', 1);
    for (let i = 0; i < 20_000; i++) {
      const s = `${1000 + Math.floor(i / 1000)}.${String((i % 1000) * 1000).padStart(6, '0')}`;
      const s2 = `${1000 + Math.floor(i / 1000)}.${String((i % 1000) * 1000 + 3).padStart(6, '0')}`;
      p.push(` qemu-system-x86-1 [000] ${s}: kvm_exit:             reason PREEMPTION_TIMER rip 0x1 info 0 0`, 2 * i + 2);
      p.push(` qemu-system-x86-1 [000] ${s2}: kvm_entry:             vcpu 0 rip 0x1`, 2 * i + 3);
    }
    const r = p.finish();
    expect(r.timerLatenciesNs).toHaveLength(10);
    expect(r.summary).toEqual({ count: 20_000, min: 3000, max: 3000, mean: 3000 });
  });
});
