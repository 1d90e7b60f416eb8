/**
 * EPYC: AMD Zen 3 (EPYC 7763 "Milan", TSC 2.445 GHz), Linux 6.1 by default, AVIC off (kvm_amd's
 * default), default mitigations (retpolines with RSB filling; SPEC_CTRL switched by VMRUN's
 * V_SPEC_CTRL). SVM has no preemption timer, so vmx-preemption and apic-timer-virt are refused;
 * hrtimer is what every AMD host runs, and posted-timer needs AVIC. Costs in host TSC cycles.
 *
 * No end-to-end timer figure was found for any EPYC, so nothing is calibrated. The world switch
 * comes from Michael Roth's trace of a `hlt` loop on "a recent EPYC" (Dec 2020, "[PATCH v2] KVM:
 * SVM: use vmsave/vmload for saving/restoring additional host state"): pre-VMRUN → post-VMRUN
 * +1344…1376 cycles, ioctl entry → VMRUN +560…576, VMRUN → ioctl exit +576…656.
 * Pure data; must not import anything but src-shared.
 */
import type { Profile } from '../profile.js';
import { deriveCosts } from './derive.js';
import { HSW_2016 } from './hsw-2016.js';

const ROTH = 'derived from the Dec 2020 EPYC VMRUN trace (Roth)';

export const EPYC: Profile = {
  name: 'EPYC',
  description: 'AMD EPYC 7763 (Zen 3, 2.445 GHz), Linux 6.1, AVIC off, default mitigations; no preemption timer; no end-to-end calibration',
  tsc_khz: 2_445_000,
  // SVM has no preemption timer: X is never read (kept valid for the profile format)
  X: 0,
  vendor: 'amd',
  defaultKernel: '6.1',
  apicv: false,
  costs: deriveCosts(HSW_2016, {
    vmexit_hw: { cycles: 680, basis: `${ROTH}: VMRUN → #VMEXIT with a trivial guest ≈1360, split evenly (judgement)` },
    vmentry_hw: { cycles: 680, basis: `${ROTH}: VMRUN → #VMEXIT ≈1360, split evenly (judgement)` },
    exit_post: { cycles: 150, basis: `judgement bounded by ${ROTH}: post-VMRUN → ioctl exit 576–656 includes the exit to user space and vcpu_put` },
    entry_prep: { cycles: 200, jitter: 0.08, basis: `judgement bounded by ${ROTH}: ioctl entry → VMRUN 560–576 includes vcpu_load; half of ≈400 in-kernel entry code` },
    vcpu_run_prologue: { cycles: 200, jitter: 0.08, basis: `judgement bounded by ${ROTH}: the other half of ≈400 in-kernel entry code` },
    sched_wakeup: { cycles: 7350, basis: 'judgement from B6 ("a few micro-seconds" through the scheduler): 3 µs × 2.445 GHz' },
    cstate_exit: { cycles: 2450, basis: 'judgement: acpi_idle C1 (MWAIT/HLT) ≈1 µs × 2.445 GHz; the firmware _CST latencies were not found' },
    ipi_latency: { cycles: 2500, basis: 'judgement: no AMD KVM IPI figure found; Milan cache-line transfers are 23 ns inside a CCX, 107 ns across (nviennot/core-to-core-latency)' },
    mitigation_exit: { cycles: 150, basis: 'judgement: RSB fill after #VMEXIT with retpolines (SPEC_CTRL is switched by V_SPEC_CTRL in hardware)' },
    mitigation_entry: { cycles: 50, basis: 'judgement: no L1D flush or VERW on AMD; little left before VMRUN' },
  }),
};
