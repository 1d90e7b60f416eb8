/**
 * Time conversions the kernel performs, with its rounding: guest TSC from host TSC (VMX TSC
 * multiplier with 48 fractional bits plus offset), the inverse used by vmx_set_hv_timer, and the
 * ns⇄cycles conversions of start_sw_tscdeadline and the host clock-event code. All integer,
 * truncating like the kernel's do_div. Must not import anything.
 */

export const KVM_TSC_RATIO_FRAC_BITS = 48;
export const KVM_DEFAULT_TSC_SCALING_RATIO = 2n ** 48n;
const U64_MAX = 2n ** 64n - 1n;

/** floor(a · b / c) for non-negative integers, exact while c · b < 2^53. */
export function mulDiv(a: number, b: number, c: number): number {
  const q = Math.floor(a / c);
  const r = a - q * c;
  let low = Math.floor((r * b) / c);
  if (low * c > r * b) low -= 1;
  return q * b + low;
}

/** Per-vCPU TSC state: `tsc_offset`, `tsc_scaling_ratio`, `virtual_tsc_khz`. */
export interface VcpuTsc {
  tsc_offset: number;
  /** 48-bit fixed-point multiplier; 2^48 means no scaling. */
  tsc_scaling_ratio: bigint;
  virtual_tsc_khz: number;
  scaled: boolean;
}

/** Ratio for running a guest at `guestKhz` on a host at `hostKhz` (as KVM computes it). */
export function tscScalingRatio(guestKhz: number, hostKhz: number): bigint {
  return (BigInt(guestKhz) << 48n) / BigInt(hostKhz);
}

/** kvm_scale_tsc: (tsc · ratio) >> 48, i.e. mul_u64_u64_shr. */
export function kvm_scale_tsc(tsc: number, ratio: bigint): number {
  if (ratio === KVM_DEFAULT_TSC_SCALING_RATIO) return tsc;
  return Number((BigInt(tsc) * ratio) >> 48n);
}

/** kvm_read_l1_tsc: the guest's TSC at host TSC `host_tsc`. */
export function kvm_read_l1_tsc(v: VcpuTsc, host_tsc: number): number {
  return (v.scaled ? kvm_scale_tsc(host_tsc, v.tsc_scaling_ratio) : host_tsc) + v.tsc_offset;
}

/**
 * u64_shl_div_u64(delta, 48, ratio) as used by vmx_set_hv_timer to turn a guest TSC delta into
 * host cycles. Returns -1 when the 128/64 divide would overflow (the kernel's -ERANGE).
 */
export function u64_shl_div_u64(delta: number, ratio: bigint): number {
  const q = (BigInt(delta) << 48n) / ratio;
  return q > U64_MAX ? -1 : Number(q);
}

/** Host TSC time at which the guest TSC reads `guest_tsc` (first host cycle at or after it). */
export function hostTscForGuest(v: VcpuTsc, guest_tsc: number): number {
  const g = guest_tsc - v.tsc_offset;
  if (!v.scaled) return g;
  // smallest h with (h · ratio) >> 48 ≥ g
  const r = v.tsc_scaling_ratio;
  const h = ((BigInt(g) << 48n) + r - 1n) / r;
  return Number(h);
}

/** Host ktime (CLOCK_MONOTONIC, ns) at host TSC `tsc`: cycles · 10^6 / tsc_khz, truncated. */
export function host_tsc_to_ns(tsc: number, tsc_khz: number): number {
  return mulDiv(tsc, 1_000_000, tsc_khz);
}

/** Host cycles for `ns` nanoseconds, truncated. */
export function host_ns_to_tsc(ns: number, tsc_khz: number): number {
  return mulDiv(ns, tsc_khz, 1_000_000);
}

/** nsec_to_cycles(vcpu, ns): guest cycles for `ns` at virtual_tsc_khz. */
export function nsec_to_cycles(v: VcpuTsc, ns: number): number {
  return mulDiv(ns, v.virtual_tsc_khz, 1_000_000);
}

/** Guest cycles → ns as start_sw_tscdeadline computes it: delta · 10^6 / virtual_tsc_khz. */
export function guest_cycles_to_ns(v: VcpuTsc, cycles: number): number {
  return mulDiv(cycles, 1_000_000, v.virtual_tsc_khz);
}

/**
 * Host cycles that ndelay(ns) spins (arch/x86/lib/delay.c, delay_tsc): __ndelay multiplies by
 * 0x5 (2^32 / 10^9 rounded up, so it waits about 16 % longer than asked) and __const_udelay adds
 * one loop: ⌊ns · 5 · 4 · (lpj · HZ/4) / 2^32⌋ + 1 with lpj · HZ = tsc_khz · 1000.
 */
export function ndelay_cycles(ns: number, tsc_khz: number): number {
  return Number((BigInt(ns) * 20n * BigInt(tsc_khz * 250)) >> 32n) + 1;
}
