// The host group of New experiment and Sweep: the settings it sends, the defaults it shows, which
// strategies a host refuses (with the reason) and how ticks follow a change of host.
import { describe, expect, it } from 'vitest';
import { defaultHostFields, defaultStrategyTicks, hostDefaults, hostErrors, hostFieldsOf, hostSet, isHostParam, kernelDefaultsOf, reconcileStrategies, strategyStates, strategyTickErrors, ticksAfterHostChange } from '../../../src-renderer/lib/host-setup.js';
import { KNOWN_KERNELS } from '../../../src-shared/kernels.js';
import { builtinProfile } from '../../../src-shared/profiles/index.js';

const P = (name: string) => builtinProfile(name)!;
const refused = (states: ReturnType<typeof strategyStates>) => Object.fromEntries((states ?? []).filter((s) => s.refused).map((s) => [s.strategy, s.refused]));

describe('host fields', () => {
  it('send only what was chosen, and check the kernel as --set does', () => {
    expect(hostSet(defaultHostFields())).toEqual({});
    expect(hostSet({ kernel: ' 6.8 ', apicv: 'off', mitigations: 'on' })).toEqual({ kernel: '6.8', apicv: false, mitigations: true });
    expect(hostErrors({ ...defaultHostFields(), kernel: '4.8' }).kernel).toMatch(/from 4\.9 on/);
    expect(hostErrors({ ...defaultHostFields(), kernel: '6.x' }).kernel).toMatch(/expected a Linux release/);
    expect(hostErrors({ ...defaultHostFields(), kernel: '5.15.106' })).toEqual({});
    expect(() => hostSet({ ...defaultHostFields(), kernel: 'six' })).toThrow(/kernel/);
    expect(['kernel', 'apicv', 'mitigations', 'delta'].map(isHostParam)).toEqual([true, true, true, false]);
  });

  it('show the profile kernel and APICv as the defaults, and when the kernel predates the mitigations', () => {
    expect(hostDefaults(P('EPYC'), '')).toMatchObject({ profileKernel: '6.1', kernel: '6.1', apicv: false, mitigations: true, kernelHasMitigations: true });
    expect(hostDefaults(P('SKX'), '6.8')).toMatchObject({ profileKernel: '5.15', kernel: '6.8', apicv: true });
    expect(hostDefaults(P('SKX'), '6.')).toMatchObject({ kernel: '5.15' }); // half typed: the profile's
    expect(hostDefaults(P('HSW-2016'), '')).toMatchObject({ kernel: '4.9', kernelHasMitigations: false });
  });

  it('offers known releases in release order', () => {
    expect(KNOWN_KERNELS[0]).toBe('4.9');
    expect(KNOWN_KERNELS).toEqual(expect.arrayContaining(['4.19', '5.3', '5.15', '6.1', '6.8', '6.19']));
    expect(KNOWN_KERNELS.indexOf('4.19')).toBeLessThan(KNOWN_KERNELS.indexOf('5.3'));
    expect(KNOWN_KERNELS.indexOf('6.8')).toBeLessThan(KNOWN_KERNELS.indexOf('6.10'));
  });
});

