/**
 * Which kernel a host trace comes from, judged from where its events fall and how they are
 * printed, one rule per kernel mechanism (the release each first appeared in, per the kernel
 * sources: restart_apic_timer 4.13, kvm_wait_lapic_expire moved before VM entry 5.3 and its trace
 * back before the spin 5.19, kvm_apicv_accept_irq 5.17, tracepoint formats 5.4 / 5.10 / 6.0 / 6.9
 * / 6.14, halt_poll_ns_shrink default 2 in 6.11). Each rule that applies narrows the set of
 * releases the trace can come from; a rule the trace says nothing about is reported as unknown.
 * Adding a rule is one entry in RULES. Pure: must not import node:*, electron or better-sqlite3.
 */
import type { KernelFinding, KernelRange } from '../../src-shared/calibration.js';
import { compareReleases, MECHANISMS, NEWEST_READ_KERNEL, OLDEST_KERNEL, parseRelease, type MechanismId, type Release } from '../../src-shared/kernels.js';
import type { TraceFormats } from './host-trace.js';
import type { ThreadFacts } from './thread-facts.js';

/** The last minor release of each finished major line (4.20 was followed by 5.0, 5.19 by 6.0). */
const LAST_MINOR: Readonly<Record<number, number>> = { 4: 20, 5: 19 };

function releaseOf(text: string): Release {
  const r = parseRelease(text);
  if (!r) throw new Error(`not a release: ${text}`);
  return r;
}

/** Upstream releases the rules speak about, OLDEST_KERNEL to NEWEST_READ_KERNEL, oldest first. */
const RELEASES: readonly string[] = (() => {
  const newest = releaseOf(NEWEST_READ_KERNEL);
  const list: string[] = [];
  for (let r = releaseOf(OLDEST_KERNEL); compareReleases(r, newest) <= 0; ) {
    list.push(`${r.major}.${r.minor}`);
    r = r.minor >= (LAST_MINOR[r.major] ?? Infinity) ? { major: r.major + 1, minor: 0, patch: 0 } : { ...r, minor: r.minor + 1 };
  }
  return list;
})();

/** The first release with mechanism `id`. */
function since(id: MechanismId): string {
  return MECHANISMS[id].since;
}

/** The last release without mechanism `id`. */
function before(id: MechanismId): string {
  const i = RELEASES.indexOf(since(id));
  if (i < 1) throw new Error(`${id}: no release before ${since(id)} in ${OLDEST_KERNEL}–${NEWEST_READ_KERNEL}`);
  return RELEASES[i - 1]!;
}

/** Releases from `min` to `max` (inclusive; either may be open). */
function span(min: string | null, max: string | null): Set<string> {
  const lo = min === null ? null : releaseOf(min);
  const hi = max === null ? null : releaseOf(max);
  return new Set(
    RELEASES.filter((text) => {
      const r = releaseOf(text);
      return (lo === null || compareReleases(r, lo) >= 0) && (hi === null || compareReleases(r, hi) <= 0);
    }),
  );
}

export interface KernelEvidence {
  facts: ThreadFacts;
  formats: TraceFormats;
  /** kvm_halt_poll_ns shrink pairs [new, old, new, old, …]. */
  haltPollShrinkTo: readonly number[];
}

interface Rule {
  id: string;
  name: string;
  judge(e: KernelEvidence): { present: boolean; evidence: string; releases: Set<string>; text: string } | null;
}

