/**
 * SPR: Sapphire Rapids Xeon Platinum 8480+ (2.0 GHz; Emerald Rapids uses the same idle table),
 * Linux 6.8 by default, APICv (and IPI virtualization), eIBRS: no L1D flush and no VERW, so the
 * mitigation work per round trip is small. Costs in host TSC cycles.
 *
 * No end-to-end timer figure with cycles was found for SPR, so nothing is calibrated: the exit
 * and entry costs come from the vmexit `ipi` cells of the IPI-virtualization series (Zeng Guang et
 * al., "[PATCH v7 0/8] IPI virtualization support for VM", 2022-03-04): x2APIC 4337.85 → 3644.8
 * cycles without → with IPIv, one fastpath WRMSR round trip ≈ 693; xAPIC 6059 → 4713.1, one
 * slow-path round trip ≈ 1346. Not modelled: the BHI_DIS_S SPEC_CTRL toggle of ≥6.9 hosts whose
 * guests run another SPEC_CTRL value (≈500 cycles per round trip, Jon Kohler 2024).
 * Pure data; must not import anything but src-shared.
 */
import type { Profile } from '../profile.js';
import { deriveCosts } from './derive.js';
import { HSW_2016 } from './hsw-2016.js';

const IPIV = 'derived from the IPIv vmexit ipi cells (x2APIC fastpath round trip 693 = 2 transitions + ≈90 handler; xAPIC slow path 1346)';

export const SPR: Profile = {
  name: 'SPR',
  description: 'Sapphire Rapids Xeon Platinum 8480+ (2.0 GHz), Linux 6.8, APICv, eIBRS, X = 5; no end-to-end calibration',
  tsc_khz: 2_000_000,
  X: 5,
  vendor: 'intel',
  defaultKernel: '6.8',
  apicv: true,
  costs: deriveCosts(HSW_2016, {
    vmexit_hw: { cycles: 300, basis: `${IPIV}: (693 − 90) / 2, the split judgement` },
    vmentry_hw: { cycles: 300, basis: `${IPIV}: (693 − 90) / 2, the split judgement` },
    exit_post: { cycles: 120, basis: `${IPIV}: slow − fast ≈ 650, less ≈150 of xAPIC emulation, split 120 : 380 as HSW-2016's 100 : 300` },
    entry_prep: { cycles: 190, jitter: 0.08, basis: `${IPIV}: half of the 380 of entry code (see exit_post)` },
    vcpu_run_prologue: { cycles: 190, jitter: 0.08, basis: `${IPIV}: the other half of the 380 of entry code` },
    clockevent_program: { cycles: 300, basis: 'judgement: HSW-2016 250 + ≈50 for the mfence; lfence before the host TSC_DEADLINE WRMSR on Intel (weak_wrmsr_fence, 6.x)' },
    sched_wakeup: { cycles: 6000, basis: 'judgement from B6 ("a few micro-seconds" through the scheduler): 3 µs × 2.0 GHz' },
    cstate_exit: { cycles: 2000, basis: 'intel_idle spr_cstates C1 exit_latency 1 µs × 2.0 GHz' },
    ipi_latency: { cycles: 3200, basis: 'derived: vmexit ipi with IPIv 3644.8 (no exit on either side) − ≈400 of target ISR/EOI and the flag back (judgement)' },
    mitigation_exit: { cycles: 100, basis: 'judgement: PBRSB RSB fill and the SPEC_CTRL read after VM exit (eIBRS host)' },
    mitigation_entry: { cycles: 50, basis: 'judgement: SPEC_CTRL restore before VM entry; eIBRS parts need no L1D flush or VERW' },
  }),
};
