/**
 * The critical path of a timer expiry as data: every step the engine reports (profile costs and
 * waits), grouped as a reader follows an expiry — the guest programming its timer, the VM exit,
 * the host interrupt, the hrtimer core and the vCPU's wake-up, the injection, the VM entry and
 * the guest's own side — with groups and the steps inside them in execution order. The engine
 * reports the path as step → mean cycles; charts and tables order and group it with this list.
 * Must not import anything but other src-shared modules.
 */

export interface StepGroup {
  id: string;
  title: string;
  /** Its steps in the order an expiry runs them. */
  steps: readonly string[];
}

/** The groups in execution order. A step the engine reports that no group lists goes to `other`. */
export const STEP_GROUPS: readonly StepGroup[] = [
  {
    id: 'arm',
    title: 'timer programming',
    steps: [
      'guest_wrmsr_virt',
      'wrmsr_dispatch',
      'apic_reg_write',
      'hrtimer_cancel',
      'hrtimer_cancel_queued',
      'sw_deadline_math',
      'hrtimer_start',
      'hv_set_math',
      'hv_scaling_divq',
      'vmcs_pin_rmw',
      'hv_arm_per_entry',
      'arm_to_entry',
    ],
  },
  { id: 'exit', title: 'VM exit', steps: ['hv_countdown', 'vmexit_hw', 'mitigation_exit', 'exit_post', 'hv_handler', 'ext_intr_handler', 'halt_emulate'] },
  { id: 'host-irq', title: 'host IRQ', steps: ['cstate_exit', 'host_lapic_irq_hw', 'host_irq_dispatch', 'host_noise'] },
  {
    id: 'hrtimer',
    title: 'hrtimer core and wake-up',
    steps: [
      'hrtimer_interrupt',
      'apic_timer_fn',
      'posted_deliver',
      'ipi_latency',
      'posted_intr_recv',
      'apic_timer_virt_switch',
      'clockevent_program',
      'clockevent_bias',
      'sched_wakeup',
      'halt_poll_wake',
      'post_block_switch_back_pending',
      'idle_poll',
      'idle_sleep',
    ],
  },
  { id: 'inject', title: 'injection', steps: ['lapic_expire_adjust', 'wait_lapic_expire_spin', 'apic_timer_inject_direct', 'pending_inject', 'inject_irq_vmcs'] },
  { id: 'entry', title: 'VM entry', steps: ['entry_prep', 'fastpath_reenter', 'vcpu_run_prologue', 'mitigation_entry', 'vmentry_hw'] },
  {
    id: 'guest',
    title: 'guest',
    steps: [
      'apic_timer_virt_deliver',
      'guest_deliver',
      'guest_irq_entry',
      'guest_hrtimer_interrupt',
      'guest_clockevent_program',
      'guest_wakeup',
      'guest_context_switch',
      'guest_return_to_user',
      'guest_clock_gettime',
      'guest_isr_rearm',
      'guest_eoi_iret',
      'apic_eoi_emulate',
      'guest_loop',
      'guest_nanosleep',
      'guest_idle_enter',
      'guest_wait',
    ],
  },
];

export const OTHER_GROUP: StepGroup = { id: 'other', title: 'other', steps: [] };

/** Every known step in execution order (the order of STEP_GROUPS). */
export const STEP_ORDER: readonly string[] = STEP_GROUPS.flatMap((g) => g.steps);

const GROUP_OF = new Map(STEP_GROUPS.flatMap((g) => g.steps.map((s) => [s, g] as const)));

/** The group a step belongs to (`other` for a step no group lists). */
export function stepGroup(step: string): StepGroup {
  return GROUP_OF.get(step) ?? OTHER_GROUP;
}

/** Step names in execution order: known ones as STEP_ORDER has them, unknown ones after, by name. */
export function orderSteps(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const rank = (n: string) => {
    const i = STEP_ORDER.indexOf(n);
    return i < 0 ? STEP_ORDER.length : i;
  };
  return list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** One row of a critical path as shown: a collapsed group (its steps summed) or one step. */
export interface PathRow {
  /** Group id for a group row, step name for a step row. */
  key: string;
  label: string;
  group: StepGroup;
  kind: 'group' | 'step';
  /** The steps this row sums (one for a step row). */
  steps: string[];
}

/**
 * The rows of one or more critical paths in execution order: each group that has any of the
 * steps is one row, or, when expanded, a group row followed by one row per step.
 */
export function pathRows(paths: ReadonlyArray<Record<string, number>>, expanded: ReadonlySet<string>): PathRow[] {
  const present = orderSteps(paths.flatMap((p) => Object.keys(p).filter((k) => (p[k] ?? 0) !== 0)));
  const groups = [...STEP_GROUPS, OTHER_GROUP];
  const rows: PathRow[] = [];
  for (const g of groups) {
    const steps = present.filter((s) => stepGroup(s) === g);
    if (steps.length === 0) continue;
    rows.push({ key: g.id, label: g.title, group: g, kind: 'group', steps });
    if (expanded.has(g.id)) for (const s of steps) rows.push({ key: s, label: s, group: g, kind: 'step', steps: [s] });
  }
  return rows;
}

/** Mean cycles of a row in one path (the sum of its steps). */
export function rowCycles(row: PathRow, path: Record<string, number>): number {
  return row.steps.reduce((a, s) => a + (path[s] ?? 0), 0);
}