const RULES: readonly Rule[] = [
  {
    id: 'M3',
    name: `kvm_hv_timer_state placement around HLT (restart_apic_timer, ${since('expired_inject')})`,
    judge({ facts: f }) {
      if (f.hvBeforeBlock === 0 && f.hvAtUnblock === 0) return null;
      if (f.hvBeforeBlock >= f.hvAtUnblock) {
        return {
          present: true,
          evidence: `${f.hvBeforeBlock} HLT exits trace kvm_hv_timer_state before the vCPU blocks (start_sw_timer on the switch to the software timer)`,
          releases: span(since('expired_inject'), null),
          text: `${since('expired_inject')} or later`,
        };
      }
      return {
        present: false,
        evidence: `${f.hvAtUnblock} HLT exits trace kvm_hv_timer_state only at unblock (start_hv_tscdeadline in the switch back), as ${OLDEST_KERNEL}–${before('expired_inject')} do`,
        releases: span(null, before('expired_inject')),
        text: `${before('expired_inject')} or earlier`,
      };
    },
  },
  {
    id: 'M5',
    name: `kvm_wait_lapic_expire placement (moved into vmx_vcpu_run in ${since('wait_before_vmentry')}, traced before the spin again in ${since('wait_trace_before_spin')})`,
    judge({ facts: f }) {
      if (f.lapicAfterEntry + f.lapicAfterExit === 0) return null;
      if (f.lapicAfterExit > f.lapicAfterEntry) {
        return { present: true, evidence: `${f.lapicAfterExit} kvm_wait_lapic_expire events follow the next kvm_exit (traced after the VM exit)`, releases: span(since('wait_before_vmentry'), before('wait_trace_before_spin')), text: `${since('wait_before_vmentry')}–${before('wait_trace_before_spin')}` };
      }
      const out = span(null, before('wait_before_vmentry'));
      for (const r of span(since('wait_trace_before_spin'), null)) out.add(r);
      return { present: false, evidence: `${f.lapicAfterEntry} kvm_wait_lapic_expire events follow their kvm_entry (traced before entering the guest)`, releases: out, text: `${before('wait_before_vmentry')} or earlier, or ${since('wait_trace_before_spin')} or later` };
    },
  },
  {
    id: 'M16h',
    name: `kvm_apicv_accept_irq tracepoint (${since('trace_apicv_accept_irq')})`,
    judge({ facts: f }) {
      if (f.apicvAccept === 0) return null;
      return { present: true, evidence: `${f.apicvAccept} kvm_apicv_accept_irq events`, releases: span(since('trace_apicv_accept_irq'), null), text: `${since('trace_apicv_accept_irq')} or later` };
    },
  },
  {
    id: 'M16g',
    name: `kvm_inj_virq format ("irq N" until ${before('trace_inj_virq_vector')}, "IRQ 0x.." from ${since('trace_inj_virq_vector')})`,
    judge({ formats }) {
      if (formats.injVirqNew) return { present: true, evidence: 'kvm_inj_virq prints "IRQ 0x…"', releases: span(since('trace_inj_virq_vector'), null), text: `${since('trace_inj_virq_vector')} or later` };
      if (formats.injVirqOld) return { present: false, evidence: 'kvm_inj_virq prints "irq N"', releases: span(null, before('trace_inj_virq_vector')), text: `${before('trace_inj_virq_vector')} or earlier` };
      return null;
    },
  },
  {
    id: 'M16a',
    name: `kvm_exit format (vcpu field 5.4, info1/info2 ${since('trace_entry_rip')}, requests 6.14)`,
    judge({ formats }) {
      if (formats.kvmExitRequests) return { present: true, evidence: 'kvm_exit prints "requests"', releases: span('6.14', null), text: '6.14 or later' };
      if (formats.kvmExitInfo1) return { present: true, evidence: 'kvm_exit prints "info1 … intr_info"', releases: span(since('trace_entry_rip'), null), text: `${since('trace_entry_rip')} or later` };
      if (formats.kvmExitWithVcpu) return { present: true, evidence: 'kvm_exit prints "vcpu N"', releases: span('5.4', null), text: '5.4 or later' };
      return null; // trace-cmd's kvm plugin prints the old layout for every kernel
    },
  },
  {
    id: 'M16c',
    name: `kvm_entry format (", rip" ${since('trace_entry_rip')}, [immediate exit] 6.9, intr_info 6.14)`,
    judge({ formats }) {
      if (formats.kvmEntryIntrInfo) return { present: true, evidence: 'kvm_entry prints "intr_info"', releases: span('6.14', null), text: '6.14 or later' };
      if (formats.kvmEntryImmediate) return { present: true, evidence: 'kvm_entry prints "[immediate exit]"', releases: span('6.9', null), text: '6.9 or later' };
      if (formats.kvmEntryCommaRip) return { present: true, evidence: 'kvm_entry prints "vcpu N, rip …"', releases: span(since('trace_entry_rip'), null), text: `${since('trace_entry_rip')} or later` };
      return null; // "vcpu N rip …" is trace-cmd's kvm plugin; a bare "vcpu N" is said nothing about
    },
  },
  {
    id: 'M14h',
    name: `halt_poll_ns_shrink default (0 until ${before('halt_poll_shrink_halve')}, 2 from ${since('halt_poll_shrink_halve')})`,
    judge({ haltPollShrinkTo: s }) {
      let toZero = 0;
      let halved = 0;
      for (let i = 0; i + 1 < s.length; i += 2) {
        if (s[i] === 0 && s[i + 1]! > 0) toZero++;
        else if (s[i + 1]! > 0 && Math.abs(s[i]! * 2 - s[i + 1]!) <= 1) halved++;
      }
      if (toZero > 0 && halved === 0) return { present: false, evidence: `kvm_halt_poll_ns shrinks to 0 (${toZero}×)`, releases: span(null, before('halt_poll_shrink_halve')), text: `${before('halt_poll_shrink_halve')} or earlier (with the default halt_poll_ns_shrink)` };
      if (halved > 0 && toZero === 0) return { present: true, evidence: `kvm_halt_poll_ns halves the window (${halved}×)`, releases: span(since('halt_poll_shrink_halve'), null), text: `${since('halt_poll_shrink_halve')} or later (with the default halt_poll_ns_shrink)` };
      return null;
    },
  },
];

