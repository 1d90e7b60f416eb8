/**
 * What a calibration infers from the files before fitting anything: the timer strategy
 * (preemption-timer exits and armed kvm_hv_timer_state against apic_timer_fn expiries alone),
 * whether the guest halts or spins (HLT exits per timer cycle), the workload and its settings
 * (the deadlines' spacing gives tscdeadline_latency's delta; two deadline writes per cycle are
 * cyclictest's), where kvm_hv_timer_state falls around HLT, which kernel releases the event
 * placement allows (mechanisms.ts), whether halt-polling caught the wake-ups, and the TSC rate.
 * Pure: must not import node:*, electron or better-sqlite3.
 */
import type { Detection } from '../../src-shared/calibration.js';
import type { Profile } from '../../src-shared/profile.js';
import { CalibrationInputError } from './errors.js';
import type { GuestSide } from './guest-side.js';
import type { HostThread, HostTrace } from './host-trace.js';
import { kernelFromTrace, kernelSettings } from './kernel.js';
import { judgeKernel } from './mechanisms.js';
import type { ThreadFacts } from './thread-facts.js';

export interface DetectInput {
  trace: HostTrace;
  thread: HostThread;
  facts: ThreadFacts;
  fileName: string;
  guest: GuestSide | null;
  base: Profile;
  kernel?: string;
}

/** tsc estimate within this many of its standard errors (or 0.05 %) of the base's rate: keep the base's. */
const TSC_AGREES_SIGMAS = 3;

function tscOf(trace: HostTrace, base: Profile): Detection['tsc'] {
  const est = trace.tsc;
  if (!est) return { khz: base.tsc_khz, basis: 'base', note: `the trace does not give the TSC rate; ${base.name}'s ${base.tsc_khz} kHz is used` };
  const rel = Math.abs(est.khz - base.tsc_khz) / base.tsc_khz;
  if (rel <= Math.max((TSC_AGREES_SIGMAS * est.uncertaintyPct) / 100, 0.0005)) {
    return { khz: base.tsc_khz, basis: 'base', note: `estimated ${est.khz} kHz ± ${est.uncertaintyPct.toFixed(3)} % (${est.method}), consistent with ${base.name}'s ${base.tsc_khz} kHz, which is kept` };
  }
  return { khz: est.khz, basis: 'estimated', note: `estimated ${est.khz} kHz ± ${est.uncertaintyPct.toFixed(3)} % from ${est.method}` };
}

export function detect(input: DetectInput): Detection {
  const { facts: f, thread, trace } = input;
  const tsc = tscOf(trace, input.base);
  const armed = f.hvArmed + f.preemptionTimerExits;
  let strategy: string;
  let strategyEvidence: string;
  if (armed > 0) {
    strategy = 'vmx-preemption';
    strategyEvidence = `${f.preemptionTimerExits} PREEMPTION_TIMER exits and ${f.hvArmed} armed kvm_hv_timer_state (hv_timer 1); ${f.hrtimerExpiries} apic_timer_fn expiries while the vCPU was blocked`;
  } else if (f.hrtimerExpiries > 0) {
    strategy = 'hrtimer';
    strategyEvidence = `${f.hrtimerExpiries} apic_timer_fn hrtimer expiries and no PREEMPTION_TIMER exit or armed kvm_hv_timer_state`;
  } else {
    throw new CalibrationInputError(input.fileName, 'no timer expiry of the vCPU to tell the strategy by');
  }
  const perCycle = f.hltExits / Math.max(1, f.expiries);
  const guest: Detection['guest'] = perCycle >= 0.5 ? 'halt' : 'busy';
  const guestEvidence = `${f.hltExits} HLT exits in ${f.expiries} timer cycles (${perCycle.toFixed(2)} per cycle)`;
  const writesPerCycle = f.deadlineWrites / Math.max(1, f.expiries);
  const cyclictest = input.guest ? input.guest.workload === 'cyclictest' : writesPerCycle > 1.5;
  const settings: Detection['settings'] = {};
  const workloadEvidence = input.guest
    ? `the guest-side file is ${input.guest.format}`
    : `${f.deadlineWrites} TSC_DEADLINE writes in ${f.expiries} timer cycles (${writesPerCycle.toFixed(2)} per cycle${cyclictest ? ': a guest kernel reprogramming its clock event, as under cyclictest' : ': one re-arm per interrupt, as tscdeadline_latency does'})`;
  let workload: string;
  if (cyclictest) {
    workload = 'cyclictest';
    settings.guestIdle = guest === 'halt' ? 'hlt' : 'poll';
    // the deadline armed at each expiry is the thread's wake-up: they are one interval apart
    const interval = f.armedSpacing === null ? null : Math.round((f.armedSpacing * 1000) / tsc.khz);
    if (interval !== null && interval >= 10 && interval <= 10_000_000) settings.interval = interval;
  } else {
    workload = guest === 'halt' ? 'tscdeadline-halt' : 'tscdeadline-busy';
    if (f.deadlineSpacing !== null) {
      const delta = Math.round(f.deadlineSpacing - Math.max(0, f.lapicMedian ?? 0));
      if (delta >= 1000 && delta <= 1e11) settings.delta = delta;
    }
  }
  const judged = judgeKernel({ facts: f, formats: trace.formats, haltPollShrinkTo: trace.haltPollShrinkTo });
  const kernel = (input.kernel === undefined ? kernelFromTrace(judged.kernel, input.base) : null) ?? kernelSettings(input.kernel);
  Object.assign(settings, kernel.set);
  const placement = f.hvBeforeBlock > 0 && f.hvBeforeBlock >= f.hvAtUnblock ? 'before-block' : f.hvAtUnblock > 0 ? 'at-unblock' : 'none';
  const waits = f.wakeupPoll + f.wakeupWait;
  const haltPoll =
    waits > 0
      ? { polled: f.wakeupPoll, slept: f.wakeupWait, note: `halt-polling caught ${f.wakeupPoll} of ${waits} wake-ups (kvm_vcpu_wakeup)` }
      : guest === 'halt'
        ? { polled: 0, slept: f.sleptBlocks, note: f.sleptBlocks > 0 ? `the vCPU thread switched away in ${f.sleptBlocks} blocks (sched_switch)` : 'the trace does not say whether halt-polling caught the wake-ups (no kvm_vcpu_wakeup or sched_switch events)' }
        : null;
  const counts: Record<string, number> = {
    timerExpiries: f.expiries,
    preemptionTimerExits: f.preemptionTimerExits,
    hrtimerExpiries: f.hrtimerExpiries,
    hltExits: f.hltExits,
    deadlineWrites: f.deadlineWrites,
    hvTimerArmed: f.hvArmed,
    hvTimerSoftware: f.hvSoftware,
    lapicExpireEarly: f.lapicEarly,
    lapicExpireLate: f.lapicLate,
  };
  return {
    strategy,
    strategyEvidence,
    guest,
    guestEvidence,
    workload,
    workloadEvidence,
    settings,
    kernel: judged.kernel,
    kernelGiven: kernel.given,
    mechanisms: judged.findings,
    hvTimerStatePlacement: placement,
    haltPoll,
    tsc,
    resolutionNs: trace.resolution.stepNs,
    resolutionNote: trace.resolution.note,
    vcpu: { thread: thread.pid, vcpu: thread.vcpuIds[0] ?? null, comm: thread.comm, cpu: thread.cpu },
    timerCycles: f.expiries,
    counts,
  };
}
