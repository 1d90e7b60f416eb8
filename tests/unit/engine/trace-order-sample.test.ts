/**
 * A simulated recent host lines up with a real one: ../shared/samples/trace-cmd-report-host-kvm-hv-timer-excerpt.txt
 * (a trace-cmd report of a QEMU vCPU with the VMX preemption timer; read through the project's
 * trace reader). Its events date the host kernel: kvm_apicv_accept_irq exists from 5.17 and
 * kvm_wait_lapic_expire follows kvm_entry (traced at the spin, not after the next exit) from 5.19.
 * The simulated halt cycle and busy cycle of vmx-preemption on such a kernel (6.1 on HSW-2016,
 * 6.8 on SPR) must give the same order of kvm events, exit by exit, and of the host's scheduler,
 * idle and hrtimer events around a sleep. Events the model does not simulate at all
 * (kvm_pv_tlb_flush, write_msr, rcu_utilization, ...) are left out of the sample's sequences.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TraceTokenizer, type TraceEvent } from '../../../src-main/formats/index.js';
import type { TraceRecord } from '../../../src-main/engine/index.js';
import { samplePath } from '../../samples.js';
import { profileNamed, scenario } from './kernel-scenarios.js';

const SAMPLE = 'trace-cmd-report-host-kvm-hv-timer-excerpt.txt';

function sampleEvents(): TraceEvent[] {
  const tok = new TraceTokenizer();
  const out: TraceEvent[] = [];
  readFileSync(samplePath(SAMPLE), 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const item = tok.push(l, i + 1);
      if (item.kind === 'event') out.push(item.event);
    });
  return out;
}

interface Ev {
  event: string;
  text: string;
}

/** A step of a sequence: the event name, with the exit reason or the hv timer state that tells cycles apart. */
function label(e: Ev): string {
  if (e.event === 'kvm_exit') return `kvm_exit ${/reason (\w+)/.exec(e.text)![1]}`;
  if (e.event === 'kvm_hv_timer_state') return `kvm_hv_timer_state ${/hv_timer (\d)/.exec(e.text)![1]}`;
  if (e.event === 'kvm_vcpu_wakeup') return `kvm_vcpu_wakeup ${e.text.split(' ')[0]}`;
  if (e.event === 'cpu_idle') return e.text.startsWith('state=4294967295') ? 'cpu_idle exit' : 'cpu_idle enter';
  if (e.event === 'sched_switch') return e.text.includes('==> swapper') ? 'sched_switch to idle' : 'sched_switch to vcpu';
  return e.event;
}

/** The sequences from each kvm_exit up to the next one, keeping only the events in `keep`. */
function segments(events: readonly Ev[], keep: (e: Ev) => boolean): string[][] {
  const out: string[][] = [];
  let cur: string[] | null = null;
  for (const e of events) {
    if (e.event === 'kvm_exit') {
      if (cur) out.push(cur);
      cur = [];
    }
    if (cur && keep(e)) cur.push(label(e));
  }
  return out; // the last, unfinished segment is left out
}

const unique = (xs: string[][]) => [...new Set(xs.map((x) => x.join(' → ')))].sort();
const isKvm = (e: Ev) => e.event.startsWith('kvm_');

/** The vCPU thread's events and the host events the engine models (the apic timer's hrtimer only). */
function vcpuSide(events: readonly TraceEvent[]): Ev[] {
  return events
    .filter((e) => e.cpu === 19)
    .filter((e) => !e.event.startsWith('hrtimer_') || e.fields.includes('apic_timer_fn') || e.event === 'hrtimer_expire_exit')
    .map((e) => ({ event: e.event, text: e.fields }));
}

const simulated = (kernel: string, profile: string, workload: 'tscdeadline-halt' | 'tscdeadline-busy', set: Record<string, unknown> = {}) => {
  const r = scenario({ workload, strategy: 'vmx-preemption', profile: profileNamed(profile), samples: 12, set: { kernel, ...set } });
  return r.trace.filter((x: TraceRecord) => x.cpu === 3).map((x) => ({ event: x.event, text: x.text }));
};
/**
 * The simulated cycles: a busy guest, a halting guest with the default 200 000-cycle period (the
 * poll window grows until polling catches the timer) and one with sleeps past the 200 µs cap
 * (the window stays 0, so no kvm_halt_poll_ns), as the sample has both.
 */
const simulatedCycles = (kernel: string, profile: string, keep: (e: Ev) => boolean) =>
  unique([
    ...segments(simulated(kernel, profile, 'tscdeadline-busy'), keep),
    ...segments(simulated(kernel, profile, 'tscdeadline-halt'), keep),
    ...segments(simulated(kernel, profile, 'tscdeadline-halt', { delta: 2_000_000 }), keep),
  ]);

