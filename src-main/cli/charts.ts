/**
 * Chart export from the CLI: the same chart specs the app draws (src-shared/charts), written as
 * SVG by the shared SVG renderer, or as PNG by rasterising that SVG with @napi-rs/canvas (Skia).
 * Must not import the engine.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { COMPARE_CHART_KINDS, compareChart, renderSvg, RUN_CHARTS, runChart, type ChartSpec, type CompareChartKind } from '../../src-shared/charts/index.js';
import type { CliContext } from './context.js';
import { UsageError } from './args.js';

export const CHART_KINDS = COMPARE_CHART_KINDS;
export type ChartKind = CompareChartKind;

async function chartSpec(ctx: CliContext, ids: number[], kind: ChartKind): Promise<ChartSpec> {
  let spec: ChartSpec | null;
  if (ids.length === 1) {
    const single = RUN_CHARTS.find((c) => c.kind === kind);
    if (!single) throw new UsageError(`--chart ${kind} needs at least two runs (it comes from a comparison)`);
    const d = await ctx.call('runs:get', { id: ids[0]! });
    const h = kind === 'histogram' ? await ctx.call('runs:histogram', { id: d.id }) : null;
    spec = runChart(d, h, single.kind);
  } else {
    spec = compareChart(await ctx.call('compare', { ids }), kind);
  }
  if (!spec) throw new UsageError(`--chart ${kind}: these runs have nothing to draw (a critical path exists for simulated runs only)`);
  return spec;
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
