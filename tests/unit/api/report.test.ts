// The HTML report says what the app says: p-values in the shared wording ("< 1e-15"), the exact
// maxima in the axis titles and the table alike, the app's warnings, only the parameters that act
// on each run, figure footers, and the spread across repeats.
import { describe, expect, it } from 'vitest';
import { escapeXml, formatNumber } from '../../../src-shared/charts/index.js';
import { EXIT_TABLE_LIMITS, exitReasonTable, sharePctText } from '../../../src-shared/exit-reason-rows.js';
import { CI_MEAN_LABEL, CI_P99_LABEL, intervalText } from '../../../src-shared/verdict.js';
import { openLab } from './helpers.js';

async function exportHtml(t: ReturnType<typeof openLab>, ids: number[]): Promise<string> {
  return (await t.call('export', { ids, format: 'html' })).content;
}

describe('HTML report', () => {
  it('writes p below the floor as "< 1e-15", the exact maxima and the footer', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      name: 'busy pair',
      runs: [
        { workload: 'tscdeadline-busy', strategy: 'hrtimer', samples: 20_000, seed: 3 },
        { workload: 'tscdeadline-busy', strategy: 'vmx-preemption', samples: 20_000, seed: 3 },
      ],
    });
    for (const id of runIds) expect(await t.lab.waitForRun(id)).toBe('done');
    const c = await t.call('compare', { ids: runIds });
    expect(c.runs[1]!.pValue).toBeLessThan(1e-15); // a 25 % shift over 20 000 samples
    const html = await exportHtml(t, runIds);
    const pCells = [...html.matchAll(/<td class="p">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(pCells).toEqual(['', '&lt; 1e-15']);
    expect(html).not.toMatch(/0\.00e\+0|>0<\/td><td class="l">Mann/);
    // The histogram's axis title carries the same maxima as the table.
    const maxes = c.runs.map((r) => r.max!.toLocaleString('en-US'));
    expect(html).toContain(`max ${maxes.join(' / ')}`);
    for (const m of maxes) expect(html).toContain(`<td>${m}</td>`);
    // Footer of every figure: runs, profile, kernel, seed, engine.
    expect(html).toMatch(new RegExp(`class="footer"[^>]*>runs #${runIds[0]} hrtimer, #${runIds[1]} vmx-preemption · profile HSW-2016 · kernel 4\\.9 · seed 3 · Timer Lab engine \\d`));
    // Both intervals of the difference, in the shared wording and format.
    expect(html).toContain(`<th>${CI_MEAN_LABEL}</th><th>${CI_P99_LABEL}</th>`);
    expect(c.runs[1]!.ci95P99).not.toBeNull();
    expect(html).toContain(`<td>${escapeXml(intervalText(c.runs[1]!.ci95))}</td><td>${escapeXml(intervalText(c.runs[1]!.ci95P99))}</td>`);
    // The delta chart and the waterfall are there.
    expect(html).toContain('Difference to the baseline by percentile');
    expect(html).toContain('Where the cycles go, in execution order');
  });

  it('lists only the parameters that act on each run, and the app\'s warnings', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      name: 'cyc',
      runs: [
        { workload: 'cyclictest', strategy: 'hrtimer', samples: 300, set: { hostIrqRateHz: 5000 } },
        { workload: 'tscdeadline-halt', strategy: 'vmx-preemption', samples: 300, set: { 'mech.hlt_fastpath': 'off' } },
      ],
    });
    for (const id of runIds) await t.lab.waitForRun(id);
    const html = await exportHtml(t, runIds);
    const paramCells = [...html.matchAll(/<td class="l">([a-zA-Z]+=[^<]*)<\/td><\/tr>/g)].map((m) => m[1] as string);
    expect(paramCells).toHaveLength(2);
    const [cyc, halt] = paramCells as [string, string];
    expect(cyc).toContain('interval=1000');
    expect(cyc).not.toContain('delta=');
    expect(cyc).not.toContain('hostIrqRateHz'); // host noise is off: the rate does nothing
    expect(cyc).not.toContain('immediateShortcut'); // hrtimer does not read it
    expect(cyc).not.toContain('X=');
    expect(halt).toContain('delta=200000');
    expect(halt).not.toContain('interval=');
    expect(halt).toContain('X=5');
    expect(halt).toContain('mech.hlt_fastpath=off'); // a switched mechanism, as --set writes it
    expect(paramCells.join()).not.toContain('[object');
    const c = await t.call('compare', { ids: runIds });
    expect(c.warnings.length).toBeGreaterThan(0);
    expect(html).toContain('<h2>Check before comparing</h2>');
    for (const w of c.warnings) expect(html).toContain(w.replace(/&/g, '&amp;'));
  });

  it('a single run\'s report has its exit reasons with their shares of the exits and of the exit time', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', { runs: [{ workload: 'tscdeadline-halt', strategy: 'hrtimer', samples: 500, seed: 5 }] });
    await t.lab.waitForRun(runIds[0]!);
    const run = await t.call('runs:get', { id: runIds[0]! });
    const table = exitReasonTable(run.summary!.exits);
    expect(table.rows.length).toBeGreaterThan(0);
    const html = await exportHtml(t, [runIds[0]!]);
    expect(html).toContain('<h2>Exit reasons</h2>');
    expect(html).toContain('<th>exits %</th><th>host cycles</th><th>per exit</th><th>exit time %</th>');
    for (const e of table.rows) {
      expect(html).toContain(`<tr><td class="l">${e.reason}</td><td>${formatNumber(e.count)}</td><td>${sharePctText(e.countPct)}</td><td>${formatNumber(e.hostCycles)}</td>`);
      expect(html).toContain(`<td>${sharePctText(e.timePct)}</td></tr>`);
    }
    expect(html).toContain(EXIT_TABLE_LIMITS);
  });

  it('reports the spread across repeats of a single run', async () => {
    const t = openLab();
    const { runIds } = await t.call('experiments:submit', {
      name: 'rep',
      runs: [1, 2, 3].map((seed) => ({ workload: 'tscdeadline-halt' as const, strategy: 'hrtimer' as const, samples: 500, seed })),
    });
    for (const id of runIds) await t.lab.waitForRun(id);
    const html = await exportHtml(t, [runIds[0]!]);
    expect(html).toMatch(/Across 3 runs of this configuration \(runs #\d+, #\d+, #\d+\): mean [\d,.]+ \(95 % CI/);
  });
});
