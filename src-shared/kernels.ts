/**
 * Which KVM timer mechanisms a Linux release has: one entry per mechanism with the first release
 * that has it, what it changes, and where that was read (arch/x86/kvm/{lapic,x86,vmx}.c and
 * virt/kvm/kvm_main.c of each release, compared with the release before). A run names its kernel
 * (`kernel=X.Y[.Z]`); `mech.<id>=on|off` switches one mechanism alone to ask "what if".
 * Must not import anything but other src-shared modules.
 */

export interface Mechanism {
  /** First release that has it (X.Y, or X.Y.Z when only a stable release has it). */
  since: string;
  /** Stable releases that got it earlier by backport (X.Y.Z, one per older line). */
  backports?: readonly string[];
  title: string;
  /** What changes on the arm or expiry path, in a sentence. */
  effect: string;
  /** Where it was read: files at the release, and the commit that introduced it. */
  source: string;
}

/** The modelled mechanisms, oldest first. */
export const MECHANISMS = {
  hv_oneshot_periodic: {
    since: '4.10',
    title: 'hv timer for one-shot and periodic modes',
    effect: 'start_hv_timer/cancel_hv_timer also serve TMICT one-shot and periodic timers (periodic re-armed in the preemption-timer exit); every wake-up retries the hv timer and traces kvm_hv_timer_state',
    source: 'lapic.c 4.10 (start_hv_timer, advance_periodic_target_expiration) vs 4.9 (start_hv_tscdeadline); 8003c9ae204e',
  },
  expired_inject: {
    since: '4.13',
    title: 'restart_apic_timer / start_sw_timer; expired deadline injected at once',
    effect: 'vmx_set_hv_timer returns delta == 0 and start_hv_timer injects an expired deadline at once (no zero-length countdown, one exit round trip less); start_hv_timer traces 1 only when armed, start_sw_timer traces 0 (also at the switch before blocking)',
    source: 'lapic.c, vmx.c 4.13.4 (restart_apic_timer, start_sw_timer, `return delta_tsc == 0`) vs 4.12.0',
  },
  spec_mitigations: {
    since: '4.15',
    title: 'speculative-execution mitigations on VM exit and entry',
    effect: 'retpolines and the RSB fill on exit, SPEC_CTRL handling, and later the L1D flush and CPU buffer clear before entry: the profile\'s mitigation_exit and mitigation_entry costs (mitigations=off drops them)',
    source: 'vmx.c vmx_vcpu_run 5.2.1 (SPEC_CTRL restore, L1D flush, MDS clear before __vmx_vcpu_run); 4.9.45 predates them (Spectre/Meltdown work of 2018, retpolines in 4.15)',
  },
  wait_only_with_advance: {
    since: '4.16',
    title: 'wait_lapic_expire only with an advance',
    effect: 'trace only: vcpu_enter_guest calls wait_lapic_expire only while lapic_timer_advance_ns is set, so with no advance (the default until 4.20) no kvm_wait_lapic_expire is traced; before, every delivery of the deadline traced one (and spun 0 cycles)',
    source: 'x86.c vcpu_enter_guest 4.16.13 (`if (lapic_timer_advance_ns) wait_lapic_expire(vcpu)`) vs 4.15.0 (unconditional); the 4.16 tree is a late stable, a backport of this tweak is unlikely',
  },
  hv_advance: {
    since: '4.18',
    title: 'timer advance on the hv timer',
    effect: 'vmx_set_hv_timer subtracts nsec_to_cycles(lapic_timer_advance_ns) from the guest delta (clamped at 0), so the preemption timer fires early too and wait_lapic_expire spins',
    source: 'vmx.c 4.18.0 vmx_set_hv_timer vs 4.17.0; c5ce8235cffa',
  },
  advance_autotune: {
    since: '4.20',
    title: 'advance auto-tuning (default 1000 ns)',
    effect: 'lapic_timer_advance_ns defaults to 1000 and is tuned after each spin by min(ns, advance/8) until the error is below 100 guest cycles, then never again (one global flag)',
    source: 'lapic.c, x86.c 4.20.0 (LAPIC_TIMER_ADVANCE_ADJUST_DONE 100, _STEP 8, lapic_timer_advance_adjust_done) vs 4.19.1; 3b8a5df6c4dc',
  },
  advance_per_vcpu: {
    since: '5.1',
    backports: ['5.0.14'],
    title: 'per-vCPU advance, module value -1 = adaptive',
    effect: 'lapic_timer_advance_ns is an int: -1 (default) tunes a per-vCPU timer_advance_ns from 1000 ns, 0 is off, N is fixed; tuning above 5000 ns disables the advance; a deadline within the advance expires at once in start_sw_tscdeadline; with TSC scaling the spin is converted to host time (ndelay of the ns), where 4.9-5.0 passed guest cycles to __delay',
    source: '5.1-rc8 KVM fixes pull (39497d7660d9 "KVM: lapic: Track lapic timer advance per vCPU", "KVM: lapic: Convert guest TSC to host time domain if necessary"); lapic.c 5.1.15 (__wait_lapic_expire) vs 5.0.0',
  },
  expired_trace_zero: {
    since: '5.2',
    title: 'start_hv_timer(expired) traces hv_timer 0',
    effect: 'set_hv_timer reports expiry through an out-parameter; start_hv_timer traces kvm_hv_timer_state whenever set_hv_timer accepted the deadline (0 for an expired one, injected at once) and leaves a refused one to start_sw_timer\'s trace; restart_apic_timer does nothing while a timer is pending; apic_timer_expired records expired_tscdeadline for any timer on the hv timer (ee66e453db13), so one-shot and periodic hv timers can spin',
    source: 'lapic.c 5.2.1 start_hv_timer/restart_apic_timer/apic_timer_expired vs 5.1.15 ("KVM: lapic: Refactor start_hv_timer()\'s semantics and usage"; ee66e453db13 "KVM: lapic: Busy wait for timer to expire when using hv_timer")',
  },
  hv_state_no_newline: {
    since: '5.3',
    title: 'kvm_hv_timer_state without a trailing newline',
    effect: 'trace only: the 4.9–5.2 format "vcpu_id %x hv_timer %x\\n" left an empty line after each kvm_hv_timer_state in reports',
    source: 'trace.h 5.3.1 vs 5.2.1',
  },
  wait_before_vmentry: {
    since: '5.3',
    title: 'wait_lapic_expire just before VM entry',
    effect: 'the advance spin moves from vcpu_enter_guest (before guest_enter and vmx_vcpu_run) into vmx_vcpu_run after the hv-timer update, so only the entry mitigations and the world switch follow it; kvm_wait_lapic_expire is traced after the VM exit until 5.19',
    source: 'vmx.c, svm.c, x86.c 5.3.1 (kvm_wait_lapic_expire in vmx_vcpu_run) vs 5.2.1; Wanpeng Li "Optimize timer latency further" v4',
  },
  advance_reset: {
    since: '5.3',
    title: 'adjust_lapic_timer_advance resets instead of disabling',
    effect: 'an advance tuned above 5000 ns is reset to 1000 ns and tuning resumes',
    source: 'lapic.c 5.3.1 adjust_lapic_timer_advance vs 5.2.1',
  },
  hv_soft_disable: {
    since: '5.3',
    title: 'preemption timer soft-disabled',
    effect: 'the PIN_BASED preemption-timer control stays on: arming and cancelling no longer read-modify-write the pin controls (and no longer force full VM-entry checks); a disarmed timer is one VMWRITE of the maximum value',
    source: 'vmx.c, vmcs.h 5.3.1 (hv_timer_soft_disabled) vs 5.2.1; 804939ea200d',
  },
  posted_timer: {
    since: '5.3',
    title: 'posted timer interrupts (pi_inject_timer)',
    effect: 'with pi_inject_timer and APICv the LAPIC hrtimer is unpinned (it fires on a housekeeping CPU) and delivers by posted interrupt without a VM exit when the vCPU is in guest mode, else sets pending and kicks; while posting is possible KVM does not use the hv timer',
    source: 'lapic.c, x86.c 5.3.1 (kvm_can_post_timer_interrupt, kvm_use_posted_timer_interrupt, HRTIMER_MODE_ABS) vs 5.2.1; 0c5f81dad46c',
  },
  advance_continuous: {
    since: '5.4',
    title: 'continuous advance tuning with a dead band',
    effect: 'tuning runs after every spin for the vCPU\'s life: errors below 100 or above 10000 guest cycles are ignored, else the advance moves by ns/8 of the error; above 5000 ns it resets to 1000',
    source: 'lapic.c 5.4.0 (LAPIC_TIMER_ADVANCE_ADJUST_MIN 100, _MAX 10000, _NS_INIT 1000, _NS_MAX 5000, _STEP 8) vs 5.3.1',
  },
  fastpath: {
    since: '5.8',
    title: 'TSC_DEADLINE and preemption-timer fastpaths',
    effect: 'a TSC_DEADLINE WRMSR (when the hv timer is usable) and a preemption-timer exit are handled with IRQs off right after the exit and re-enter the guest (EXIT_FASTPATH_REENTER_GUEST), skipping the exit handler, IRQ enable and the outer vcpu_run loop; with APICv the expiry injects at once (apic_timer_expired(from_timer_fn = false)); kvm_exit is traced right after the exit, before host interrupt handling',
    source: 'x86.c, vmx.c 5.8.1 (handle_fastpath_set_tscdeadline, handle_fastpath_preemption_timer, kvm_can_use_hv_timer) vs 5.7.14; ae95f566b3d2, 26efe2fd92e5',
  },
  posted_wait_skipped: {
    since: '5.10',
    title: 'posted path stops waiting out the advance',
    effect: 'apic_timer_expired\'s posted branch calls kvm_wait_lapic_expire, whose lapic_timer_int_injected check is false before the injection: the advanced interrupt is posted up to timer_advance_ns early, nothing is traced and the advance is never tuned (5.3-5.9 spun in __kvm_wait_lapic_expire first)',
    source: 'lapic.c apic_timer_expired 5.10.7 (kvm_wait_lapic_expire) vs 5.9.1 (__kvm_wait_lapic_expire); 010fd37fddf6 "KVM: LAPIC: Reduce world switch latency caused by timer_advance_ns" (5.10 KVM pull)',
  },
  trace_entry_rip: {
    since: '5.10',
    title: 'kvm_entry prints the guest RIP',
    effect: 'trace only: kvm_entry becomes "vcpu %u, rip 0x%lx" (trace-cmd report prints "vcpu 0 rip 0x…"); kvm_exit gains info1/info2/intr_info/error_code',
    source: 'trace.h 5.10.7 vs 5.9.1',
  },
  trace_entry_per_reentry: {
    since: '5.11',
    title: 'kvm_entry traced on every fastpath re-entry',
    effect: 'trace only: trace_kvm_entry moves from vcpu_enter_guest into vmx_vcpu_run after the reenter_guest label, so a fastpath re-entry shows kvm_entry (5.8-5.10 showed kvm_exit without a kvm_entry)',
    source: 'vmx.c vmx_vcpu_run 5.11.0 vs 5.10.7 (trace_kvm_entry in vcpu_enter_guest)',
  },
  posted_wait: {
    since: '5.12',
    backports: ['5.10.24', '5.11.7'],
    title: 'posted path waits out the advance again',
    effect: 'apic_timer_expired open-codes the checks and spins in __kvm_wait_lapic_expire on the CPU where the hrtimer fired before posting, as 5.3-5.9 did',
    source: 'lapic.c apic_timer_expired 5.12.9 vs 5.11.0; beda430177f5 "KVM: x86: Ensure deadline timer has truly expired before posting its IRQ" (kvm.git next, March 2021, for 5.12-rc; stable: "[PATCH 5.10 276/290]" of 5.10.24-rc1, and the 5.11.y push of 15 March 2021 for 5.11.7)',
  },
  hv_busy_wait_order: {
    since: '5.13',
    backports: ['5.10.38', '5.11.22', '5.12.5'],
    title: 'one-shot and periodic hv timers really spin',
    effect: 'kvm_lapic_expired_hv_timer calls apic_timer_expired before cancel_hv_timer, so hv_timer_in_use is still set when expired_tscdeadline is recorded and one-shot/periodic timers on the hv timer spin to the deadline (5.2-5.12: the cancel came first and they did not)',
    source: 'lapic.c kvm_lapic_expired_hv_timer 5.14-rc5 vs 5.11.0; d981dd15498b (second KVM pull for 5.13, 8 May 2021; stable 5.11.22-rc1 and 5.10.38-rc1 of 17 May 2021; 5.12.5 from the same batch, inferred; the 5.12.9 tree has it)',
  },
  tune_before_spin: {
    since: '5.13',
    title: 'advance tuned before the spin',
    effect: '__kvm_wait_lapic_expire adjusts the advance before spinning and re-reads the TSC when early, so the spin covers the tuning instead of the tuning following the spin',
    source: 'lapic.c __kvm_wait_lapic_expire 5.14-rc5 vs 5.12.9; 9805cf03fdb6 "KVM: LAPIC: Narrow the timer latency between wait_lapic_expire and world switch" (KVM pull of 29 May 2021 for 5.13-rc4)',
  },
  block_switch_common: {
    since: '5.17',
    backports: ['5.15.106'],
    title: 'hv<->sw switch in common vcpu_block',
    effect: 'vcpu_block switches to the sw timer before halt-polling only if the hv timer is in use, and switches back after waking only if it was; a vCPU on the sw timer pays no switch-back check',
    source: 'x86.c 5.17 vcpu_block vs 5.15.55 vmx_pre_block/vmx_post_block; 98c25ead5eda (5.17 second KVM pull; 5.15.106 backport)',
  },
  trace_apicv_accept_irq: {
    since: '5.17',
    title: 'kvm_apicv_accept_irq',
    effect: 'trace only: with APICv an accepted interrupt also traces kvm_apicv_accept_irq after kvm_apic_accept_irq',
    source: 'trace.h 5.17.0-rc5 vs 5.15.55',
  },
  posted_needs_hlt_mwait: {
    since: '5.18',
    backports: ['5.4.193', '5.15.55'], // 5.15.y: present in 5.15.55 (first 5.15.y release not pinned)
    title: 'posting needs HLT/MWAIT passthrough',
    effect: 'kvm_can_post_timer_interrupt also requires kvm_hlt_in_guest or kvm_mwait_in_guest',
    source: 'lapic.c 5.19.0 vs 5.17.0-rc5; 1714a4eb6fb0 (backports 5.4.193, 5.15.y)',
  },
  wait_trace_before_spin: {
    since: '5.19',
    title: 'kvm_wait_lapic_expire traced before the spin again',
    effect: 'the delta is traced in __kvm_wait_lapic_expire right after reading the TSC, before tuning and spinning (5.3-5.18: after the VM exit)',
    source: 'lapic.c 5.19.0 __kvm_wait_lapic_expire vs 5.17.0-rc5 ("KVM: LAPIC: Fix advance timer expiration delta trace"; 5.18 not read)',
  },
  trace_inj_virq_vector: {
    since: '6.0',
    title: 'kvm_inj_virq prints the vector in hex',
    effect: 'trace only: kvm_inj_virq becomes "IRQ 0x%x" (was "irq %u")',
    source: 'trace.h 6.0.1 vs 5.19.0',
  },
  advance_bool: {
    since: '6.10',
    title: 'lapic_timer_advance becomes a bool',
    effect: 'fixed advance values are gone: the advance is adaptive (from 1000 ns) or off',
    source: '6.10-rc3 KVM fixes pull (89a58812c47f); x86.c 6.11.11 vs 6.9.0',
  },
  halt_poll_shrink_halve: {
    since: '6.11',
    title: 'halt_poll_ns_shrink defaults to 2',
    effect: 'a block longer than the cap halves the halt-poll window instead of collapsing it to 0',
    source: 'kvm_main.c 6.11.11 vs 6.9.0; aeb1b22a3ac8',
  },
  hlt_fastpath: {
    since: '6.12',
    title: 'HLT fastpath',
    effect: 'a HLT exit with a wake event already pending re-enters the guest from the fastpath without vcpu_block, polling or the switch to the sw timer',
    source: 'x86.c, vmx.c 6.12.0 handle_fastpath_hlt vs 6.11.11; 1876dd69dfe8',
  },
  tscdeadline_fastpath_always: {
    since: '6.18',
    title: 'TSC_DEADLINE fastpath unconditional',
    effect: 'the TSC_DEADLINE WRMSR is handled in the fastpath also when the deadline goes to an hrtimer (AMD, posted timer interrupts, preemption_timer=0)',
    source: 'x86.c 6.18.2 __handle_fastpath_wrmsr vs 6.17.0; 0a94b2042419',
  },
} as const satisfies Record<string, Mechanism>;

