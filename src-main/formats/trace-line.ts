/**
 * The fields of the KVM and timer events a trace reader uses (TP_printk layouts of every kernel
 * version in the wild: old and new kvm_exit, kvm_entry with or without rip, hex
 * kvm_hv_timer_state, kvm_wait_lapic_expire, kvm_inj_virq, kvm_msr, hrtimer_start/expire).
 * Each returns null when the text does not match. Must not import node:*, electron or
 * better-sqlite3.
 */

export interface KvmExitFields {
  vcpu: number | null;
  reason: string;
  rip: string;
}

export function parseKvmExit(f: string): KvmExitFields | null {
  const m = /^(?:vcpu (\d+) )?reason (.+?) rip (0x[0-9a-fA-F]+)(?: info1? |$)/.exec(f);
  if (!m) return null;
  const [, vcpu, reason = '', rip = ''] = m;
  return { vcpu: vcpu === undefined ? null : Number(vcpu), reason: reason.trim(), rip };
}

export function parseKvmEntry(f: string): { vcpu: number } | null {
  const m = /^vcpu (\d+)(?:,?\s+rip 0x[0-9a-fA-F]+)?(?:\s.*)?$/.exec(f);
  return m ? { vcpu: Number(m[1]) } : null;
}

export function parseHvTimerState(f: string): { vcpu: number; hvTimer: number } | null {
  const m = /^vcpu_id ([0-9a-fA-F]+) hv_timer ([0-9a-fA-F]+)$/.exec(f);
  if (!m) return null;
  const [, vcpu = '', hvTimer = ''] = m;
  return { vcpu: parseInt(vcpu, 16), hvTimer: parseInt(hvTimer, 16) };
}

/**
 * `vcpu %u: delta %lld (early|late)`: guest TSC at VM entry minus the deadline. The sign comes from
 * the value: trace-cmd prints "(late)" for negative deltas too.
 */
export function parseWaitLapicExpire(f: string): { vcpu: number; delta: number } | null {
  const m = /^vcpu (\d{1,10}): delta (-?\d{1,19}) \((?:early|late)\)$/.exec(f);
  if (!m) return null;
  const delta = Number(m[2]);
  return Number.isSafeInteger(delta) ? { vcpu: Number(m[1]), delta } : null;
}

export function parseInjVirq(f: string): { vector: number; soft: boolean } | null {
  const m = /^(?:irq (\d+)|IRQ 0x([0-9a-fA-F]+)|Soft\/INTn 0x([0-9a-fA-F]+))(?: \[reinjected\])?$/.exec(f);
  if (!m) return null;
  if (m[1] !== undefined) return { vector: Number(m[1]), soft: false };
  if (m[2] !== undefined) return { vector: parseInt(m[2], 16), soft: false };
  return { vector: parseInt(m[3] ?? '', 16), soft: true };
}

/** `hrtimer=0x… function=apic_timer_fn/0x0 expires=N softexpires=N` (hrtimer_start), `hrtimer=0x… now=N function=…` (expire_entry). */
export function parseHrtimer(f: string): { hrtimer: string; apicTimer: boolean; expires: number | null } | null {
  const m = /^hrtimer=(0x[0-9a-fA-F]{1,16})\b/.exec(f);
  if (!m?.[1]) return null;
  const expires = /\bexpires=(\d{1,19})\b/.exec(f)?.[1];
  const e = expires === undefined ? null : Number(expires);
  return { hrtimer: m[1].toLowerCase(), apicTimer: /\bfunction=apic_timer_fn\b/.test(f), expires: e !== null && Number.isSafeInteger(e) ? e : null };
}

export function parseKvmMsr(f: string): { write: boolean; msr: string; value: string } | null {
  const m = /^msr_(read|write) ([0-9a-fA-F]+) = (0x[0-9a-fA-F]+)(?: \(#GP\))?$/.exec(f);
  if (!m) return null;
  const [, op, msr = '', value = ''] = m;
  return { write: op === 'write', msr: msr.toLowerCase(), value };
}
