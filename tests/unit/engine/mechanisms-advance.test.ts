/**
 * The LAPIC timer advance, release by release: advance on the hv timer (4.18), one-time global
 * tuning (4.20), the per-vCPU adaptive value (5.1), reset instead of disable (5.3), continuous
 * tuning with a dead band (5.4), the bool parameter (6.10). The advance each delivery leaves
 * behind is read from the simulation and compared with the kernel's arithmetic for that release
 * (constants of lapic.c: step 1/8, done below 100 cycles, 5.4+ dead band [100, 10000] cycles,
 * 5000 ns cap, 1000 ns start). Zero jitter, HSW-2016 costs.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src-shared/config.js';
import { DEFAULT_PROFILE } from '../../../src-main/engine/index.js';
import { costs, deadlineCycles, delta, expectSteps, perDelivery, scenario, scenarioConfig } from './kernel-scenarios.js';

const C = costs();
const KHZ = DEFAULT_PROFILE.tsc_khz;
const nsOf = (cycles: number) => Math.floor((cycles * 1_000_000) / KHZ);
/** vmexit.c tscdeadline_immed: every deadline is already 1870 cycles late when it is delivered (5.1–5.2 path). */
const immed = (kernel: string, set: Record<string, unknown> = {}) =>
  ({ workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel, ...set } }) as const;
const advanceAfter = (r: Parameters<typeof perDelivery>[0], n: number) =>
  perDelivery(r, n, (sim) => ({ advance: sim.advance.timer_advance_ns, tuning: sim.advance.tuning }));
/** The lateness every immed delivery sees at the spin (the same each time: the deadline is rdtsc()). */
const immedDelta = (r: ReturnType<typeof immed>) => {
  const ds = scenario({ ...r, samples: 4 }).trace.filter((x) => x.event === 'kvm_wait_lapic_expire').map(delta);
  expect(new Set(ds).size).toBe(1);
  expect(ds[0]).toBeGreaterThan(100);
  return ds[0]!;
};

describe('hv_advance (4.18): the preemption timer fires timer_advance_ns early too', () => {
  const busy = (kernel: string, set: Record<string, unknown> = {}) =>
    scenario({ workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 5, set: { kernel, timerAdvanceNs: 1000, ...set } });
  // ≤5.2 the spin sits right after trace_kvm_entry: the rest of vmx_vcpu_run follows it
  const afterSpin = C('vcpu_run_prologue', 'mitigation_entry', 'vmentry_hw', 'guest_deliver');

  it('4.17: only the hrtimer is advanced, the hv timer delivers late and nothing spins', () => {
    const r = busy('4.17');
    expect(Array.from(r.samples)).toEqual(Array.from(busy('4.17', { timerAdvanceNs: 0 }).samples));
    for (const w of r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire')) expect(delta(w)).toBeGreaterThan(0);
    expect(r.summary.spinCyclesPerTimerEvent).toBe(0);
  });

  it('4.18: vmx_set_hv_timer subtracts the advance, wait_lapic_expire spins to the deadline, the sample is the tail after the spin', () => {
    const r = busy('4.18');
    const cs = deadlineCycles(r.trace).slice(1);
    expect(cs.length).toBeGreaterThanOrEqual(3);
    cs.forEach((c, k) => {
      expectSteps(c, [
        ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', null],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 1', C('wrmsr_dispatch', 'hrtimer_cancel', 'hv_set_math', 'vmcs_pin_rmw', 'hrtimer_cancel')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_entry vcpu 0', C('entry_prep')],
        ['kvm_exit reason PREEMPTION_TIMER rip 0x401a2e info 0 0', null],
        ['kvm_apic_accept_irq apicid 0 vec 239 (Fixed|edge)', C('hv_handler', 'pending_inject')],
        ['kvm_entry vcpu 0', C('entry_prep')],
        ['kvm_wait_lapic_expire vcpu 0: delta * (early)', 0],
      ]);
      const d = delta(c[c.length - 1]!);
      // fired early by at most the advance (2600 cycles) less the exit/injection path
      expect(-d).toBeLessThan(2600);
      expect(r.samples[k]).toBe(afterSpin);
    });
    expect(r.summary.spinCyclesPerTimerEvent).toBeGreaterThan(0);
    const off = busy('4.18', { 'mech.hv_advance': 'off' });
    expect(Array.from(off.samples)).toEqual(Array.from(busy('4.17').samples));
  });
});

describe('advance_autotune (4.20): default 1000 ns, tuned until the error is below 100 cycles, then never again', () => {
  it('4.19 defaults to no advance; 4.20 to 1000 ns, moved by min(ns, advance/8) per delivery until done', () => {
    expect(scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '4.19' } }).params.timerAdvanceNs).toBe(0);
    expect(scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '4.20' } }).params.timerAdvanceNs).toBe(1000);
    const r = { workload: 'tscdeadline-busy', strategy: 'hrtimer', set: { kernel: '4.20' } } as const;
    const deltas = perDelivery(r, 6, (sim) => delta(sim.trace!.records.filter((x) => x.event === 'kvm_wait_lapic_expire').at(-1)!));
    const after = advanceAfter(r, 6);
    // replay the 4.20 arithmetic (wait_lapic_expire): the delta before the spin decides the step
    let adv = 1000;
    let done = false;
    deltas.forEach((d, k) => {
      if (!done) {
        const ns = nsOf(Math.abs(d));
        adv += (d < 0 ? -1 : 1) * Math.min(ns, Math.floor(adv / 8));
        if (Math.abs(d) < 100) done = true;
      }
      expect(after[k]).toEqual({ advance: adv, tuning: !done });
    });
    expect(done).toBe(true);
    expect(after[0]!.advance).not.toBe(1000); // the first delivery was early by more than 100 cycles
  });

  it('mech.advance_autotune=off on 4.20 gives the 4.19 default (no advance)', () => {
    const c = scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '4.20', 'mech.advance_autotune': 'off' } });
    expect(c.params.timerAdvanceNs).toBe(0);
  });
});

