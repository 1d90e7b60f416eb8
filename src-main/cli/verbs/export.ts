/** `timer-lab export`: runs as a file (every export format of the app) or a chart as PNG/SVG. */
import { resolve } from 'node:path';
import { EXPORT_FORMATS } from '../../../src-shared/export-formats.js';
import { idArgs, UsageError } from '../args.js';
import { CHART_KINDS, renderChartFile } from '../charts.js';
import { requireOne } from '../run-spec.js';
import { defineVerb } from '../verb.js';

const FORMATS = [...EXPORT_FORMATS, 'png', 'svg'] as const;

export const exportVerb = defineVerb({
  name: 'export',
  summary: 'write runs (or a chart of them) to a file',
  positionals: 'ID…',
  options: {
    format: { type: 'string', value: FORMATS.join('|'), help: 'file format (png and svg draw a chart)' },
    out: { type: 'string', value: 'FILE', help: 'where to write it' },
    chart: { type: 'string', value: CHART_KINDS.join('|'), help: 'the chart for png/svg (default: histogram for one run, cdf for several)' },
    'trace-ts': { type: 'string', value: 'us|ns', default: 'us', help: 'timestamps of a trace-cmd export: µs or ns (report -t)' },
  },
  async run(ctx, v, positionals) {
    const ids = idArgs(positionals);
    const format = requireOne('format', v.format, FORMATS);
    if (!v.out) throw new UsageError('--out FILE is required');
    const out = ctx.outputFile('out', v.out);
    if (format === 'png' || format === 'svg') {
      const chart = requireOne('chart', v.chart ?? (ids.length > 1 ? 'cdf' : 'histogram'), CHART_KINDS);
      out.write(await renderChartFile(ctx, ids, chart, format));
    } else {
      const traceTs = requireOne('trace-ts', v['trace-ts'], ['us', 'ns'] as const);
      const file = await ctx.call('export', { ids, format, traceTs });
      out.write(file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content);
    }
    ctx.out(ctx.json ? JSON.stringify({ out: resolve(v.out), format }) : `wrote ${v.out}`);
    return 0;
  },
});
