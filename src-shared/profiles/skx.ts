/**
 * SKX: Skylake-SP Xeon (Gold 6148, 2.4 GHz; Cascade Lake behaves alike), Linux 5.15 by default,
 * APICv on, the 2019–2020 default mitigations (retpolines, L1D flush "cond", VERW on entry).
 * Costs in host TSC cycles. The exit and entry transitions have no public SKX split, so they
 * keep HSW-2016's; what is SKX's own is listed with its source.
 *
 * Calibrated on ONE end-to-end figure: kvm-unit-tests vmexit `tscdeadline_immed` = 3028.5 cycles
 * on an SKX server (APICv, no advance, before the 2020 fastpath; Wanpeng Li, "[PATCH v4 0/7] KVM:
 * VMX: Tscdeadline timer emulation fastpath", 2020-04-28). It fixes `mitigation_entry`, the
 * mitigation work the 2017 Haswell round trip did not have. Every other published figure is a
 * check (README).
 * Pure data; must not import anything but src-shared.
 */
import type { Profile } from '../profile.js';
import { deriveCosts } from './derive.js';
import { HSW_2016 } from './hsw-2016.js';

export const SKX: Profile = {
  name: 'SKX',
  description:
    'Skylake-SP Xeon Gold 6148 (2.4 GHz), Linux 5.15, APICv, default mitigations, X = 5; calibrated on vmexit tscdeadline_immed = 3028.5 cycles (Wanpeng Li, 2020)',
  tsc_khz: 2_400_000,
  X: 5,
  vendor: 'intel',
  defaultKernel: '5.15',
  apicv: true,
  costs: deriveCosts(HSW_2016, {
    sched_wakeup: { cycles: 7200, basis: 'judgement from B6 ("a few micro-seconds" through the scheduler): 3 µs × 2.4 GHz' },
    cstate_exit: { cycles: 4800, basis: 'intel_idle skx_cstates C1 exit_latency 2 µs × 2.4 GHz (the governor\'s worst case; a real C1 exit is often faster)' },
    ipi_latency: {
      cycles: 2300,
      basis: 'derived: vmexit ipi 3293 cycles on SKX (Wanpeng Li, "Ultra fast single target IPI fastpath", 2020) − the sender\'s fastpath exit ≈693 (SPR IPIv figure) − target ISR/EOI ≈300 (judgement)',
    },
    mitigation_exit: { cycles: 100, basis: 'judgement: RSB fill and SPEC_CTRL save after VM exit (no public per-exit figure)' },
    mitigation_entry: {
      cycles: 318,
      basis: 'calibrated: vmexit tscdeadline_immed = 3028.5 on SKX (2020, APICv, no advance, slow path) with every other cost fixed (L1D flush cond, VERW, SPEC_CTRL restore before VM entry)',
    },
  }),
};
