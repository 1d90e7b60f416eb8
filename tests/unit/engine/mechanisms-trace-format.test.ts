/**
 * The trace-only mechanisms: each changes how a tracepoint prints (or adds one), nothing else.
 * For each, the release before and the release with it print their formats, switching the
 * mechanism off on its release gives the old format back, and the timing does not move.
 */
import { describe, expect, it } from 'vitest';
import { toTraceCmdReport } from '../../../src-main/formats/index.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { scenario } from './kernel-scenarios.js';

type Set = Record<string, unknown>;
const run = (strategy: 'hrtimer' | 'vmx-preemption', set: Set) => scenario({ workload: 'tscdeadline-busy', strategy, samples: 3, set });
const texts = (r: ReturnType<typeof run>, event: string) => r.trace.filter((x) => x.event === event).map((x) => x.text);

/** Both runs have the same timing: the same samples and the same record times. */
function sameTiming(a: ReturnType<typeof run>, b: ReturnType<typeof run>): void {
  expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
  expect(a.trace.map((x) => x.t)).toEqual(b.trace.map((x) => x.t));
}

describe('hv_state_no_newline (5.3)', () => {
  it('5.2 prints "vcpu_id 0 hv_timer 1\\n" (an empty report line follows), 5.3 without the newline', () => {
    const old = run('vmx-preemption', { kernel: '5.3', 'mech.hv_state_no_newline': 'off', timerAdvanceNs: 0 });
    const neu = run('vmx-preemption', { kernel: '5.3', timerAdvanceNs: 0 });
    expect(texts(run('vmx-preemption', { kernel: '5.2', timerAdvanceNs: 0 }), 'kvm_hv_timer_state')[0]).toBe('vcpu_id 0 hv_timer 1\n');
    expect(texts(old, 'kvm_hv_timer_state').every((t) => t === 'vcpu_id 0 hv_timer 1\n')).toBe(true);
    expect(texts(neu, 'kvm_hv_timer_state').every((t) => t === 'vcpu_id 0 hv_timer 1')).toBe(true);
    const blank = (r: ReturnType<typeof run>) => toTraceCmdReport(r.trace, { tscKhz: DEFAULT_PROFILE.tsc_khz }).split('\n').filter((l) => l === '').length;
    // one empty line per event, plus the final newline's empty split
    expect(blank(old)).toBe(texts(old, 'kvm_hv_timer_state').length + 1);
    expect(blank(neu)).toBe(1);
    sameTiming(old, neu);
  });
});

describe('trace_entry_rip (5.10)', () => {
  it('5.9 prints kvm_entry "vcpu 0", 5.10 "vcpu 0 rip 0x…" (as trace-cmd report shows it) with the guest RIP the entry resumes', () => {
    const old = run('hrtimer', { kernel: '5.9' });
    const neu = run('hrtimer', { kernel: '5.10' });
    const off = run('hrtimer', { kernel: '5.10', 'mech.trace_entry_rip': 'off' });
    expect(new Set(texts(old, 'kvm_entry'))).toEqual(new Set(['vcpu 0']));
    expect(new Set(texts(off, 'kvm_entry'))).toEqual(new Set(['vcpu 0']));
    // after the WRMSR the guest resumes past the 2-byte instruction; after an interrupt exit at the same RIP
    expect(new Set(texts(neu, 'kvm_entry'))).toEqual(new Set(['vcpu 0 rip 0x4019c9', 'vcpu 0 rip 0x401a2e']));
    sameTiming(neu, off);
  });
});

describe('trace_apicv_accept_irq (5.17)', () => {
  it('with APICv 5.17 adds kvm_apicv_accept_irq after each kvm_apic_accept_irq; without APICv it does not appear', () => {
    const old = run('vmx-preemption', { kernel: '5.16' });
    const neu = run('vmx-preemption', { kernel: '5.17' });
    const off = run('vmx-preemption', { kernel: '5.17', 'mech.trace_apicv_accept_irq': 'off' });
    const noApicv = run('vmx-preemption', { kernel: '5.17', apicv: 'off' });
    expect(texts(old, 'kvm_apicv_accept_irq')).toEqual([]);
    expect(texts(off, 'kvm_apicv_accept_irq')).toEqual([]);
    expect(texts(noApicv, 'kvm_apicv_accept_irq')).toEqual([]);
    const accepts = texts(neu, 'kvm_apic_accept_irq');
    expect(accepts.length).toBe(4);
    expect(texts(neu, 'kvm_apicv_accept_irq')).toEqual(accepts);
    neu.trace.forEach((x, i) => {
      if (x.event === 'kvm_apic_accept_irq') {
        expect(neu.trace[i + 1]!.event).toBe('kvm_apicv_accept_irq');
        expect(neu.trace[i + 1]!.t).toBe(x.t);
      }
    });
    expect(Array.from(off.samples)).toEqual(Array.from(neu.samples));
  });
});

describe('trace_inj_virq_vector (6.0)', () => {
  it('without APICv 5.19 prints kvm_inj_virq "irq 239", 6.0 "IRQ 0xef"', () => {
    const old = run('vmx-preemption', { kernel: '5.19', apicv: 'off' });
    const neu = run('vmx-preemption', { kernel: '6.0', apicv: 'off' });
    const off = run('vmx-preemption', { kernel: '6.0', apicv: 'off', 'mech.trace_inj_virq_vector': 'off' });
    expect(new Set(texts(old, 'kvm_inj_virq'))).toEqual(new Set(['irq 239']));
    expect(new Set(texts(off, 'kvm_inj_virq'))).toEqual(new Set(['irq 239']));
    expect(new Set(texts(neu, 'kvm_inj_virq'))).toEqual(new Set(['IRQ 0xef']));
    expect(texts(neu, 'kvm_inj_virq').length).toBe(4);
    sameTiming(neu, off);
  });
});