describe(`kvm event order: simulated vmx-preemption vs ${SAMPLE}`, () => {
  const real = vcpuSide(sampleEvents());

  it('the sample is what the header says: one vCPU thread on CPU 19, a recent kernel (kvm_apicv_accept_irq, kvm_wait_lapic_expire after kvm_entry)', () => {
    expect(real.length).toBeGreaterThan(100);
    const names = new Set(real.map((e) => e.event));
    expect(names.has('kvm_apicv_accept_irq')).toBe(true);
    const kvm = real.filter(isKvm);
    for (let i = 0; i < kvm.length; i++) {
      if (kvm[i]!.event === 'kvm_wait_lapic_expire') expect(kvm[i - 1]!.event).toBe('kvm_entry');
    }
    // one preemption-timer exit and several HLT and MSR_WRITE exits
    const reasons = real.filter((e) => e.event === 'kvm_exit').map((e) => label(e));
    expect(reasons.filter((r) => r === 'kvm_exit PREEMPTION_TIMER').length).toBe(1);
    expect(reasons.filter((r) => r === 'kvm_exit HLT').length).toBeGreaterThan(2);
  });

  for (const [kernel, profile] of [
    ['6.1', 'HSW-2016'],
    ['6.8', 'SPR'],
  ] as const) {
    it(`kernel ${kernel} (${profile}): every exit of the sample has the same sequence of modelled kvm events in the simulation`, () => {
      const modelled = new Set([...simulated(kernel, profile, 'tscdeadline-halt'), ...simulated(kernel, profile, 'tscdeadline-busy')].map((e) => e.event));
      const keep = (e: Ev) => isKvm(e) && modelled.has(e.event);
      const realSeq = unique(segments(real, keep));
      const simSeq = simulatedCycles(kernel, profile, keep);
      // the model emits the same kvm events as the sample
      expect([...new Set(real.filter(isKvm).map((e) => e.event))].filter((n) => !modelled.has(n))).toEqual(['kvm_pv_tlb_flush']);
      for (const s of realSeq) expect(simSeq, `sample sequence not simulated: ${s}`).toContain(s);
      // the cycles themselves, spelled out
      expect(realSeq).toEqual([
        'kvm_exit HLT → kvm_hv_timer_state 0 → kvm_halt_poll_ns → kvm_vcpu_wakeup wait → kvm_apic_accept_irq → kvm_apicv_accept_irq → kvm_entry → kvm_wait_lapic_expire',
        'kvm_exit HLT → kvm_hv_timer_state 0 → kvm_vcpu_wakeup wait → kvm_apic_accept_irq → kvm_apicv_accept_irq → kvm_entry → kvm_wait_lapic_expire',
        'kvm_exit MSR_WRITE → kvm_hv_timer_state 1 → kvm_msr → kvm_entry',
        'kvm_exit PREEMPTION_TIMER → kvm_apic_accept_irq → kvm_apicv_accept_irq → kvm_entry → kvm_wait_lapic_expire',
      ]);
    });
  }

  it('6.1: a halt that sleeps has the sample’s host events in the same order (hrtimer, scheduler, idle)', () => {
    const hostKeep = (e: Ev) => e.event !== 'kvm_msr' && ['kvm_', 'hrtimer_start', 'hrtimer_expire', 'sched_switch', 'sched_wakeup', 'cpu_idle'].some((p) => e.event.startsWith(p)) && e.event !== 'kvm_pv_tlb_flush';
    // An unrelated interrupt (the sample's thermal_apic_entry) can wake the idle CPU, which idles
    // again: that idle re-entry is collapsed, the simulated host has no such interrupts.
    const collapse = (s: string[]) => s.filter((x, i) => !(x === 'cpu_idle exit' && s[i + 1] === 'cpu_idle enter') && !(x === 'cpu_idle enter' && s[i - 1] === 'cpu_idle exit'));
    const sleeping = (xs: string[]) => xs.map((x) => x.split(' → ')).filter((s) => s[0] === 'kvm_exit HLT' && s.includes('sched_switch to idle'));
    const realSleep = unique(sleeping(unique(segments(real, hostKeep))).map(collapse));
    const simSleep = unique(sleeping(simulatedCycles('6.1', 'HSW-2016', hostKeep)));
    expect(realSleep.length).toBeGreaterThan(0);
    for (const s of realSleep) expect(simSleep).toContain(s);
    expect(realSleep).toContain(
      [
        'kvm_exit HLT',
        'hrtimer_start',
        'kvm_hv_timer_state 0',
        'sched_switch to idle',
        'cpu_idle enter',
        'cpu_idle exit',
        'hrtimer_expire_entry',
        'sched_wakeup',
        'hrtimer_expire_exit',
        'sched_switch to vcpu',
        'kvm_halt_poll_ns',
        'kvm_vcpu_wakeup wait',
        'kvm_apic_accept_irq',
        'kvm_apicv_accept_irq',
        'kvm_entry',
        'kvm_wait_lapic_expire',
      ].join(' → '),
    );
  });

  it('an older kernel does not line up: 5.15 has no kvm_apicv_accept_irq and traces kvm_wait_lapic_expire after the next exit', () => {
    const keep = (e: Ev) => isKvm(e) && e.event !== 'kvm_pv_tlb_flush';
    const realSeq = unique(segments(real, keep));
    const old = simulatedCycles('5.15', 'HSW-2016', keep);
    expect(realSeq.filter((s) => !old.includes(s)).length).toBeGreaterThan(0);
  });
});
