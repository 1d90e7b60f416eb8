// The layers of the trace reader on their own: the tokenizer (lines → typed events, resolution),
// the per-vCPU sequencer (pairs only within a consistent exit/entry sequence, holes), the TSC
// rate estimate, and the streaming per-vCPU segment reader other modules consume.
import { describe, expect, it } from 'vitest';
import {
  readVcpuSegments,
  TraceTokenizer,
  TscRateEstimator,
  VcpuSequencer,
  type TraceItem,
  type VcpuSegment,
} from '../../../src-main/formats/index.js';
import { asyncLines, readFixture } from './helpers.js';

function tokens(lines: string[]): { items: TraceItem[]; tok: TraceTokenizer } {
  const tok = new TraceTokenizer();
  return { items: lines.map((l, i) => tok.push(l, i + 1)), tok };
}

function sequence(lines: string[]): VcpuSegment[] {
  const out: VcpuSegment[] = [];
  const seq = new VcpuSequencer((s) => out.push(s));
  const tok = new TraceTokenizer();
  lines.forEach((l, i) => seq.push(tok.push(l, i + 1)));
  seq.finish();
  return out.filter((s) => s.kind !== 'event');
}

const ev = (pid: number, cpu: number, us: number, event: string, fields: string) =>
  `${`qemu-${pid}`.padStart(22)} [${String(cpu).padStart(3, '0')}] 100.${String(us).padStart(6, '0')}: ${`${event}:`.padEnd(21)} ${fields}`;

