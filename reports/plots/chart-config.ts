/** @module What every chart shares: size, font, white background, the title with a note of the revisions that are missing. */
import { FONT_FAMILY } from './palette.js';
import { missingRevisions, type Plot } from './plot.js';

/** A vega-lite specification, as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

export const WIDTH = 480;
export const HEIGHT = 300;

export const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  view: { stroke: '#ddd' },
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#a33', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 13, titleFontSize: 13 },
} as const;

/** Top-level fields: $schema, title (subtitle: one line per revision the plot is missing at), config. */
export function chartBase(plot: Plot): VegaLiteSpec {
  const missing = plot.revisions.flatMap((r) => (r.state === 'missing' ? [`missing at ${r.revision.name}: ${r.reason}`] : []));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: missing.length > 0 ? { text: plot.title, subtitle: missing } : { text: plot.title },
    config: CONFIG,
  };
}

/** A chart with only the title and a line saying there is nothing to draw at any revision. */
export function emptyChartSpec(plot: Plot): VegaLiteSpec {
  return {
    ...chartBase(plot),
    width: WIDTH,
    height: 80,
    data: { values: [{ text: `No data at ${missingRevisions(plot).join(', ')}` }] },
    mark: { type: 'text', fontSize: 13, color: '#666' },
    encoding: { text: { field: 'text', type: 'nominal' } },
  };
}
