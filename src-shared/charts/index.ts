/** Chart data shapes and the pure SVG writer shared by the renderer, the CLI and the HTML report. */
export * from './spec.js';
export * from './shape.js';
export * from './svg.js';
export * from './catalog.js';
