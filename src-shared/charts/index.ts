/** Chart data shapes and the pure SVG writer shared by the renderer, the CLI and the HTML report. */
export * from './spec.js';
export * from './axes.js';
export * from './histogram-chart.js';
export { thinMinMax, cdfChart, SPECTRUM_TICKS, sweepChart, SWEEP_LOG_RATIO, type NamedCdf, type SweepPoint, type SweepChartOptions } from './shape.js';
export * from './delta-chart.js';
export * from './path-chart.js';
export * from './trace-timeline.js';
export * from './svg.js';
export * from './catalog.js';
