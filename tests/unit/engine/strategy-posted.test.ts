/**
 * The posted-timer strategy (kvm.pi_inject_timer=1, 5.3+): the unpinned LAPIC hrtimer fires on a
 * housekeeping CPU (trace CPU 0, the idle task) and posts the interrupt to the vCPU in guest mode
 * without a VM exit; how the advance is waited out there per release; and the fallbacks KVM takes
 * when kvm_can_post_timer_interrupt is false (no APICv, no HLT passthrough from 5.18, AMD without
 * AVIC). Zero jitter; gaps are sums of profile costs.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src-shared/config.js';
import { costs, deadlineCycles, delta, expectSteps, line, profileNamed, scenario, scenarioConfig } from './kernel-scenarios.js';

const C = costs();
const HK = 0;
const ACCEPT = 'kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)';
const posted = (set: Record<string, unknown>, samples = 4, workload: 'tscdeadline-busy' | 'tscdeadline-halt' = 'tscdeadline-busy') =>
  scenario({ workload, strategy: 'posted-timer', samples, set: { hltInGuest: 'on', ...set } });
/** Records of the housekeeping CPU in one deadline cycle. */
const onHk = (c: ReturnType<typeof deadlineCycles>[number]) => c.filter((r) => r.cpu === HK);
/** From the comparator to the notification: the host IRQ on the housekeeping CPU. */
const HK_IRQ = C('host_lapic_irq_hw', 'host_irq_dispatch', 'hrtimer_interrupt');
/** After the spin ends at the deadline: PIR + notification, its flight, the virtual delivery, the guest's vectoring. */
const AFTER_SPIN = C('posted_deliver', 'ipi_latency', 'posted_intr_recv', 'guest_deliver');

