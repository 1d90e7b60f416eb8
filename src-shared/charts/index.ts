/** Chart data shapes and the pure SVG writer shared by the renderer, the CLI and the HTML report. */
export * from './spec.js';
export * from './axes.js';
export * from './histogram-chart.js';
export * from './shape.js';
export * from './sweep-chart.js';
export * from './delta-chart.js';
export * from './path-chart.js';
export * from './trace-timeline.js';
export * from './svg.js';
export * from './catalog.js';
