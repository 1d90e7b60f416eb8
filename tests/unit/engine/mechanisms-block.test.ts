/**
 * Blocking and being descheduled, per release: where kvm_hv_timer_state fires around a HLT (at
 * unblock until 4.12, at the switch before blocking from 4.13), the common-x86 vcpu_block switch
 * that switches back only if the hv timer was in use (5.17), halt_poll_ns_shrink = 2 (6.11), and a
 * vCPU preempted (not blocked) while its hv timer is armed. Zero jitter, HSW-2016 costs.
 */
import { describe, expect, it } from 'vitest';
import { MSR_IA32_TSCDEADLINE, MSR_X2APIC_LVTT, on_noise_preempt } from '../../../src-main/engine/kvm/x86.js';
import { APIC_LVT_TIMER_TSCDEADLINE } from '../../../src-main/engine/kvm/lapic.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import type { GuestCpu } from '../../../src-main/engine/guest/guest-cpu.js';
import { costs, deadlineCycles, expectSteps, line, scenario, ScriptedGuest, scriptedSim, type Step } from './kernel-scenarios.js';

const C = costs();
const KHZ = DEFAULT_PROFILE.tsc_khz;
const us = (n: number) => (n * KHZ) / 1000;
const HLT_EXIT = 'kvm_exit reason HLT rip 0x4019f3 info 0 0';
const HR_START = 'hrtimer_start hrtimer=* function=apic_timer_fn/0x0 expires=* softexpires=*';
const EXPIRY = ['hrtimer_expire_entry hrtimer=* now=* function=apic_timer_fn/0x0', 'hrtimer_expire_exit hrtimer=*'];
const ACCEPT = 'kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)';
const halt = (strategy: 'vmx-preemption' | 'posted-timer', set: Record<string, unknown>) =>
  scenario({ workload: 'tscdeadline-halt', strategy, samples: 8, set: { timerAdvanceNs: 0, ...set } });
/** The halt-to-delivery part of the last (polling) cycle. */
const lastHalt = (t: ReturnType<typeof halt>['trace']) => {
  const c = deadlineCycles(t).at(-1)!;
  return c.slice(c.findIndex((r) => line(r) === HLT_EXIT));
};

describe('kvm_hv_timer_state around blocking', () => {
  // until 5.7 kvm_exit is traced after the exit bookkeeping; then handle_halt, vmx_pre_block's
  // cancel_hv_timer (pin RMW) and start_sw_tscdeadline
  const switchToSw = C('halt_emulate', 'vmcs_pin_rmw', 'sw_deadline_math', 'hrtimer_start');
  const WAIT = 'kvm_wait_lapic_expire vcpu 0: delta * (late)';

  it('4.12: the switch to the hrtimer is silent, the switch back after the wake-up traces hv_timer 0 (timer pending)', () => {
    expectSteps(lastHalt(halt('vmx-preemption', { kernel: '4.12' }).trace), [
      [HLT_EXIT, null],
      // vmx_pre_block → kvm_lapic_switch_to_sw_timer: cancel (pin RMW), start_sw_tscdeadline
      [HR_START, switchToSw],
      [EXPIRY[0]!, null],
      [EXPIRY[1]!, C('apic_timer_fn')],
      ['kvm_vcpu_wakeup poll time * ns, polling valid', C('clockevent_program', 'halt_poll_wake')],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('post_block_switch_back_pending')],
      [ACCEPT, C('pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
      [WAIT, 0],
    ]);
  });

  it('4.13: start_sw_timer traces hv_timer 0 at the switch before blocking; after the wake-up restart_apic_timer finds the timer pending, untraced', () => {
    const steps13: Step[] = [
      [HLT_EXIT, null],
      [HR_START, switchToSw],
      ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('clockevent_program')],
      [EXPIRY[0]!, null],
      [EXPIRY[1]!, C('apic_timer_fn')],
      ['kvm_vcpu_wakeup poll time * ns, polling valid', C('clockevent_program', 'halt_poll_wake')],
      [ACCEPT, C('post_block_switch_back_pending', 'pending_inject')],
      ['kvm_entry vcpu 0', C('entry_prep')],
      [WAIT, 0],
    ];
    expectSteps(lastHalt(halt('vmx-preemption', { kernel: '4.13' }).trace), steps13);
  });
});

