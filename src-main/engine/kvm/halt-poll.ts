/**
 * The adaptive halt-polling window of kvm_vcpu_block (virt/kvm/kvm_main.c, Linux 4.9):
 * grow ×2 from 10 µs after a block shorter than the cap, collapse to 0 (halt_poll_ns_shrink = 0)
 * after a block longer than the cap. Must not import node:*, electron or sqlite.
 */

/** halt_poll_ns_grow default. */
export const HALT_POLL_NS_GROW = 2;
/** First window after growing from zero (grow_halt_poll_ns). */
export const HALT_POLL_NS_START = 10_000;

/** New per-vCPU window after a block of `block_ns` (kvm_vcpu_block's epilogue). */
export function adjust_halt_poll_ns(window_ns: number, block_ns: number, halt_poll_ns: number): number {
  if (halt_poll_ns === 0) return 0;
  if (block_ns <= window_ns) return window_ns;
  if (window_ns > 0 && block_ns > halt_poll_ns) return 0; // shrink_halt_poll_ns with shrink = 0
  if (window_ns < halt_poll_ns && block_ns < halt_poll_ns) {
    const grown = window_ns === 0 ? HALT_POLL_NS_START : window_ns * HALT_POLL_NS_GROW;
    return Math.min(grown, halt_poll_ns);
  }
  return window_ns;
}
