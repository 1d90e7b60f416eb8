/**
 * The simulation's asynchronous events: their kinds, their order when they fall on the same
 * cycle, and the shape of the table that handles them. Host and KVM code runs synchronously
 * inside a handler; only hardware and timing events (a comparator firing, a countdown reaching
 * zero, the end of a guest step or of the halt-poll window, host noise) go through the heap.
 * A leaf module: nothing here imports engine code at run time, so every module may use it.
 */
import type { Simulation } from './simulation.js';

/**
 * Event kinds. The number is also the same-time priority: at equal times the smaller kind runs
 * first (a host interrupt before a preemption-timer exit before the end of a guest step).
 */
export const EV_HOST_TIMER_FIRE = 0;
export const EV_PREEMPTION_TIMER_ZERO = 1;
export const EV_GUEST_STEP_DONE = 2;
export const EV_HALT_POLL_END = 3;
export const EV_NOISE_IRQ = 4;
export const EV_NOISE_PREEMPT = 5;
export const EV_HOST_TASK_DONE = 6;
/** The housekeeping CPU's comparator (posted timer interrupts: the unpinned LAPIC hrtimer). */
export const EV_HK_TIMER_FIRE = 7;
/** A posted-interrupt notification reaches the vCPU's CPU. */
export const EV_POSTED_NOTIFY = 8;
/** A kick IPI reaches the vCPU's CPU (the timer fired on another CPU while the vCPU was out of guest mode). */
export const EV_KICK = 9;
/** The CPU's virtualized APIC timer reaches the guest deadline (APIC-timer virtualization). */
export const EV_APIC_TIMER_VIRT_FIRE = 10;

/** Names of the kinds, indexed by kind (for traces of the event loop and errors). */
export const EVENT_NAMES = [
  'host_timer_fire',
  'preemption_timer_zero',
  'guest_step_done',
  'halt_poll_end',
  'noise_irq',
  'noise_preempt',
  'host_task_done',
  'housekeeping_timer_fire',
  'posted_notify',
  'kick',
  'apic_timer_virt_fire',
] as const;
export const EVENT_KIND_COUNT = EVENT_NAMES.length;

/**
 * Handles one event popped from the heap at time `t`; `generation` lets a handler ignore an
 * event that a later reprogramming or cancel made stale.
 */
export type EventHandler = (sim: Simulation, t: number, generation: number) => void;

/** One handler per kind, indexed by kind. */
export type EventHandlerTable = readonly EventHandler[];

/** What a wait is, for the overhead view: the guest's own time, an idle pCPU, or other host work. */
export type WaitKind = 0 | 1 | 2;
export const WAIT_GUEST: WaitKind = 0;
export const WAIT_IDLE: WaitKind = 1;
export const WAIT_FOREIGN: WaitKind = 2;