describe('block_switch_common (5.17): the hv ⇄ sw switch in vcpu_block, back only if the hv timer was in use', () => {
  it('hv timer in use before blocking: 5.17 switches and traces hv_timer 0 before polling, as 5.16 did', () => {
    const a = halt('vmx-preemption', { kernel: '5.17' });
    const b = halt('vmx-preemption', { kernel: '5.17', 'mech.block_switch_common': 'off' });
    expect(lastHalt(a.trace).map(line)).toEqual(lastHalt(b.trace).map(line));
    expect(Array.from(a.samples)).toEqual(Array.from(b.samples));
    const seq = lastHalt(a.trace).map((r) => r.event);
    expect(seq.indexOf('kvm_hv_timer_state')).toBeLessThan(seq.indexOf('kvm_vcpu_wakeup'));
  });

  it('a vCPU on the sw timer (posting, no hv timer): 5.16 still tried the hv timer after every wake-up, 5.17 skips the check', () => {
    const run = (set: Record<string, unknown>) => halt('posted-timer', { kernel: '5.17', ...set });
    const wakeToAccept = (t: ReturnType<typeof halt>['trace']) => {
      const c = lastHalt(t);
      const w = c.findIndex((r) => r.event === 'kvm_vcpu_wakeup');
      expect(c[w + 1]!.event).toBe('kvm_apic_accept_irq');
      return c[w + 1]!.t - c[w]!.t;
    };
    expect(wakeToAccept(run({}).trace)).toBe(C('pending_inject'));
    expect(wakeToAccept(run({ 'mech.block_switch_common': 'off' }).trace)).toBe(C('post_block_switch_back_pending', 'pending_inject'));
    // nothing about the hv timer is traced around the block on either: it was never in use
    for (const set of [{}, { 'mech.block_switch_common': 'off' }]) {
      expect(lastHalt(run(set).trace).some((r) => r.event === 'kvm_hv_timer_state')).toBe(false);
    }
  });
});

describe('halt_poll_shrink_halve (6.11): a long block halves the poll window', () => {
  /** Three 30 µs halts grow the window 10 → 20 → 40 µs; then a 300 µs halt outlasts the 200 µs cap. */
  function halts(kernel: string) {
    return halts2(kernel, {});
  }
  function halts2(kernel: string, extra: Record<string, unknown>) {
    const gaps = [30, 30, 30, 30, 300, 30];
    const script: Array<(g: GuestCpu, t: number) => void> = [(g, t) => g.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | 0xef, t)];
    for (const gap of gaps) {
      script.push((g, t) => g.wrmsr(MSR_IA32_TSCDEADLINE, g.rdtsc() + us(gap), t));
      script.push((g) => g.hlt());
    }
    const g = new ScriptedGuest(script, (x) => x.eoiIret(7));
    const s = scriptedSim({ strategy: 'vmx-preemption', set: { kernel, timerAdvanceNs: 0, ...extra } }, g);
    s.runFor(us(700));
    expect(g.interrupts.length).toBe(gaps.length);
    return s.trace().filter((r) => r.event === 'kvm_halt_poll_ns' || r.event === 'kvm_vcpu_wakeup').map(line);
  }

  it('6.10: shrink to 0; 6.11: 40000 → 20000; the wake-ups say poll or wait', () => {
    const grow = [
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 10000 (grow 0)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 20000 (grow 10000)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 40000 (grow 20000)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
      'kvm_vcpu_wakeup poll time * ns, polling valid',
    ];
    const expectLines = (got: string[], want: string[]) => {
      expect(got.length, got.join('\n')).toBe(want.length);
      got.forEach((l, i) => expect(l).toMatch(new RegExp('^' + want[i]!.replace(/[.()]/g, '\\$&').replace(/\*/g, '\\S+') + '$')));
    };
    expectLines(halts('6.10'), [
      ...grow,
      // 300 µs > the 200 µs cap with a window: shrink_halt_poll_ns, halt_poll_ns_shrink = 0
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 0 (shrink 40000)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 10000 (grow 0)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
    ]);
    expectLines(halts('6.11'), [
      ...grow,
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 20000 (shrink 40000)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
      // the 30 µs block after it outlasts 20 µs: grow again
      'kvm_halt_poll_ns vcpu 0: halt_poll_ns 40000 (grow 20000)',
      'kvm_vcpu_wakeup wait time * ns, polling valid',
    ]);
    expect(halts('6.12')).toEqual(halts('6.11'));
    expect(halts2('6.11', { 'mech.halt_poll_shrink_halve': 'off' })).toEqual(halts('6.10'));
  });
});