export type MechanismId = keyof typeof MECHANISMS;
export const MECHANISM_IDS = Object.keys(MECHANISMS) as MechanismId[];

/** What a run's kernel has: one flag per mechanism (4.9 = none of them). */
export type KernelFeatures = Readonly<Record<MechanismId, boolean>>;

/** Release facts read alongside the mechanisms, that are values rather than on/off. */
export interface KernelDefaults {
  /** KVM_HALT_POLL_NS_DEFAULT: 400000 until 4.11, 200000 from 4.12. */
  haltPollNs: number;
  /** kvm.lapic_timer_advance_ns default: 0 until 4.19, 1000 (auto-tuned) in 4.20–5.0, -1 (adaptive) from 5.1 (by the advance mechanisms). */
  timerAdvanceNs: number;
}

/** The oldest release the lab models, and the newest whose sources were read. */
export const OLDEST_KERNEL = '4.9';
export const NEWEST_READ_KERNEL = '6.19';

/** The kernel a run on `profile` gets unless it names one: the profile's own, else the oldest. */
export function profileDefaultKernel(profile: { defaultKernel?: string | undefined }): string {
  return profile.defaultKernel ?? OLDEST_KERNEL;
}

/** Longterm lines and the profiles' kernels: releases people run, offered beside the mechanisms' own. */
const LONGTERM_KERNELS = ['4.14', '4.19', '5.4', '5.10', '5.15', '6.1', '6.6', '6.8', '6.12'] as const;

