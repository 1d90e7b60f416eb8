/**
 * Chart export from the CLI: the same chart specs the app draws (src-shared/charts), written as
 * SVG by the shared SVG renderer, or as PNG by rasterising that SVG with @napi-rs/canvas (Skia).
 * Must not import the engine.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import {
  breakdownChart,
  cdfChart,
  overlaidHistogramChart,
  renderSvg,
  type ChartSpec,
} from '../../src-shared/charts/index.js';
import type { CliContext } from './timer-lab.js';
import { UsageError } from './args.js';

export const CHART_KINDS = ['histogram', 'cdf', 'spectrum', 'breakdown'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

async function chartSpec(ctx: CliContext, ids: number[], kind: ChartKind): Promise<ChartSpec> {
  const details = await Promise.all(ids.map((id) => ctx.call('runs:get', { id })));
  const label = (id: number) => `#${id} ${details.find((d) => d.id === id)?.name ?? ''}`;
  if (ids.length === 1) {
    const d = details[0]!;
    const unit = d.summary?.latency.unit ?? 'cycles';
    if (kind === 'histogram') {
      const h = await ctx.call('runs:histogram', { id: d.id });
      return overlaidHistogramChart([{ label: label(d.id), histogram: h }], unit, true);
    }
    if (kind === 'breakdown') {
      return breakdownChart([{ label: label(d.id), steps: d.summary?.criticalPath ?? {} }], 'Where the cycles go after the deadline', unit);
    }
    throw new UsageError(`--chart ${kind} needs at least two runs (it comes from a comparison)`);
  }
  const c = await ctx.call('compare', { ids });
  switch (kind) {
    case 'histogram':
      return overlaidHistogramChart(c.histograms.map((h) => ({ label: label(h.id), histogram: h.histogram })), c.unit, true);
    case 'cdf':
    case 'spectrum':
      return cdfChart(c.cdf.map((x) => ({ label: label(x.id), points: x.points })), c.unit, kind === 'cdf' ? 'cdf' : 'spectrum');
    case 'breakdown':
      return breakdownChart(c.criticalPath.map((x) => ({ label: label(x.id), steps: x.steps })), 'Where the cycles go after the deadline', c.unit);
  }
}

/** Renders the chart to SVG text or PNG bytes (2× scale, white background). */
export async function renderChartFile(ctx: CliContext, ids: number[], kind: ChartKind, format: 'svg' | 'png'): Promise<string | Buffer> {
  const svg = renderSvg(await chartSpec(ctx, ids, kind));
  if (format === 'svg') return svg;
  return svgToPng(svg, 2);
}

export async function svgToPng(svg: string, scale: number): Promise<Buffer> {
  const img = await loadImage(Buffer.from(svg));
  const canvas = createCanvas(Math.round(img.width * scale), Math.round(img.height * scale));
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.encode('png');
}