describe('advance_per_vcpu (5.1): -1 = adaptive per vCPU; tuned above 5000 ns it is disabled', () => {
  it('-1 is refused before 5.1 (naming the field); 5.1 defaults to it', () => {
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '5.0', timerAdvanceNs: -1 } })).toThrow(ConfigError);
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '5.0', timerAdvanceNs: -1 } })).toThrow(/^timerAdvanceNs: .*5\.1/);
    expect(scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '5.1' } }).params.timerAdvanceNs).toBe(-1);
    // switched off, 5.1 falls back to the 4.20 default instead of refusing its own
    expect(scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '5.1', 'mech.advance_per_vcpu': 'off' } }).params.timerAdvanceNs).toBe(1000);
  });

  it('an always-late deadline drives the advance up by advance/8 per delivery; past 5000 ns 5.1 sets it to 0 and stops', () => {
    // every delivery is d cycles late (1870, 719 ns): the step is min(ns, advance/8)
    const d = immedDelta(immed('5.1'));
    expect(d).toBe(1870);
    const after = advanceAfter(immed('5.1'), 20);
    let adv = 1000;
    let tuning = true;
    let disabledAt = -1;
    after.forEach((a, k) => {
      if (tuning) {
        adv += Math.min(nsOf(d), Math.floor(adv / 8));
        if (adv > 5000) {
          adv = 0;
          tuning = false;
          disabledAt = k;
        }
      }
      expect(a).toEqual({ advance: adv, tuning });
    });
    expect(disabledAt).toBeGreaterThan(5);
    // with the advance at 0 the entry no longer calls wait_lapic_expire: no more traces, no tuning cost
    const r = scenario({ ...immed('5.1'), samples: 20 });
    expect(r.trace.filter((x) => x.event === 'kvm_wait_lapic_expire').length).toBe(disabledAt + 1);
    // iteration k holds delivery k: the last tuned one still pays adjust_lapic_timer_advance
    expect(r.samples[disabledAt]! - r.samples[disabledAt + 1]!).toBe(C('lapic_expire_adjust'));
    expect(r.samples[disabledAt + 1]).toBe(r.samples[disabledAt + 2]);
  });

  it('5.0 (one global tuning, 4.20 form) has no cap: the advance keeps growing', () => {
    const after = advanceAfter(immed('5.0', { timerAdvanceNs: 1000 }), 20);
    expect(after.at(-1)!.advance).toBeGreaterThan(5000);
    expect(after.every((a) => a.tuning)).toBe(true);
  });

  it('start_sw_tscdeadline: a deadline within the advance expires at once (5.1); 5.0 arms an hrtimer in the past', () => {
    // vmexit.c tscdeadline with rdtsc()+2000: 769 ns away, inside the 1000 ns advance
    const run = (kernel: string) =>
      scenario({ workload: 'vmexit-tscdeadline', strategy: 'hrtimer', samples: 3, set: { kernel, vmexitDelta: 2000, timerAdvanceNs: 1000 } });
    const newer = run('5.1');
    const c = deadlineCycles(newer.trace).slice(1);
    for (const x of c) {
      expectSteps(x, [
        ['kvm_exit reason MSR_WRITE rip 0x4019c7 info 0 0', null],
        ['kvm_hv_timer_state vcpu_id 0 hv_timer 0', C('wrmsr_dispatch', 'hrtimer_cancel', 'sw_deadline_math')],
        ['kvm_msr msr_write 6e0 = *', 0],
        ['kvm_apic_accept_irq apicid 0 vec 238 (Fixed|edge)', C('pending_inject')],
        ['kvm_entry vcpu 0', C('entry_prep')],
        ['kvm_wait_lapic_expire vcpu 0: delta * (early)', 0],
      ]);
    }
    const older = run('5.0');
    expect(deadlineCycles(older.trace).slice(1).every((x) => x.some((r) => r.event === 'hrtimer_start') && x.some((r) => r.text.includes('EXTERNAL_INTERRUPT')))).toBe(true);
  });
});

