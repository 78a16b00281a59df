/** @module Plots: load the plots pipeline.yaml declares at revisions, render them (SVG, PNG, one HTML page), or describe them for Markdown. */
export { loadPlots, type LoadPlotsOptions } from './load-plots.js';
export { writePlots, type WrittenPlot, type WrittenPlots } from './write-plots.js';
export { toMermaid } from './to-mermaid.js';
export { toMarkdownTable } from './to-markdown-table.js';
export { vegaLiteSpec } from './vega-lite-spec.js';
export type { VegaLiteSpec } from './chart-config.js';
export { TEMPLATES, missingRevisions, type Plot, type PlotAtRevision, type PlotRow, type PlotSet, type Template } from './plot.js';
