// Detection on the real host trace excerpt (read from ../shared/samples, never copied): the
// VMX preemption timer, a halting guest, kvm_hv_timer_state traced before the vCPU blocks (the
// post-4.9 placement), and the kernel releases the event placement allows. A short excerpt
// calibrates with wide intervals and says so, simulated on the newest release the placement allows. And on the lab's own traces: the engine's 4.9
// placement is recognised as such.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samplePath } from '../../samples.js';
import { calibrate, DEFAULT_PROFILE, inputsOf, quickOptions, simulatedFiles } from './helpers.js';

const EXCERPT = readFileSync(samplePath('trace-cmd-report-host-kvm-hv-timer-excerpt.txt'), 'utf8');

describe('the real host trace excerpt', () => {
  it('is the VMX preemption timer with a halting guest and the post-4.9 kvm_hv_timer_state placement', async () => {
    const { result } = await calibrate(await inputsOf({ trace: EXCERPT }), quickOptions({ bootstrap: 30, modelCycles: 100 }));
    const d = result.detected;
    expect(d.strategy).toBe('vmx-preemption');
    expect(d.guest).toBe('halt');
    expect(d.hvTimerStatePlacement).toBe('before-block');
    const m3 = d.mechanisms.find((m) => m.id === 'M3')!;
    expect(m3.present).toBe(true);
    expect(m3.releases).toBe('4.13 or later');
    // kvm_apicv_accept_irq (5.17+), kvm_wait_lapic_expire at entry (not 5.3–5.18), shrink to 0 (≤ 6.10)
    expect(d.kernel?.releases).toBe('5.19–6.10');
    expect(d.vcpu).toMatchObject({ thread: 150750, vcpu: 0, cpu: 19 });
    expect(d.resolutionNs).toBe(1000);
    expect(d.haltPoll?.slept).toBe(3);
    expect(d.tsc.basis).toBe('estimated');
    // four timer cycles: wide intervals, said plainly
    expect(result.warnings.some((w) => /only 4 timer cycles: the intervals are wide/.test(w))).toBe(true);
    expect(Object.values(result.costs).some((c) => c.determined)).toBe(false);
    // the base's own 4.9 is outside that range: the simulations run the newest release it allows,
    // so the scenario has the trace's events in the trace's order
    expect(d.settings.kernel).toBe('6.10');
    expect(d.kernelGiven).toMatchObject({ release: '6.10', simulated: true });
    expect(d.kernelGiven?.note).toMatch(/newest release the trace's event placement allows \(5\.19–6\.10\)/);
    expect(result.goodness.poor.some((p) => /never occur in the simulated scenario/.test(p))).toBe(false);
  });
});

describe("the lab's own traces", () => {
  it('shows the 4.9 placement: kvm_hv_timer_state at unblock', async () => {
    const files = simulatedFiles({ workload: 'tscdeadline-halt', strategy: 'vmx-preemption', profile: DEFAULT_PROFILE, samples: 200, ts: 'ns' });
    const { result } = await calibrate(await inputsOf(files), quickOptions({ bootstrap: 20, modelCycles: 100 }));
    expect(result.detected.hvTimerStatePlacement).toBe('at-unblock');
    expect(result.detected.kernel?.max).toBe('4.12');
    expect(result.detected.settings.delta).toBeGreaterThan(199_000);
    expect(result.detected.settings.delta).toBeLessThan(201_000);
  });

  it('tells hrtimer from the preemption timer, and a busy guest from a halting one', async () => {
    const files = simulatedFiles({ workload: 'tscdeadline-busy', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 200, ts: 'us' });
    const { result } = await calibrate(await inputsOf(files), quickOptions({ bootstrap: 20, modelCycles: 100 }));
    expect(result.detected.strategy).toBe('hrtimer');
    expect(result.detected.guest).toBe('busy');
    expect(result.detected.hvTimerStatePlacement).toBe('none');
  });

  it('recognises cyclictest: two deadline writes per cycle, its interval and idle mode', async () => {
    const files = simulatedFiles({ workload: 'cyclictest', strategy: 'hrtimer', profile: DEFAULT_PROFILE, samples: 250, ts: 'ns', set: { interval: 200, guestIdle: 'poll' } });
    const { result } = await calibrate(await inputsOf({ trace: files.trace }), quickOptions({ bootstrap: 20, modelCycles: 100 }));
    expect(result.detected.workload).toBe('cyclictest');
    expect(result.detected.settings).toMatchObject({ interval: 200, guestIdle: 'poll' });
    expect(result.detected.workloadEvidence).toMatch(/2\.00 per cycle: a guest kernel reprogramming its clock event/);
    expect(result.goodness.poor).toEqual([]);
  });
});
