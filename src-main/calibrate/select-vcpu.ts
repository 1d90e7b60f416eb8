/**
 * Which vCPU thread of a host trace the calibration reads, and every reason a trace cannot be
 * calibrated from (no events, no kvm events, only exits or only entries, no timer expiry, a
 * thread that runs several vCPUs, several vCPUs with timer cycles and none chosen, a chosen vCPU
 * that is not there, a last line cut off). Pure: must not import node:*, electron or
 * better-sqlite3.
 */
import { CalibrationInputError } from './errors.js';
import type { HostThread, HostTrace } from './host-trace.js';

/** Timer cycles a trace needs before anything can be fitted. */
const MIN_TIMER_CYCLES = 3;

function who(t: HostThread): string {
  return `thread ${t.pid}${t.comm ? ` (${t.comm})` : ''}${t.vcpuIds.length ? `, vCPU ${t.vcpuIds.join('/')}` : ''}`;
}

/** The checks that need no choice of vCPU: a whole file with kvm events of some vCPU thread. */
export function checkHostTrace(trace: HostTrace, fileName: string): void {
  if (trace.events === 0) {
    throw new CalibrationInputError(fileName, `no trace events in ${trace.lines} lines: expected a host \`trace-cmd report\` (lines "COMM-PID [CPU] SECONDS: EVENT: FIELDS")`);
  }
  if (trace.lastLine && !trace.lastLine.read) {
    throw new CalibrationInputError(fileName, `the last line is cut off ("${trace.lastLine.text.slice(0, 60)}"): the file is truncated; copy it again whole`, trace.lastLine.lineNo);
  }
  if (trace.kvmEvents === 0) {
    const names = [...trace.eventCounts.keys()].slice(0, 6).join(', ');
    throw new CalibrationInputError(fileName, `no kvm events (the trace has ${names}): record the host with \`trace-cmd record -e kvm -e timer …\` while the guest runs its timer benchmark`);
  }
  if (trace.threads.length === 0) throw new CalibrationInputError(fileName, 'no vCPU thread: no kvm_exit or kvm_entry event');
}

function missingKvmEvents(t: HostThread, fileName: string): void {
  if (t.kvmEntries === 0) throw new CalibrationInputError(fileName, `${who(t)} has kvm_exit events but no kvm_entry: record kvm:kvm_entry too`);
  if (t.kvmExits === 0) throw new CalibrationInputError(fileName, `${who(t)} has kvm_entry events but no kvm_exit: record kvm:kvm_exit too`);
}

export function selectVcpu(trace: HostTrace, fileName: string, vcpu?: number): HostThread {
  checkHostTrace(trace, fileName);
  for (const t of trace.threads) {
    if (t.vcpuChange) {
      throw new CalibrationInputError(fileName, `mixed vCPUs: ${who(t)} reports vCPU ${t.vcpuChange.from} and then vCPU ${t.vcpuChange.to}; a vCPU thread runs one vCPU, so this trace mixes the events of several`, t.vcpuChange.line);
    }
  }
  let candidates = trace.threads;
  if (vcpu !== undefined) {
    candidates = trace.threads.filter((t) => t.vcpuIds.includes(vcpu));
    if (candidates.length === 0) {
      const have = [...new Set(trace.threads.flatMap((t) => t.vcpuIds))].sort((a, b) => a - b);
      throw new CalibrationInputError(fileName, `vCPU ${vcpu} is missing: the trace has ${have.length ? `vCPU ${have.join(', ')}` : 'no vCPU ids'}`);
    }
  }
  const timed = candidates.filter((t) => t.expiries > 0);
  if (timed.length === 0) {
    missingKvmEvents(candidates[0]!, fileName);
    throw new CalibrationInputError(fileName, 'no timer expiry of a vCPU (no PREEMPTION_TIMER exit, no apic_timer_fn hrtimer expiry): record the timer events too (`-e timer`), while the guest runs tscdeadline_latency or cyclictest');
  }
  if (timed.length > 1 && vcpu === undefined) {
    throw new CalibrationInputError(fileName, `mixed vCPUs: ${timed.length} vCPU threads have timer cycles (${timed.slice(0, 4).map(who).join('; ')}): choose one with --vcpu N`);
  }
  const chosen = timed.sort((a, b) => b.expiries - a.expiries)[0]!;
  missingKvmEvents(chosen, fileName);
  if (chosen.expiries < MIN_TIMER_CYCLES) {
    throw new CalibrationInputError(fileName, `only ${chosen.expiries} timer cycle${chosen.expiries === 1 ? '' : 's'} of ${who(chosen)}: at least ${MIN_TIMER_CYCLES} are needed`);
  }
  return chosen;
}
