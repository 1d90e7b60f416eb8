/**
 * The critical path as a waterfall: rows in execution order (groups, or their steps when a group
 * is expanded), and in each row one bar per run from where that part of the path starts to where
 * it ends, so the bars step down and across like the expiry itself. Group rows take the group's
 * colour, step rows the step's own. Pure TypeScript: no DOM, no chart.js.
 */
import { pathRows, rowCycles } from '../critical-path.js';
import type { WaterfallChartSpec } from './spec.js';
import { GROUP_COLORS, stepColorByName } from './spec.js';

export interface NamedPath {
  label: string;
  color: string;
  /** Mean cycles per sample by step (RunSummary.criticalPath). */
  steps: Record<string, number>;
}

export function waterfallChart(paths: readonly NamedPath[], expanded: ReadonlySet<string>, title: string, unit: string): WaterfallChartSpec {
  const rows = pathRows(
    paths.map((p) => p.steps),
    expanded,
  );
  const runs = paths.map((p) => {
    let cursor = 0;
    let groupStart = 0;
    const bars: Array<[number, number] | null> = rows.map((row) => {
      const v = rowCycles(row, p.steps);
      if (row.kind === 'group') {
        groupStart = cursor;
        // A collapsed group advances the path; an expanded one is advanced by its steps.
        if (!expanded.has(row.key)) cursor += v;
        else cursor = groupStart;
        return v > 0 ? [groupStart, groupStart + v] : null;
      }
      const start = cursor;
      cursor += v;
      return v > 0 ? [start, start + v] : null;
    });
    return { label: p.label, color: p.color, bars };
  });
  return {
    kind: 'waterfall',
    title,
    rows: rows.map((r) => ({
      key: r.key,
      label: r.kind === 'group' ? `${expanded.has(r.key) ? '▾' : '▸'} ${r.label}` : r.label,
      color: r.kind === 'group' ? (GROUP_COLORS[r.group.id] ?? '#8C8C8C') : stepColorByName(r.key),
      ...(r.kind === 'step' ? { inGroup: true } : {}),
    })),
    runs,
    value: { label: `mean ${unit} per sample, in execution order`, min: 0 },
    legend: paths.map((p) => ({ label: p.label, color: p.color })),
  };
}
