/**
 * The handler of each event kind of events.ts, indexed by kind. A handler ignores an event whose
 * generation a later reprogramming, cancel or VM exit made stale. Must not import node:*,
 * electron or sqlite.
 */
import type { EventHandlerTable } from './events.js';
import { on_halt_poll_end, on_host_task_done, on_host_timer_fire, on_kick, on_preemption_timer_zero } from './kvm/x86.js';
import { on_housekeeping_timer_fire, on_posted_notify } from './kvm/posted.js';
import { on_apic_timer_virt_fire } from './kvm/apic-timer-virt.js';

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
  // EV_HK_TIMER_FIRE: the housekeeping CPU's comparator, unless reprogrammed since
  (sim, t, gen) => {
    if (gen === sim.hk.clockevent_gen) on_housekeeping_timer_fire(sim, t);
  },
  // EV_POSTED_NOTIFY
  on_posted_notify,
  // EV_KICK
  on_kick,
  // EV_APIC_TIMER_VIRT_FIRE: the armed virtual deadline, unless re-armed or taken back since
  on_apic_timer_virt_fire,
];
