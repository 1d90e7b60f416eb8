/**
 * Published end-to-end figures, each tied to the run that models it. One per profile is that
 * profile's calibration (named in its description); every other one is a check, reported beside
 * the model's value and never tuned to. The README's table of checks is generated from this list
 * (tests/bench/host-table.ts), so a figure and its run cannot drift apart.
 * Must not import anything but other src-shared modules.
 */
import type { Strategy } from './strategies.js';
import type { Workload } from './workloads.js';

export interface PublishedFigure {
  id: string;
  profile: string;
  workload: Workload;
  strategy: Strategy;
  /** Run settings of the measurement (kernel, advance, APICv…). */
  set: Record<string, string | number>;
  /** The published mean, in guest TSC cycles (per sample or per iteration, as the workload measures). */
  cycles: number;
  role: 'calibration' | 'check';
  /** What was measured, on which host, and where it was published. */
  source: string;
}

const WANPENG_2020 = 'Wanpeng Li, "[PATCH v4 0/7] KVM: VMX: Tscdeadline timer emulation fastpath", kvm list 2020-04-28 (SKX server, APICv)';
const WANPENG_2020_V1 = 'Wanpeng Li, "[PATCH 0/2] KVM: VMX: Tscdeadline timer emulation fastpath", kvm list 2020-04-21 (SKX server)';
const SEED = 'the 2016 patch, commit ce7a058a2117 (Haswell, tscdeadline_latency)';
const KUT_2017 = 'kvm-unit-tests cfbd129c, 2017-06-29 (Haswell Xeon, vmexit.flat)';

/** Guest TSC cycles of a figure published in ns on a host whose TSC runs at `ghz`. */
const cyclesAt = (ns: number, ghz: number): number => Math.round(ns * ghz);

export const PUBLISHED_FIGURES: readonly PublishedFigure[] = [
  { id: 'T1-busy-hrtimer', profile: 'HSW-2016', workload: 'tscdeadline-busy', strategy: 'hrtimer', set: {}, cycles: 3200, role: 'calibration', source: `${SEED}: hrtimer ≈3200` },
  { id: 'T1-busy-vmx', profile: 'HSW-2016', workload: 'tscdeadline-busy', strategy: 'vmx-preemption', set: {}, cycles: 2400, role: 'check', source: `${SEED}: −≈800 busy-waiting` },
  { id: 'T1-halt-vmx', profile: 'HSW-2016', workload: 'tscdeadline-halt', strategy: 'vmx-preemption', set: {}, cycles: 3220, role: 'check', source: `${SEED}: +≈20 halting` },
  { id: 'T3-hrtimer', profile: 'HSW-2016', workload: 'vmexit-tscdeadline', strategy: 'hrtimer', set: {}, cycles: 6800, role: 'check', source: `${KUT_2017}: tscdeadline, hrtimer` },
  { id: 'T3-vmx', profile: 'HSW-2016', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: {}, cycles: 5600, role: 'check', source: `${KUT_2017}: tscdeadline, preemption timer` },
  { id: 'T4-4.9', profile: 'HSW-2016', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: {}, cycles: 3700, role: 'check', source: `${KUT_2017}: tscdeadline_immed with the extra zero-countdown exit` },
  { id: 'T4-4.13', profile: 'HSW-2016', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel: '4.13', mitigations: 'off' }, cycles: 2500, role: 'check', source: `${KUT_2017}: tscdeadline_immed without it (expired deadline injected at once)` },
  { id: 'E2a-slow', profile: 'SKX', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: 0 }, cycles: 3028.5, role: 'calibration', source: `${WANPENG_2020}: tscdeadline_immed before the fastpath` },
  { id: 'E2a-fast', profile: 'SKX', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: 0 }, cycles: 2494.75, role: 'check', source: `${WANPENG_2020}: tscdeadline_immed with the fastpath` },
  { id: 'E2b-slow', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: 0 }, cycles: 5765.7, role: 'check', source: `${WANPENG_2020}: tscdeadline before the fastpath` },
  { id: 'E2b-fast', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: 0 }, cycles: 5285, role: 'check', source: `${WANPENG_2020}: tscdeadline with the fastpath` },
  { id: 'E2b-adaptive-slow', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: -1 }, cycles: 4663.75, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline, adaptive advance, before the fastpath` },
  { id: 'E2b-adaptive-fast', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: -1 }, cycles: 4537, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline, adaptive advance, with the fastpath` },
  { id: 'E2c-immed-slow', profile: 'SKX', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: 0, apicv: 'off' }, cycles: 4780.75, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline_immed without APICv, before the fastpath` },
  { id: 'E2c-immed-fast', profile: 'SKX', workload: 'vmexit-tscdeadline-immed', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: 0, apicv: 'off' }, cycles: 3851, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline_immed without APICv, with the fastpath` },
  { id: 'E2c-slow', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: 0, apicv: 'off' }, cycles: 7474, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline without APICv, before the fastpath` },
  { id: 'E2c-fast', profile: 'SKX', workload: 'vmexit-tscdeadline', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: 0, apicv: 'off' }, cycles: 6528.5, role: 'check', source: `${WANPENG_2020_V1}: tscdeadline without APICv, with the fastpath` },
  { id: 'E1-slow', profile: 'SKX', workload: 'cyclictest', strategy: 'vmx-preemption', set: { kernel: '5.7', timerAdvanceNs: -1 }, cycles: cyclesAt(5632.75, 2.4), role: 'check', source: `${WANPENG_2020_V1}: guest cyclictest average 5632.75 ns at 2.4 GHz, adaptive advance, before the fastpath (interval not given; modelled at 1000 µs)` },
  { id: 'E1-fast', profile: 'SKX', workload: 'cyclictest', strategy: 'vmx-preemption', set: { kernel: '5.8', timerAdvanceNs: -1 }, cycles: cyclesAt(4559.25, 2.4), role: 'check', source: `${WANPENG_2020_V1}: guest cyclictest average 4559.25 ns at 2.4 GHz, with the fastpath` },
];