describe('a vCPU preempted (not blocked) while its hv timer is armed', () => {
  /** Runs the busy workload until the guest spins with a re-armed deadline, then another task takes the pCPU. */
  function preempted(strategy: 'vmx-preemption' | 'hrtimer', kernel: string) {
    const g = new ScriptedGuest([
      (x, t) => x.wrmsr(MSR_X2APIC_LVTT, (APIC_LVT_TIMER_TSCDEADLINE << 17) | 0xef, t),
      (x, t) => x.wrmsr(MSR_IA32_TSCDEADLINE, x.rdtsc() + us(50), t),
      (x) => x.waitForInterrupt(),
    ]);
    const s = scriptedSim({ strategy, set: { kernel, timerAdvanceNs: 0 } }, g);
    const armedAt = s.sim.now;
    // 10 µs later another task preempts the vCPU thread for 100 µs: past the 50 µs deadline
    on_noise_preempt(s.sim, armedAt + us(10), us(100));
    s.runFor(us(200));
    return { s, g, armedAt };
  }

  it('vmx-preemption: no switch on sched-out; the expiry waits for the next entry, where a zero countdown exits at once', () => {
    for (const kernel of ['4.9', '6.1']) {
      const { s, g } = preempted('vmx-preemption', kernel);
      const t = s.trace();
      const i = t.findIndex((r) => r.text.includes('EXTERNAL_INTERRUPT'));
      const mit = kernel === '6.1';
      const entry = kernel === '6.1' ? 'kvm_entry vcpu 0 rip 0x401a2e' : 'kvm_entry vcpu 0';
      const rest = t.slice(i);
      // kvm_arch_vcpu_put leaves the timer alone: no kvm_hv_timer_state, no hrtimer, while preempted
      expect(rest.map((r) => r.event).slice(0, 3)).toEqual(['kvm_exit', 'kvm_entry', 'kvm_exit']);
      expect(line(rest[1]!)).toBe(entry);
      // back on the CPU: the sched_wakeup of the thread, the outer loop, entry
      expect(rest[1]!.t - rest[0]!.t).toBe(us(100) + C('ext_intr_handler', 'sched_wakeup', 'entry_prep') + (kernel === '4.9' ? 0 : C('exit_post', 'host_irq_dispatch')));
      // vmx_arm_hv_timer loads 0 for the passed deadline: PREEMPTION_TIMER right after VMRESUME
      expect(line(rest[2]!)).toBe('kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0');
      expect(rest[2]!.t - rest[1]!.t).toBe(
        C('vcpu_run_prologue', 'hv_arm_per_entry', 'vmentry_hw', 'vmexit_hw') + (mit ? C('mitigation_entry', 'mitigation_exit') : C('exit_post')),
      );
      expect(g.interrupts.length).toBe(1);
    }
  });

  it('hrtimer: the host timer still fires during the preemption and leaves the timer pending; the resumed vCPU injects it with no exit', () => {
    const { s, g } = preempted('hrtimer', '6.1');
    const t = s.trace();
    const i = t.findIndex((r) => r.text.includes('EXTERNAL_INTERRUPT'));
    const ev = t.slice(i).map((r) => r.event);
    expect(ev.slice(0, 6)).toEqual(['kvm_exit', 'hrtimer_expire_entry', 'hrtimer_expire_exit', 'kvm_apic_accept_irq', 'kvm_apicv_accept_irq', 'kvm_entry']);
    expect(t.slice(i).filter((r) => r.event === 'kvm_exit').length).toBe(1);
    expect(g.interrupts.length).toBe(1);
  });
});