export interface Release {
  major: number;
  minor: number;
  patch: number;
}

const RELEASE_RE = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,4}))?$/;

/** "5.15.106" → {5, 15, 106}; null for anything else. */
export function parseRelease(text: string): Release | null {
  const m = RELEASE_RE.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

export function compareReleases(a: Release, b: Release): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function atLeast(r: Release, since: string): boolean {
  return compareReleases(r, parseRelease(since) as Release) >= 0;
}

/** Whether release `r` has mechanism `m`: from its first release on, or by a backport to its line. */
export function hasMechanism(r: Release, m: Mechanism): boolean {
  if (atLeast(r, m.since)) return true;
  return (m.backports ?? []).some((b) => {
    const bp = parseRelease(b) as Release;
    return bp.major === r.major && bp.minor === r.minor && r.patch >= bp.patch;
  });
}

/** The features of a release, with any per-mechanism overrides (`mech.<id>`) applied. */
export function kernelFeatures(release: Release, overrides: Partial<Record<string, boolean>> = {}): KernelFeatures {
  // built in one go (not key by key), which keeps the object's properties fast to read
  return Object.fromEntries(MECHANISM_IDS.map((id) => [id, overrides[id] ?? hasMechanism(release, MECHANISMS[id])])) as Record<MechanismId, boolean>;
}

/**
 * The defaults of a release. The advance's default follows the advance mechanisms the run has,
 * so switching one off (`mech.advance_per_vcpu=off`) also gives the earlier default instead of
 * one its own release's checks refuse.
 */
export function kernelDefaults(release: Release, features: KernelFeatures = kernelFeatures(release)): KernelDefaults {
  return {
    haltPollNs: atLeast(release, '4.12') ? 200_000 : 400_000,
    timerAdvanceNs: features.advance_per_vcpu ? -1 : features.advance_autotune ? 1000 : 0,
  };
}

/**
 * The releases the forms offer (a datalist; any X.Y[.Z] from the oldest on is accepted): the
 * oldest modelled, every release a mechanism arrived in, the longterm lines and the newest read,
 * oldest first.
 */
export const KNOWN_KERNELS: readonly string[] = [
  ...new Set([OLDEST_KERNEL, ...Object.values(MECHANISMS).map((m) => m.since), ...LONGTERM_KERNELS, NEWEST_READ_KERNEL]),
].sort((a, b) => compareReleases(parseRelease(a) as Release, parseRelease(b) as Release));
