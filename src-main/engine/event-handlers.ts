/**
 * The handler of each event kind of events.ts, indexed by kind. A handler ignores an event whose
 * generation a later reprogramming, cancel or VM exit made stale. Must not import node:*,
 * electron or sqlite.
 */
import type { EventHandlerTable } from './events.js';
import { on_halt_poll_end, on_host_task_done, on_host_timer_fire, on_preemption_timer_zero } from './kvm/x86.js';

export const EVENT_HANDLERS: EventHandlerTable = [
  // EV_HOST_TIMER_FIRE: the host clock-event comparator, unless reprogrammed since
  (sim, t, gen) => {
    if (gen === sim.host.clockevent_gen) on_host_timer_fire(sim, t);
  },
  // EV_PREEMPTION_TIMER_ZERO: the countdown loaded at the last VM entry, unless the vCPU exited since
  (sim, t, gen) => {
    if (gen === sim.vmx.countdown_gen) on_preemption_timer_zero(sim, t);
  },
  // EV_GUEST_STEP_DONE
  (sim, t, gen) => sim.guest.onStepDone(t, gen),
  // EV_HALT_POLL_END
  on_halt_poll_end,
  // EV_NOISE_IRQ
  (sim, t) => sim.noise?.irq(t),
  // EV_NOISE_PREEMPT
  (sim, t) => sim.noise?.preempt(t),
  // EV_HOST_TASK_DONE
  on_host_task_done,
];
