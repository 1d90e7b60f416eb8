/**
 * The context of a run in words: what an imported run's file says and does not say (kernel, CPU
 * architecture, TSC rate and how it is known, resolution, VM/vCPU, interval), what a simulated
 * run models, and how the contexts of compared runs differ (another kernel, another CPU profile
 * or vendor, an estimated or assumed TSC rate, a 1 µs resolution, another architecture). Must not import
 * anything but other src-shared modules.
 */
import type { RunDetail } from './contract.js';
import { contextGaps, type MeasureContext } from './measurement.js';

interface Context {
  kernel: string | null;
  machine: string | null;
  virt: MeasureContext['virt'];
  tsc: MeasureContext['tsc'];
  resolutionNs: number | null;
  intervalUs: number | null;
  simulated: boolean;
}

/** The Linux release a profile models, as its description names it ("… Linux 4.9 KVM …"). */
export function profileKernel(description: string): string | null {
  return /\bLinux (\d+\.\d+(?:\.\d+)?)/.exec(description)?.[1] ?? null;
}

/** The Linux release a run models (its `kernel` parameter, else its profile's) or ran (its file's), if known. */
export function runKernel(run: Partial<Pick<RunDetail, 'config' | 'measurement'>>): string | null {
  if (run.measurement) return run.measurement.context.kernel;
  if (!run.config) return null;
  const params = run.config.params as unknown as Record<string, unknown>;
  return typeof params.kernel === 'string' ? params.kernel : profileKernel(run.config.profile.description);
}

function contextOf(run: RunDetail): Context | null {
  if (run.measurement) {
    const c = run.measurement.context;
    return { kernel: c.kernel, machine: c.machine, virt: c.virt, tsc: c.tsc, resolutionNs: c.resolutionNs, intervalUs: c.intervalUs, simulated: false };
  }
  if (!run.config) return null;
  const params = run.config.params as unknown as Record<string, unknown>;
  const kernel = runKernel(run);
  const amd = run.config.profile.vendor === 'amd';
  return {
    kernel,
    machine: `x86_64, ${amd ? 'AMD SVM' : 'Intel VMX'} (simulated)`,
    virt: amd ? 'svm' : 'vmx',
    tsc: { khz: run.config.profile.tsc_khz, basis: 'known', method: `profile ${run.config.profile.name}` },
    resolutionNs: null,
    intervalUs: run.config.workload === 'cyclictest' && typeof params.interval === 'number' ? params.interval : null,
    simulated: true,
  };
}

const VIRT_TITLE: Record<NonNullable<MeasureContext['virt']>, string> = { vmx: 'Intel VMX', svm: 'AMD SVM', arm64: 'arm64' };

function khzText(khz: number): string {
  return `${(khz / 1e6).toFixed(3)} GHz`;
}

/** Lines describing an imported run's context, what it has and what it lacks. */
export function runContextLines(run: RunDetail): string[] {
  const m = run.measurement;
  if (!m) return [];
  const c = m.context;
  const has: string[] = [];
  if (c.kernel) has.push(`kernel ${c.kernel}${c.realtime ? ' (PREEMPT_RT)' : c.realtime === false ? ' (not RT)' : ''}`);
  if (c.machine) has.push(`CPU ${c.machine}`);
  if (c.hostCpus !== null) has.push(`${c.hostCpus} host CPUs`);
  if (c.tsc) has.push(`TSC ${khzText(c.tsc.khz)} ${c.tsc.basis} (${c.tsc.method}${c.tsc.uncertaintyPct !== undefined ? `, ±${c.tsc.uncertaintyPct.toPrecision(2)} %` : ''})`);
  if (c.resolutionNote) has.push(`resolution: ${c.resolutionNote}`);
  if (c.vcpus !== null) has.push(`${c.vcpus} vCPU thread${c.vcpus === 1 ? '' : 's'}${c.vms !== null ? ` in ${c.vms} VM${c.vms === 1 ? '' : 's'}` : ''}`);
  if (c.threads !== null) has.push(`${c.threads} thread${c.threads === 1 ? '' : 's'}`);
  if (c.intervalUs !== null) has.push(`interval ${c.intervalUs} µs`);
  const gaps = contextGaps(c, m.measure);
  return [`context: ${has.join('; ') || 'none given'}`, ...(gaps.length ? [`not in the file: ${gaps.join(', ')}`] : [])];
}

