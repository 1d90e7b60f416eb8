/**
 * Exit reason names as the kernel prints them for each virtualisation extension (VMX
 * VMX_EXIT_REASONS, SVM SVM_EXIT_REASONS, arm64 exception classes), to judge which one a trace or
 * perf kvm stat table comes from, and which exits are the guest timer's own.
 * Must not import node:*, electron or better-sqlite3.
 */

const VMX = new Set([
  'EXCEPTION_NMI', 'EXTERNAL_INTERRUPT', 'TRIPLE_FAULT', 'INIT_SIGNAL', 'SIPI_SIGNAL', 'PENDING_INTERRUPT',
  'INTERRUPT_WINDOW', 'NMI_WINDOW', 'TASK_SWITCH', 'CPUID', 'HLT', 'INVD', 'INVLPG', 'RDPMC', 'RDTSC', 'VMCALL',
  'VMCLEAR', 'VMLAUNCH', 'VMPTRLD', 'VMPTRST', 'VMREAD', 'VMRESUME', 'VMWRITE', 'VMOFF', 'VMON', 'CR_ACCESS',
  'DR_ACCESS', 'IO_INSTRUCTION', 'MSR_READ', 'MSR_WRITE', 'INVALID_STATE', 'MSR_LOAD_FAIL', 'MWAIT_INSTRUCTION',
  'MONITOR_TRAP_FLAG', 'MONITOR_INSTRUCTION', 'PAUSE_INSTRUCTION', 'MCE_DURING_VMENTRY', 'TPR_BELOW_THRESHOLD',
  'APIC_ACCESS', 'EOI_INDUCED', 'GDTR_IDTR', 'LDTR_TR', 'EPT_VIOLATION', 'EPT_MISCONFIG', 'INVEPT', 'RDTSCP',
  'PREEMPTION_TIMER', 'INVVPID', 'WBINVD', 'XSETBV', 'APIC_WRITE', 'RDRAND', 'INVPCID', 'VMFUNC', 'ENCLS', 'RDSEED',
  'PML_FULL', 'XSAVES', 'XRSTORS', 'UMWAIT', 'TPAUSE', 'BUS_LOCK', 'NOTIFY', 'TDCALL',
]);

const SVM = new Set([
  'intr', 'nmi', 'smi', 'init', 'vintr', 'cr0_sel_write', 'idtr_read', 'gdtr_read', 'ldtr_read', 'tr_read',
  'idtr_write', 'gdtr_write', 'ldtr_write', 'tr_write', 'rdtsc', 'rdpmc', 'pushf', 'popf', 'cpuid', 'rsm', 'iret',
  'swint', 'invd', 'pause', 'hlt', 'invlpg', 'invlpga', 'ioio', 'msr', 'task_switch', 'ferr_freeze', 'shutdown',
  'vmrun', 'vmmcall', 'vmload', 'vmsave', 'stgi', 'clgi', 'skinit', 'rdtscp', 'icebp', 'wbinvd', 'monitor', 'mwait',
  'mwait_cond', 'xsetbv', 'rdpru', 'efer_write_trap', 'cr0_write_trap', 'cr4_write_trap', 'cr8_write_trap',
  'invpcid', 'npf', 'avic_incomplete_ipi', 'avic_unaccelerated_access', 'vmgexit', 'buslock', 'idle-halt', 'invalid',
]);

const ARM64 = new Set([
  'WFx', 'CP15_32', 'CP15_64', 'CP14_MR', 'CP14_LS', 'FP_ASIMD', 'CP10_ID', 'PAC', 'CP14_64', 'SVC64', 'HVC64',
  'SMC64', 'SYS64', 'SVE', 'IMP_DEF', 'IABT_LOW', 'IABT_CUR', 'PC_ALIGN', 'DABT_LOW', 'DABT_CUR', 'SP_ALIGN',
  'FP_EXC32', 'FP_EXC64', 'SERROR', 'BREAKPT_LOW', 'BREAKPT_CUR', 'SOFTSTP_LOW', 'SOFTSTP_CUR', 'WATCHPT_LOW',
  'WATCHPT_CUR', 'BKPT32', 'VECTOR32', 'BRK64', 'HVC32', 'SMC32', 'SVC32',
]);

function base(reason: string): string {
  // "FAILED_VMENTRY EXTERNAL_INTERRUPT", SVM exception exits "DE excp", "r/w cr0"-style names
  const words = reason.trim().split(/\s+/);
  return words[words.length - 1] ?? '';
}

/** The extension most of the named reasons belong to (by exits counted), or null when none is known. */
export function virtOfReasons(counts: ReadonlyMap<string, number> | Record<string, number>): 'vmx' | 'svm' | 'arm64' | null {
  const score = { vmx: 0, svm: 0, arm64: 0 };
  const entries = counts instanceof Map ? [...counts.entries()] : Object.entries(counts);
  for (const [reason, n] of entries) {
    const b = base(reason);
    if (VMX.has(b)) score.vmx += n;
    else if (ARM64.has(b)) score.arm64 += n;
    else if (SVM.has(b) || /\bexcp$|^(read|write)_(cr|dr)\d+$/.test(reason)) score.svm += n;
  }
  const best = (Object.entries(score) as Array<['vmx' | 'svm' | 'arm64', number]>).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : null;
}

/** The CPU architecture a virtualisation extension implies. */
export function machineOfVirt(virt: 'vmx' | 'svm' | 'arm64' | null): string | null {
  if (virt === 'arm64') return 'aarch64 (judged from the arm64 exception classes)';
  if (virt === 'vmx') return 'x86_64, Intel VMX (judged from the exit reasons)';
  if (virt === 'svm') return 'x86_64, AMD SVM (judged from the exit reasons)';
  return null;
}

/** The VMX preemption timer's exit: the guest's TSC deadline expired while the vCPU ran. */
export function isPreemptionTimerExit(reason: string): boolean {
  return base(reason) === 'PREEMPTION_TIMER';
}