describe('posted-timer on Intel with APICv (posted_timer 5.3; the wait before posting: posted_wait_skipped 5.10, posted_wait 5.12)', () => {
  it('6.1: the deadline is an hrtimer on the housekeeping CPU; it waits out the advance there and posts; no VM exit delivers it', () => {
    const r = posted({ kernel: '6.1', timerAdvanceNs: 1000 });
    const cs = deadlineCycles(r.trace).slice(1);
    expect(cs.length).toBe(3);
    for (const c of cs) {
      // the vCPU side: only the arming WRMSR exits (kvm_can_use_hv_timer is false while posting)
      expectSteps(c.filter((x) => x.cpu !== HK), [
        ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', null],
        ['hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*', C('exit_post', 'wrmsr_dispatch', 'hrtimer_cancel', 'sw_deadline_math', 'hrtimer_start')],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('clockevent_program')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_entry vcpu 0 rip 0x4019c9', C('entry_prep')],
      ]);
      const hk = onHk(c);
      expect(hk.every((x) => x.pid === 0)).toBe(true);
      expectSteps(hk, [
        ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', null],
        // 5.19+: __kvm_wait_lapic_expire traces before it spins, here on the housekeeping CPU
        ['kvm_wait_lapic_expire vcpu 0: delta * (early)', C('apic_timer_fn')],
        [ACCEPT, -delta(hk[1]!) + C('posted_deliver')],
        ['kvm_apicv_accept_irq apicid 0 vec 239 (Fixed|edge)', 0],
        ['hrtimer_expire_exit hrtimer=*', 0],
      ]);
    }
    expect(Array.from(r.samples)).toEqual(Array(4).fill(AFTER_SPIN));
    expect(r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(r.summary.exits.EXTERNAL_INTERRUPT).toBeUndefined();
    // the housekeeping CPU's time is a cost of the timer: the IRQ, the callback, the spin, the post, the reprogram
    const spins = r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire').map((w) => Math.max(0, -delta(w)));
    expect(spins.length).toBe(r.summary.timerEvents);
    const perEvent = HK_IRQ + C('apic_timer_fn', 'posted_deliver', 'clockevent_program') + spins.reduce((a, b) => a + b, 0) / spins.length;
    expect(r.summary.housekeepingCyclesPerTimerEvent).toBeCloseTo(perEvent, 9);
    expect(r.summary.warnings ?? []).toEqual([]);
  });

  it('the wait before posting per release: 5.4 spins (traced after the vCPU’s next exit), 5.10–5.11 post early untraced, 5.12 spins again', () => {
    const hkGap = (kernel: string, set: Record<string, unknown> = {}) => {
      const r = posted({ kernel, timerAdvanceNs: 1000, ...set });
      const c = deadlineCycles(r.trace)[1]!;
      const hk = onHk(c);
      return { r, c, hk };
    };
    // 5.4: spin on the housekeeping CPU; the delta is printed on the vCPU's CPU after its next VM exit
    {
      const { r, hk } = hkGap('5.4');
      expect(hk.map((x) => x.event)).toEqual(['hrtimer_expire_entry', 'kvm_apic_accept_irq', 'hrtimer_expire_exit']);
      const ws = r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire');
      expect(ws.every((w) => w.cpu !== HK)).toBe(true);
      // 5.3–5.7: vcpu_enter_guest prints it after guest_exit, before vmx_handle_exit traces kvm_exit
      const w = r.trace.indexOf(ws[1]!);
      expect(line(r.trace[w + 1]!)).toBe('kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0');
      expect(hk[1]!.t - hk[0]!.t).toBe(C('apic_timer_fn') - delta(ws[1]!) + C('posted_deliver'));
      expect(Array.from(r.samples)).toEqual(Array(4).fill(AFTER_SPIN));
    }
    // 5.10: kvm_wait_lapic_expire's lapic_timer_int_injected check fails before the injection
    for (const kernel of ['5.10', '5.11']) {
      const { r, hk } = hkGap(kernel);
      expect(hk[1]!.t - hk[0]!.t).toBe(C('apic_timer_fn', 'posted_deliver'));
      expect(r.trace.some((x) => x.event === 'kvm_wait_lapic_expire')).toBe(false);
      expect(r.summary.spinCyclesPerTimerEvent).toBe(0);
      // the advanced interrupt is not held back: the guest sees it timer_advance_ns less the path later
      for (const s of Array.from(r.samples)) expect(s).toBeLessThan(AFTER_SPIN - 1500);
    }
    // the stable fix reached 5.10.24; 5.12 spins again with the trace after the next exit
    for (const kernel of ['5.10.24', '5.12']) {
      const { r, hk } = hkGap(kernel);
      expect(hk.map((x) => x.event)).toEqual(['hrtimer_expire_entry', 'kvm_apic_accept_irq', 'hrtimer_expire_exit']);
      expect(r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire').every((w) => w.cpu !== HK)).toBe(true);
      expect(Array.from(r.samples)).toEqual(Array(4).fill(AFTER_SPIN));
    }
    const off = hkGap('6.1', { 'mech.posted_wait': 'off' });
    expect(off.hk[1]!.t - off.hk[0]!.t).toBe(C('apic_timer_fn', 'posted_deliver'));
    // and without 010fd37fddf6, 5.10 spins as 5.9 did
    const before = hkGap('5.10', { 'mech.posted_wait_skipped': 'off' });
    expect(Array.from(before.r.samples)).toEqual(Array(4).fill(AFTER_SPIN));
    expect(Array.from(hkGap('5.9').r.samples)).toEqual(Array(4).fill(AFTER_SPIN));
  });

  it('a halted vCPU is not in guest mode: the housekeeping CPU sets the timer pending and kicks it; the poll loop sees it', () => {
    const r = posted({ kernel: '5.17', timerAdvanceNs: 0, hltInGuest: 'off' }, 8, 'tscdeadline-halt');
    const c = deadlineCycles(r.trace).at(-1)!;
    const i = c.findIndex((x) => x.text.startsWith('reason HLT'));
    expectSteps(c.slice(i), [
      ['kvm_exit reason HLT rip 0x4019f3 info 0 0', null],
      ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', null],
      ['hrtimer_expire_exit hrtimer=*', C('apic_timer_fn')],
      // the kick IPI's flight, then the poll loop leaves kvm_vcpu_halt
      ['kvm_vcpu_wakeup poll time * ns, polling valid', C('ipi_latency', 'halt_poll_wake')],
      [ACCEPT, C('pending_inject')],
      ['kvm_apicv_accept_irq apicid 0 vec 239 (Fixed|edge)', 0],
      ['kvm_entry vcpu 0 rip 0x4019f4', C('entry_prep')],
    ]);
    expect(c[i + 1]!.cpu).toBe(HK);
  });
});

describe('posted-timer fallbacks (no APICv; posted_needs_hlt_mwait 5.18; AMD)', () => {
  const fallbackWarning = /^posted-timer falls back to the hv timer \(the vmx-preemption path\), as KVM does when /;

  it('apicv=off: kvm_can_post_timer_interrupt is false, the hv timer runs the deadline, the interrupt is injected (kvm_inj_virq) and the EOI exits', () => {
    const r = posted({ kernel: '6.1', apicv: 'off' });
    expect(r.summary.warnings).toHaveLength(1);
    expect(r.summary.warnings![0]).toMatch(fallbackWarning);
    expect(r.summary.warnings![0]).toContain('apicv=off');
    const c = deadlineCycles(r.trace)[1]!;
    expect(c.map((x) => `${x.event}${x.event === 'kvm_exit' ? ' ' + x.text.split(' ')[1] : ''}`)).toEqual([
      'kvm_exit MSR_WRITE',
      'kvm_hv_timer_state',
      'kvm_msr',
      'kvm_entry',
      'kvm_exit MSR_WRITE', // the ISR's x2APIC EOI write
      'kvm_msr',
      'kvm_entry',
      'kvm_exit PREEMPTION_TIMER',
      'kvm_apic_accept_irq',
      'kvm_inj_virq',
      'kvm_entry',
      'kvm_wait_lapic_expire',
    ]);
    expect(line(c[5]!)).toBe('kvm_msr msr_write 80b = 0x0');
    expect(r.summary.housekeepingCyclesPerTimerEvent).toBeUndefined();
  });

  it('from 5.18 posting also needs HLT/MWAIT passthrough: hltInGuest=off falls back to the hv timer; 5.17 still posts; a 5.15.55 stable has the check', () => {
    const busyCycle = (set: Record<string, unknown>) => {
      const r = posted(set);
      return { r, events: deadlineCycles(r.trace)[1]!.map((x) => x.event) };
    };
    const k518 = busyCycle({ kernel: '5.18', hltInGuest: 'off' });
    expect(k518.events).toContain('kvm_hv_timer_state');
    expect(k518.r.summary.exits.PREEMPTION_TIMER?.count).toBeGreaterThan(0);
    expect(k518.r.summary.warnings![0]).toMatch(fallbackWarning);
    expect(k518.r.summary.warnings![0]).toContain('HLT or MWAIT passthrough');
    const k517 = busyCycle({ kernel: '5.17', hltInGuest: 'off' });
    expect(k517.r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(k517.r.summary.warnings ?? []).toEqual([]);
    expect(busyCycle({ kernel: '5.15.55', hltInGuest: 'off' }).r.summary.exits.PREEMPTION_TIMER?.count).toBeGreaterThan(0);
    expect(busyCycle({ kernel: '5.15.54', hltInGuest: 'off' }).r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(busyCycle({ kernel: '5.18', hltInGuest: 'on' }).r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
    expect(busyCycle({ kernel: '5.18', hltInGuest: 'off', 'mech.posted_needs_hlt_mwait': 'off' }).r.summary.exits.PREEMPTION_TIMER).toBeUndefined();
  });

  it('AMD EPYC without AVIC: no hv timer to fall back to; the housekeeping CPU kicks the vCPU out of guest mode with an IPI', () => {
    const epyc = profileNamed('EPYC');
    const E = costs(epyc);
    const r = scenario({ workload: 'tscdeadline-busy', strategy: 'posted-timer', profile: epyc, samples: 4, set: {} });
    expect(r.summary.host).toEqual({ kernel: '6.1', vendor: 'amd', apicv: false, mitigations: true });
    expect(r.summary.warnings![0]).toMatch(/^posted-timer cannot post here \(kvm_can_post_timer_interrupt needs AVIC \(apicv=off\)\)/);
    const c = deadlineCycles(r.trace)[1]!;
    const i = c.findIndex((x) => x.event === 'hrtimer_expire_entry');
    expectSteps(c.slice(i, i + 7), [
      ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', null],
      ['hrtimer_expire_exit hrtimer=*', E('apic_timer_fn')],
      // the kick's flight; the vCPU exits (EXTERNAL_INTERRUPT), the pending timer is injected on the way back
      ['kvm_exit reason EXTERNAL_INTERRUPT rip 0x401a2e info 0 0', null],
      [ACCEPT, E('exit_post', 'host_irq_dispatch', 'ext_intr_handler', 'pending_inject')],
      ['kvm_inj_virq IRQ 0xef', E('entry_prep', 'inject_irq_vmcs')],
      ['kvm_entry vcpu 0 rip 0x401a2e', 0],
      ['kvm_wait_lapic_expire vcpu 0: delta * (*)', E('vcpu_run_prologue')],
    ]);
    expect(c[i]!.cpu).toBe(HK);
    expect(c[i + 2]!.cpu).not.toBe(HK);
    // kick: the IPI lands ipi_latency after the housekeeping CPU sent it (after its callback)
    expect(c[i + 2]!.t - c[i + 1]!.t).toBe(E('ipi_latency', 'vmexit_hw', 'mitigation_exit'));
  });

  it('AMD EPYC with AVIC (and HLT passthrough on 6.1): it posts, as on Intel', () => {
    const epyc = profileNamed('EPYC');
    const r = scenario({ workload: 'tscdeadline-busy', strategy: 'posted-timer', profile: epyc, samples: 4, set: { apicv: 'on', hltInGuest: 'on' } });
    expect(r.summary.warnings ?? []).toEqual([]);
    expect(r.summary.exits.EXTERNAL_INTERRUPT).toBeUndefined();
    const hk = onHk(deadlineCycles(r.trace)[1]!).map((x) => x.event);
    expect(hk).toEqual(['hrtimer_expire_entry', 'kvm_wait_lapic_expire', 'kvm_apic_accept_irq', 'kvm_apicv_accept_irq', 'hrtimer_expire_exit']);
  });

  it('before 5.3 there is no pi_inject_timer: refused with the reason, naming the strategy', () => {
    const cfg = (kernel: string) => () => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'posted-timer', samples: 1, set: { kernel } });
    expect(cfg('5.2')).toThrow(ConfigError);
    expect(cfg('5.2')).toThrow(/^strategy: posted-timer on HSW-2016: pi_inject_timer arrived in 5\.3/);
    expect(cfg('5.3')).not.toThrow();
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'posted-timer', samples: 1, set: { kernel: '5.3', 'mech.posted_timer': 'off' } })).toThrow(/pi_inject_timer arrived in 5\.3/);
  });
});