/** Per-run cautions about imported runs' contexts, each as a sentence whose subject is `run N`. */
function runCautions(runs: readonly RunDetail[]): Array<{ id: number; text: string }> {
  const out: Array<{ id: number; text: string }> = [];
  for (const r of runs) {
    const c = contextOf(r);
    if (!c || c.simulated) continue;
    const m = r.measurement;
    const say = (text: string) => out.push({ id: r.id, text });
    if (!c.kernel && runs.some((o) => o.config)) say(`run ${r.id} does not say which kernel it ran (the model's is known)`);
    if (c.tsc?.basis === 'estimated') say(`run ${r.id}: TSC rate estimated, ${khzText(c.tsc.khz)} (${c.tsc.method})`);
    if (c.tsc?.basis === 'assumed') say(`run ${r.id}: TSC rate assumed, ${khzText(c.tsc.khz)}`);
    if (c.resolutionNs !== null && c.resolutionNs >= 1000) say(`run ${r.id} has ${c.resolutionNs / 1000} µs resolution (${m?.context.resolutionNote ?? ''})`);
    if (c.virt === 'arm64' || c.virt === 'svm') say(`run ${r.id} is from an ${c.virt === 'arm64' ? 'arm64' : 'AMD SVM'} host: it has no VMX preemption timer`);
    if (m && m.source.scope === 'merged') say(`run ${r.id} merges ${m.sources.length} sources of its file (${m.sources.map((s) => s.source.label).slice(0, 4).join('; ')}${m.sources.length > 4 ? '; …' : ''})`);
  }
  return out;
}

/**
 * The cautions every compared run shares word for word (e.g. two threads of one histogram file,
 * both at 1 µs resolution): not a difference between them, said once with "every run compared"
 * as the subject.
 */
function splitCautions(runs: readonly RunDetail[]): { own: string[]; shared: string[] } {
  const byText = new Map<string, { ids: Set<number>; texts: string[] }>();
  for (const { id, text } of runCautions(runs)) {
    const key = text.replace(`run ${id}`, 'every run compared');
    const entry = byText.get(key) ?? { ids: new Set<number>(), texts: [] };
    entry.ids.add(id);
    entry.texts.push(text);
    byText.set(key, entry);
  }
  const own: string[] = [];
  const shared: string[] = [];
  for (const [key, { ids, texts }] of byText) {
    if (runs.length > 1 && runs.every((r) => ids.has(r.id))) shared.push(key);
    else own.push(...texts);
  }
  return { own, shared };
}

/** What the compared runs' contexts have in common that a reader should know (see splitCautions). */
export function sharedContextNotes(runs: readonly RunDetail[]): string[] {
  return splitCautions(runs).shared;
}

/** The differences between the runs' contexts a reader of their comparison should know. */
export function contextDifferences(runs: readonly RunDetail[]): string[] {
  const out: string[] = [];
  const ctx = runs.map((r) => ({ r, c: contextOf(r) }));
  const kernels = ctx.filter((x) => x.c?.kernel).map((x) => `run ${x.r.id} ${x.c?.simulated ? 'models' : 'ran'} Linux ${x.c?.kernel}`);
  if (new Set(ctx.map((x) => x.c?.kernel ?? null).filter((k) => k !== null)).size > 1) out.push(`kernels differ: ${kernels.join(', ')}`);
  const simulated = runs.filter((r) => r.config && !r.measurement);
  if (new Set(simulated.map((r) => r.config!.profile.name)).size > 1) {
    out.push(`CPU profiles differ: ${simulated.map((r) => `run ${r.id} models ${r.config!.profile.name}`).join(', ')}`);
  }
  const virts = ctx.filter((x) => x.c?.virt);
  if (new Set(virts.map((x) => x.c?.virt)).size > 1) out.push(`CPU vendors differ: ${virts.map((x) => `run ${x.r.id} ${x.c?.simulated ? 'models' : 'ran on'} ${VIRT_TITLE[x.c!.virt!]}`).join(', ')}`);
  out.push(...splitCautions(runs).own);
  const intervals = ctx.filter((x) => x.c?.intervalUs != null);
  if (new Set(intervals.map((x) => x.c?.intervalUs)).size > 1) out.push(`intervals differ: ${intervals.map((x) => `run ${x.r.id} ${x.c?.intervalUs} µs`).join(', ')}`);
  const tscs = ctx.filter((x) => x.c?.tsc).map((x) => x.c?.tsc?.khz);
  if (new Set(tscs).size > 1) out.push(`TSC rates differ: ${ctx.filter((x) => x.c?.tsc).map((x) => `run ${x.r.id} ${khzText(x.c?.tsc?.khz ?? 0)}`).join(', ')}`);
  return out;
}