describe('advance_reset (5.3): tuned above 5000 ns the advance restarts at 1000 ns', () => {
  it('5.3 resets to 1000 and keeps tuning; mech.advance_reset=off disables it as 5.1–5.2 do', () => {
    const d = immedDelta(immed('5.3'));
    const replay = (reset: boolean, n: number) => {
      const out: Array<{ advance: number; tuning: boolean }> = [];
      let adv = 1000;
      let tuning = true;
      for (let k = 0; k < n; k++) {
        if (tuning) {
          adv += Math.min(nsOf(d), Math.floor(adv / 8));
          if (adv > 5000) {
            if (reset) adv = 1000;
            else {
              adv = 0;
              tuning = false;
            }
          }
        }
        out.push({ advance: adv, tuning });
      }
      return out;
    };
    expect(advanceAfter(immed('5.3'), 30)).toEqual(replay(true, 30));
    expect(advanceAfter(immed('5.3', { 'mech.advance_reset': 'off' }), 30)).toEqual(replay(false, 30));
    expect(replay(true, 30).filter((a) => a.advance === 1000).length).toBeGreaterThan(0); // a reset happened
  });
});

describe('advance_continuous (5.4): tuning never stops; errors outside [100, 10000] cycles are ignored', () => {
  it('an error inside [100, 10000] moves the advance by ns/8 each time (no advance/8 cap), above 5000 ns back to 1000', () => {
    const d = immedDelta(immed('5.4'));
    const after = advanceAfter(immed('5.4'), 60);
    let adv = 1000;
    let resets = 0;
    for (const a of after) {
      adv += Math.floor(nsOf(d) / 8);
      if (adv > 5000) {
        adv = 1000;
        resets++;
      }
      expect(a).toEqual({ advance: adv, tuning: true });
    }
    expect(resets).toBe(1);
  });

  it('a converged error below 100 cycles: 5.3 is done and stops paying for tuning, 5.4 keeps calling adjust_lapic_timer_advance', () => {
    const r = { workload: 'tscdeadline-busy', strategy: 'hrtimer' } as const;
    const a53 = advanceAfter({ ...r, set: { kernel: '5.3' } }, 8);
    const a54 = advanceAfter({ ...r, set: { kernel: '5.4' } }, 8);
    expect(a53.at(-1)!.tuning).toBe(false);
    expect(a54.every((a) => a.tuning)).toBe(true);
    // 5.4 ignored every error (all within the dead band here): the advance never moved from 1000
    expect(a54.every((a) => a.advance === 1000)).toBe(true);
    const s53 = scenario({ ...r, samples: 8, set: { kernel: '5.3' } }).summary;
    const s54 = scenario({ ...r, samples: 8, set: { kernel: '5.4' } }).summary;
    expect(s53.criticalPath.lapic_expire_adjust ?? 0).toBeLessThan(C('lapic_expire_adjust'));
    expect(s54.criticalPath.lapic_expire_adjust).toBe(C('lapic_expire_adjust'));
  });
});

describe('advance_bool (6.10): adaptive or off', () => {
  it('a fixed advance is refused from 6.10 naming the field; -1 and 0 are accepted; 6.9 still takes a fixed value', () => {
    const cfg = (kernel: string, v: number) => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel, timerAdvanceNs: v } });
    expect(() => cfg('6.10', 500)).toThrow(/^timerAdvanceNs: .*6\.10/);
    expect(cfg('6.10', -1).params.timerAdvanceNs).toBe(-1);
    expect(cfg('6.10', 0).params.timerAdvanceNs).toBe(0);
    expect(cfg('6.9', 500).params.timerAdvanceNs).toBe(500);
    expect(() => scenarioConfig({ workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 1, set: { kernel: '6.10', 'mech.advance_bool': 'off', timerAdvanceNs: 500 } })).not.toThrow();
  });
});
