/**
 * What `--repeat N` adds to the output: the runs grouped by configuration (all but the seed, the
 * API's rule: configurationKey), with each group's spread across runs, as text beside the per-run
 * statistics and as the `--json` `configurations` list (`across: {n, mean, ciLow, ciHigh, stddev}`).
 * Must not import the engine.
 */
import type { RunDetail } from '../../src-shared/contract.js';
import { configurationKey } from '../api/index.js';

export interface ConfigurationOut {
  workload: string;
  strategy: string;
  profile: string;
  set: Record<string, unknown>;
  seeds: number[];
  runIds: number[];
  across: { n: number; mean: number; ciLow: number; ciHigh: number; stddev: number } | null;
}

/** Runs grouped by their stored configuration, in order of first appearance; `sets` (the --set of each run) are shown. */
export function configurations(details: readonly RunDetail[], sets: ReadonlyArray<Record<string, unknown>>): ConfigurationOut[] {
  const out = new Map<string, ConfigurationOut>();
  details.forEach((d, i) => {
    const set = sets[i] ?? {};
    const key = d.config ? configurationKey(d.config) : `run ${d.id}`;
    const c = out.get(key) ?? { workload: d.workload, strategy: d.strategy, profile: d.profile, set, seeds: [], runIds: [], across: null };
    c.seeds.push(d.seed ?? 0);
    c.runIds.push(d.id);
    const a = d.repeats;
    if (a && !c.across) c.across = { n: a.n, mean: a.mean, ciLow: a.ciLow, ciHigh: a.ciHigh, stddev: a.stddev };
    out.set(key, c);
  });
  return [...out.values()];
}

const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

/** "hrtimer across 5 runs (seeds 1–5): mean 3196.1 ± 2.3 cycles (95 % CI 3193.8 … 3198.4), stddev 1.9 between runs". */
export function acrossText(c: ConfigurationOut, unit: string): string {
  const seeds = c.seeds.length > 1 ? `seeds ${Math.min(...c.seeds)}–${Math.max(...c.seeds)}` : `seed ${c.seeds[0] ?? ''}`;
  const what = [c.strategy, ...Object.entries(c.set).map(([k, v]) => `${k}=${String(v)}`)].join(' ');
  if (!c.across) return `${what} (${seeds}): fewer than two finished runs, no spread across runs`;
  const a = c.across;
  return `${what} across ${a.n} runs (${seeds}): mean ${num(a.mean)} ± ${num((a.ciHigh - a.ciLow) / 2)} ${unit} (95 % CI ${num(a.ciLow)} … ${num(a.ciHigh)}), stddev ${num(a.stddev)} between runs`;
}