describe('TraceTokenizer', () => {
  it('types each line: events (µs → ns from the first event\'s second), lost markers, gaps, headers, unknown', () => {
    const { items } = tokens([
      'cpus=2',
      ev(7, 1, 5, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'),
      'CPU:1 [LOST 12 EVENTS]',
      '##### CPU 0 buffer started ####',
      ev(7, 1, 25, 'kvm:kvm_entry', 'vcpu 0 rip 0x1'),
      'ARG TYPE NOT FIELD BUT 2',
      '# a comment',
      '',
    ]);
    expect(items.map((i) => i.kind)).toEqual(['header', 'event', 'lost', 'gap', 'event', 'unknown', 'skip', 'skip']);
    expect(items[2]).toEqual({ kind: 'lost', lineNo: 3, cpu: 1, count: 12 });
    const e = items[4];
    expect(e?.kind === 'event' && e.event).toMatchObject({ ts: 25_000, cpu: 1, pid: 7, event: 'kvm_entry', fields: 'vcpu 0 rip 0x1', lineNo: 5 });
  });
  it('detects the resolution: printed decimals, and ns timestamps that are all whole µs', () => {
    const us = tokens(Array.from({ length: 30 }, (_, i) => ev(1, 0, i, 'x', 'y'))).tok.resolution();
    expect(us).toMatchObject({ stepNs: 1000, counter: false, note: 'timestamps with 6 decimals (1 µs)' });
    const nsLines = Array.from({ length: 30 }, (_, i) => `qemu-1 [000] 5.${String(i * 1000).padStart(9, '0')}: x: y`);
    expect(tokens(nsLines).tok.resolution()).toMatchObject({ stepNs: 1000, note: 'timestamps with 9 decimals, all whole multiples of 1 µs' });
    const ns = Array.from({ length: 30 }, (_, i) => `qemu-1 [000] 5.${String(i * 1001).padStart(9, '0')}: x: y`);
    expect(tokens(ns).tok.resolution().stepNs).toBe(1);
    // counter clocks (x86-tsc): ticks beyond 2^53 stay exact relative to the first
    const { items, tok } = tokens(['qemu-1 [000] 12345678901234567890: x: y', 'qemu-1 [000] 12345678901234567990: x: y']);
    expect(items[1]?.kind === 'event' && items[1].event.ts).toBe(100);
    expect(tok.resolution().counter).toBe(true);
  });
  it('a hostile line cannot make it backtrack for long (1 MiB of "- 1 ")', () => {
    const t0 = Date.now();
    const { items } = tokens(['- 1 '.repeat(262_144)]);
    expect(items[0]?.kind).toBe('unknown');
    expect(Date.now() - t0).toBeLessThan(5_000); // generous: a quadratic match takes minutes
  });
});

describe('VcpuSequencer', () => {
  it('pairs an exit with the entry of the same thread, not with another vCPU\'s', () => {
    const segs = sequence([
      ev(1, 0, 0, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'),
      ev(2, 1, 5, 'kvm_exit', 'reason MSR_WRITE rip 0x1 info 0 0'),
      ev(2, 1, 6, 'kvm_entry', 'vcpu 1 rip 0x1'),
      ev(1, 0, 50, 'kvm_entry', 'vcpu 0 rip 0x1'),
    ]);
    expect(segs.filter((s) => s.kind === 'exit').map((s) => s.kind === 'exit' && [s.thread.pid, s.reason, s.entryTs === null ? null : s.entryTs - s.exitTs])).toEqual([
      [2, 'MSR_WRITE', 1000],
      [1, 'HLT', 50_000],
    ]);
  });
  it('drops a pair that crosses lost events anywhere, another exit, or a vCPU id change', () => {
    const segs = sequence([
      ev(1, 0, 0, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'),
      'CPU:3 [LOST 1 EVENTS]',
      ev(1, 0, 9, 'kvm_entry', 'vcpu 0 rip 0x1'),
      ev(1, 0, 10, 'kvm_exit', 'reason MSR_WRITE rip 0x1 info 0 0'),
      ev(1, 0, 11, 'kvm_exit', 'reason EXTERNAL_INTERRUPT rip 0x1 info 0 0'),
      ev(1, 0, 12, 'kvm_entry', 'vcpu 0 rip 0x1'),
      ev(1, 0, 13, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'),
      ev(1, 0, 14, 'kvm_entry', 'vcpu 3 rip 0x1'),
    ]);
    const dropped = segs.filter((s) => s.kind === 'dropped').map((s) => s.kind === 'dropped' && s.reason);
    expect(dropped).toEqual(['lost events', 'another exit before the entry', 'vCPU id changed']);
    const timed = segs.filter((s) => s.kind === 'exit' && s.entryTs !== null).map((s) => s.kind === 'exit' && s.reason);
    expect(timed).toEqual(['EXTERNAL_INTERRUPT']);
  });
  it('links an apic_timer_fn expiry to its vCPU by the hrtimer address, even when another vCPU enters on that CPU first', () => {
    const segs = sequence([
      ev(1, 0, 0, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'),
      ev(1, 0, 1, 'hrtimer_start', 'hrtimer=0xffff1 function=apic_timer_fn/0x0 expires=99 softexpires=99'),
      `${'<idle>-0'.padStart(22)} [000] 100.000100: hrtimer_expire_entry: hrtimer=0xffff1 now=1 function=apic_timer_fn/0x0`,
      ev(2, 0, 102, 'kvm_entry', 'vcpu 1 rip 0x1'),
      ev(1, 0, 107, 'kvm_entry', 'vcpu 0 rip 0x1'),
    ]);
    const timers = segs.filter((s) => s.kind === 'timer');
    expect(timers.map((s) => s.kind === 'timer' && [s.thread.pid, s.via, s.entryTs - s.expiryTs])).toEqual([[1, 'hrtimer', 7000]]);
  });
  it('an hrtimer_start alone makes its thread the timer\'s vCPU (the trace may start after its last exit)', () => {
    const segs = sequence([
      ev(1, 0, 1, 'hrtimer_start', 'hrtimer=0xffff2 function=apic_timer_fn/0x0 expires=99 softexpires=99'),
      `${'<idle>-0'.padStart(22)} [000] 100.000100: hrtimer_expire_entry: hrtimer=0xffff2 now=1 function=apic_timer_fn/0x0`,
      ev(2, 0, 101, 'kvm_entry', 'vcpu 1 rip 0x1'),
      ev(1, 0, 109, 'kvm_entry', 'vcpu 0 rip 0x1'),
    ]);
    expect(segs.filter((s) => s.kind === 'timer').map((s) => s.kind === 'timer' && [s.thread.pid, s.entryTs - s.expiryTs])).toEqual([[1, 9000]]);
  });
  it('a vCPU running at the expiry may exit once (the kick) before its entry; twice breaks the pair', () => {
    const pre = [
      ev(1, 0, 0, 'kvm_entry', 'vcpu 0 rip 0x1'),
      ev(1, 0, 1, 'hrtimer_start', 'hrtimer=0xa function=apic_timer_fn/0x0 expires=1 softexpires=1'),
      `${'<idle>-0'.padStart(22)} [004] 100.000050: hrtimer_expire_entry: hrtimer=0xa now=1 function=apic_timer_fn/0x0`,
      ev(1, 0, 52, 'kvm_exit', 'reason EXTERNAL_INTERRUPT rip 0x1 info 0 0'),
    ];
    const once = sequence([...pre, ev(1, 0, 54, 'kvm_entry', 'vcpu 0 rip 0x1')]);
    expect(once.filter((s) => s.kind === 'timer')).toHaveLength(1);
    const twice = sequence([...pre, ev(1, 0, 53, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'), ev(1, 0, 54, 'kvm_entry', 'vcpu 0 rip 0x1')]);
    expect(twice.filter((s) => s.kind === 'timer')).toHaveLength(0);
    expect(twice.filter((s) => s.kind === 'dropped' && s.pair === 'timer').map((s) => s.kind === 'dropped' && s.reason)).toEqual(['another exit before the entry']);
  });
  it('timestamps going back on a CPU are a gap', () => {
    const segs = sequence([ev(1, 0, 10, 'kvm_exit', 'reason HLT rip 0x1 info 0 0'), ev(1, 0, 5, 'kvm_entry', 'vcpu 0 rip 0x1')]);
    expect(segs.find((s) => s.kind === 'dropped')).toMatchObject({ reason: 'gap in the trace' });
  });
});

describe('TscRateEstimator', () => {
  it('recovers the rate from deadlines against kvm_wait_lapic_expire timestamps', () => {
    const e = new TscRateEstimator();
    for (let i = 0; i < 20; i++) {
      const deadline = 10n ** 12n + BigInt(i) * 3_000_000n; // a deadline every 1 ms at 3 GHz
      e.deadlineWritten(7, `0x${deadline.toString(16)}`);
      const entryNs = i * 1_000_000 + 400 + (i % 3) * 100; // entry 0.4–0.6 µs after it
      e.lapicExpire(7, entryNs, Math.round((entryNs - i * 1_000_000) * 3));
    }
    const r = e.result();
    expect(r?.khz).toBe(3_000_000);
    expect(r?.method).toContain('kvm_wait_lapic_expire');
    expect(r?.points).toBe(20);
  });
  it('gives nothing from too few points or an implausible rate', () => {
    const e = new TscRateEstimator();
    e.deadlineWritten(1, '0x1000');
    e.preemptionTimerExit(1, 5);
    expect(e.result()).toBeNull();
    const slow = new TscRateEstimator();
    for (let i = 0; i < 5; i++) {
      slow.deadlineWritten(1, `0x${(1000 + i).toString(16)}`); // 1 cycle per ms: 1 kHz
      slow.preemptionTimerExit(1, i * 1_000_000);
    }
    expect(slow.result()).toBeNull();
  });
});

describe('readVcpuSegments: the per-vCPU stream for other modules', () => {
  it('streams the fixture\'s segments one by one, with the resolution at the end', async () => {
    const result = { resolution: null, unknownLines: 0, lines: 0 } as Parameters<typeof readVcpuSegments>[1] & object;
    const kinds = new Map<string, number>();
    for await (const s of readVcpuSegments(asyncLines(readFixture('trace-cmd-two-vms-lost-events.txt').split('\n')), result)) {
      kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    }
    expect(kinds.get('timer')).toBe(13);
    expect(kinds.get('hole')).toBe(1);
    expect(result.resolution?.stepNs).toBe(1000);
    expect(result.lines).toBeGreaterThan(100);
  });
});
