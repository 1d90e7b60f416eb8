/**
 * The README's tables of hosts, generated from the model: every built-in CPU profile × a few
 * kernels × the strategies that host can run, for the busy, halting, cyclictest and vmexit
 * workloads; and every published figure of src-shared/published-checks.ts beside the model's
 * value with their ratio. `npm run table` prints them (`-- --write` puts them into the README); a
 * unit test keeps the README equal to them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_FIGURES } from '../../src-shared/published-checks.js';
import { usableStrategies } from '../../src-shared/run-checks.js';
import { STRATEGY_INFO } from '../../src-shared/strategies.js';
import { BUILTIN_PROFILES, buildRunConfig, simulate, type MergedRun } from '../../src-main/engine/index.js';
import type { Profile } from '../../src-shared/profile.js';
import type { Strategy } from '../../src-shared/strategies.js';
import type { Workload } from '../../src-shared/workloads.js';

export const TABLE_SAMPLES = 5_000;
export const TABLE_SEED = 1;
/** Kernels shown for every profile besides its default: RHEL 8, Ubuntu 22.04, a 6.12 LTS. */
export const TABLE_KERNELS = ['4.18', '5.15', '6.12'] as const;

function run(profile: Profile, workload: Workload, strategy: Strategy, set: Record<string, string | number>): MergedRun {
  return simulate(buildRunConfig({ workload, strategy, profile, samples: TABLE_SAMPLES, seed: TABLE_SEED, set }));
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const us = (v: number) => (v / 1000).toFixed(1);

/** CPU × kernel × strategy: mean latency of each workload, and what the advance's spin costs. */
export function hostTable(): string {
  const out = [
    '| CPU | kernel | strategy | busy (cycles) | spin/event | halt (cycles) | cyclictest (µs) | vmexit tscdeadline (cycles/iter) |',
    '|---|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const profile of BUILTIN_PROFILES) {
    const kernels = [...new Set([profile.defaultKernel ?? '4.9', ...TABLE_KERNELS])];
    for (const kernel of kernels) {
      for (const strategy of usableStrategies(profile, { kernel })) {
        const set = { kernel };
        const busy = run(profile, 'tscdeadline-busy', strategy, set).summary;
        const halt = run(profile, 'tscdeadline-halt', strategy, set).summary;
        const cyc = run(profile, 'cyclictest', strategy, set).summary;
        const vm = run(profile, 'vmexit-tscdeadline', strategy, set).summary;
        const fallback = busy.warnings?.some((w) => w.includes('falls back') || w.includes('cannot post')) ? ' (falls back)' : '';
        out.push(
          `| ${profile.name} | ${kernel} | ${STRATEGY_INFO[strategy].title}${fallback} | ${n0(busy.latency.mean)} | ${n0(busy.spinCyclesPerTimerEvent ?? 0)} | ${n0(halt.latency.mean)} | ${us(cyc.latencyNs.mean)} | ${n0(vm.latency.mean)} |`,
        );
      }
    }
  }
  return out.join('\n');
}

/** Every published figure beside the model's value. */
export function checksTable(): string {
  const out = ['| figure | CPU | run | published | model | model / published | role | source |', '|---|---|---|--:|--:|--:|---|---|'];
  for (const f of PUBLISHED_FIGURES) {
    const profile = BUILTIN_PROFILES.find((p) => p.name === f.profile)!;
    const model = run(profile, f.workload, f.strategy, f.set).summary.latency.mean;
    const settings = Object.entries(f.set).map(([k, v]) => `${k}=${v}`).join(' ');
    out.push(
      `| ${f.id} | ${f.profile} | ${f.workload}, ${f.strategy}${settings ? `, ${settings}` : ''} | ${n0(f.cycles)} | ${n0(model)} | ${(model / f.cycles).toFixed(2)} | ${f.role} | ${f.source} |`,
    );
  }
  return out.join('\n');
}

/** The README with both tables put between their markers. */
export function withTables(readme: string, tables: { host: string; checks: string }): string {
  const put = (text: string, name: string, table: string) => {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README has no ${start} … ${end} section`);
    return `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`;
  };
  return put(put(readme, 'host-table', tables.host), 'checks-table', tables.checks);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tables = { host: hostTable(), checks: checksTable() };
  if (process.argv.includes('--write')) {
    const file = join(dirname(fileURLToPath(import.meta.url)), '../../../README.md');
    writeFileSync(file, withTables(readFileSync(file, 'utf8'), tables));
    process.stdout.write(`wrote both tables into ${file}\n`);
  } else {
    process.stdout.write(`${tables.host}\n\n${tables.checks}\n`);
  }
}