describe('strategy availability', () => {
  it('refuses the preemption timer on EPYC and posting before 5.3, with the reason', () => {
    const epyc = refused(strategyStates(P('EPYC'), [{}]));
    expect(Object.keys(epyc).sort()).toEqual(['apic-timer-virt', 'vmx-preemption']);
    expect(epyc['vmx-preemption']).toMatch(/AMD SVM has no preemption timer/);
    const hsw = refused(strategyStates(P('HSW-2016'), [{}]));
    expect(Object.keys(hsw)).toEqual(['posted-timer']);
    expect(hsw['posted-timer']).toMatch(/arrived in 5\.3; kernel 4\.9/);
    expect(refused(strategyStates(P('HSW-2016'), [{ kernel: '5.3' }]))).toEqual({});
    expect(Object.keys(refused(strategyStates(P('SKX'), [{ apicv: false }])))).toEqual(['apic-timer-virt']);
  });

  it('ticks by default what the host can run, proposals left out', () => {
    const ticks = (name: string, set = {}) => Object.entries(defaultStrategyTicks(strategyStates(P(name), [set]))).filter(([, on]) => on).map(([s]) => s);
    expect(ticks('HSW-2016')).toEqual(['hrtimer', 'vmx-preemption']);
    expect(ticks('SKX')).toEqual(['hrtimer', 'vmx-preemption', 'posted-timer']);
    expect(ticks('EPYC')).toEqual(['hrtimer', 'posted-timer']);
    expect(ticks('SKX', { kernel: '4.9' })).toEqual(['hrtimer', 'vmx-preemption']);
  });

  it('refuses for a sweep what any swept kernel refuses, naming that kernel', () => {
    const states = strategyStates(P('SKX'), [{ kernel: '4.9' }, { kernel: '5.15' }, { kernel: '6.8' }]);
    expect(refused(states)).toEqual({ 'posted-timer': expect.stringMatching(/^kernel 4\.9: pi_inject_timer arrived in 5\.3/) });
  });

  it('knows nothing refused while a setting is bad or no profile is loaded', () => {
    expect(strategyStates(P('SKX'), [{ kernel: 'x' }])).toBeNull();
    expect(strategyStates(null, [{}])).toBeNull();
    expect(defaultStrategyTicks(null)).toEqual({ hrtimer: true, 'vmx-preemption': true, 'posted-timer': true, 'apic-timer-virt': false });
  });

  it('unticks a ticked strategy the new host refuses, with a note; leaves the rest alone', () => {
    const ticks = { hrtimer: true, 'vmx-preemption': true, 'posted-timer': false, 'apic-timer-virt': false };
    const { ticks: after, notes } = reconcileStrategies(ticks, strategyStates(P('EPYC'), [{}]), 'EPYC 6.1');
    expect(after).toEqual({ hrtimer: true, 'vmx-preemption': false, 'posted-timer': false, 'apic-timer-virt': false });
    expect(notes).toEqual([expect.stringMatching(/^VMX preemption timer unticked: EPYC 6\.1 cannot run it \(AMD SVM/)]);
    expect(reconcileStrategies(ticks, strategyStates(P('SKX'), [{}]), 'SKX 5.15')).toEqual({ ticks, notes: [] });
    expect(reconcileStrategies(ticks, null, 'SKX 6.')).toEqual({ ticks, notes: [] });
  });
});

describe('ticks after a change of host', () => {
  const ticks = { hrtimer: true, 'vmx-preemption': true, 'posted-timer': false, 'apic-timer-virt': false };

  it('untick what the new host refuses and append the note, keeping the latest four', () => {
    const earlier = ['a', 'b', 'c', 'd'];
    const after = ticksAfterHostChange(ticks, earlier, strategyStates(P('EPYC'), [{}]), 'EPYC 6.1');
    expect(after?.ticks).toEqual({ ...ticks, 'vmx-preemption': false });
    expect(after?.notes).toEqual(['b', 'c', 'd', expect.stringMatching(/^VMX preemption timer unticked: EPYC 6\.1 cannot run it/)]);
    expect(ticksAfterHostChange(ticks, earlier, strategyStates(P('SKX'), [{}]), 'SKX 5.15')).toBeNull();
  });

  it('name the strategies field: none ticked, or a ticked one the host refuses', () => {
    const none = { hrtimer: false, 'vmx-preemption': false, 'posted-timer': false, 'apic-timer-virt': false };
    expect(strategyTickErrors(none, null, 'SKX 5.15')).toEqual({ strategies: 'pick at least one strategy' });
    expect(strategyTickErrors(ticks, strategyStates(P('SKX'), [{}]), 'SKX 5.15')).toEqual({});
    expect(strategyTickErrors(ticks, strategyStates(P('EPYC'), [{}]), 'EPYC 6.1').strategies).toMatch(/^vmx-preemption cannot run on EPYC 6\.1: AMD SVM/);
  });
});

describe('a stored run as host fields', () => {
  it('leave at default what equals the profile, and what a sweep varied', () => {
    expect(hostFieldsOf({ kernel: '5.15', apicv: true, mitigations: true }, P('SKX'))).toEqual(defaultHostFields());
    expect(hostFieldsOf({ kernel: '6.8', apicv: false, mitigations: false }, P('SKX'))).toEqual({ kernel: '6.8', apicv: 'off', mitigations: 'off' });
    expect(hostFieldsOf({ kernel: '6.1', apicv: true, mitigations: true }, P('EPYC'))).toEqual({ kernel: '', apicv: 'on', mitigations: 'default' });
    expect(hostFieldsOf({ kernel: '6.8', apicv: false, mitigations: false }, P('SKX'), ['kernel', 'mitigations'])).toEqual({ kernel: '', apicv: 'off', mitigations: 'default' });
  });
});

describe('kernel defaults of the form', () => {
  it('gives the advance and halt-poll defaults of the typed release', () => {
    expect(kernelDefaultsOf('4.9')).toEqual({ timerAdvanceNs: 0, haltPollNs: 400_000 });
    expect(kernelDefaultsOf('4.20')).toEqual({ timerAdvanceNs: 1000, haltPollNs: 200_000 });
    expect(kernelDefaultsOf('6.1')).toEqual({ timerAdvanceNs: -1, haltPollNs: 200_000 });
    expect(kernelDefaultsOf('6.1', { advance_per_vcpu: false })?.timerAdvanceNs).toBe(1000);
    expect(kernelDefaultsOf('six')).toBeNull();
  });
});