/** The releases a sorted set covers, as "4.9–4.12" or "4.9–4.12, 5.19–6.19". */
function rangesText(set: ReadonlySet<string>): { text: string; min: string | null; max: string | null } {
  const parts: string[] = [];
  let start: string | null = null;
  let prev: string | null = null;
  for (const r of RELEASES) {
    if (set.has(r)) {
      start ??= r;
      prev = r;
    } else if (start !== null) {
      parts.push(start === prev ? start : `${start}–${prev}`);
      start = null;
    }
  }
  if (start !== null) parts.push(start === prev ? start : `${start}–${prev}`);
  const list = RELEASES.filter((r) => set.has(r));
  return { text: parts.join(', '), min: list[0] ?? null, max: list[list.length - 1] ?? null };
}

/** Every rule's finding, and the releases all the findings together allow. */
export function judgeKernel(e: KernelEvidence): { findings: KernelFinding[]; kernel: KernelRange | null } {
  const findings: KernelFinding[] = [];
  let allowed = new Set(RELEASES);
  const basis: string[] = [];
  for (const rule of RULES) {
    const j = rule.judge(e);
    if (!j) {
      findings.push({ id: rule.id, name: rule.name, present: null, evidence: 'the trace does not show it', releases: 'any' });
      continue;
    }
    findings.push({ id: rule.id, name: rule.name, present: j.present, evidence: j.evidence, releases: j.text });
    const next = new Set([...allowed].filter((r) => j.releases.has(r)));
    if (next.size === 0) {
      findings[findings.length - 1]!.evidence += ' (contradicts the other findings; ignored)';
      continue;
    }
    allowed = next;
    basis.push(rule.id);
  }
  if (basis.length === 0) return { findings, kernel: null };
  const r = rangesText(allowed);
  return { findings, kernel: { releases: r.text, min: r.min, max: r.max, basis } };
}
