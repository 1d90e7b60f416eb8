/**
 * The adaptive halt-polling window of kvm_vcpu_block (virt/kvm/kvm_main.c): grow ×2 from 10 µs
 * after a block shorter than the cap; after a block longer than the cap shrink it — to 0 until
 * 6.10 (halt_poll_ns_shrink = 0), halved from 6.11 (halt_poll_ns_shrink = 2, and a window below
 * halt_poll_ns_grow_start falls to 0: shrink_halt_poll_ns). Must not import node:*, electron or
 * sqlite.
 */

/** halt_poll_ns_grow default. */
export const HALT_POLL_NS_GROW = 2;
/** halt_poll_ns_grow_start: first window after growing from zero (grow_halt_poll_ns). */
export const HALT_POLL_NS_START = 10_000;
/** halt_poll_ns_shrink from 6.11. */
export const HALT_POLL_NS_SHRINK = 2;

/** shrink_halt_poll_ns: 0 with shrink = 0; else divide, and below the grow start drop to 0. */
function shrink_halt_poll_ns(window_ns: number, halve: boolean): number {
  if (!halve) return 0;
  const val = Math.floor(window_ns / HALT_POLL_NS_SHRINK);
  return val < HALT_POLL_NS_START ? 0 : val;
}

/** New per-vCPU window after a block of `block_ns` (kvm_vcpu_block's / kvm_vcpu_halt's epilogue). */
export function adjust_halt_poll_ns(window_ns: number, block_ns: number, halt_poll_ns: number, shrinkHalve = false): number {
  if (halt_poll_ns === 0) return 0;
  if (block_ns <= window_ns) return window_ns;
  if (window_ns > 0 && block_ns > halt_poll_ns) return shrink_halt_poll_ns(window_ns, shrinkHalve);
  if (window_ns < halt_poll_ns && block_ns < halt_poll_ns) {
    const grown = window_ns === 0 ? HALT_POLL_NS_START : window_ns * HALT_POLL_NS_GROW;
    return Math.min(grown, halt_poll_ns);
  }
  return window_ns;
}
