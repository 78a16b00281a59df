/** @module The vega-lite spec of a plot, by template. */
import { emptyChartSpec, type VegaLiteSpec } from './chart-config.js';
import { confusionSpec } from './confusion-spec.js';
import { foundRevisions, isConfusion, type Plot } from './plot.js';
import { xyChartSpec } from './xy-chart-spec.js';

export function vegaLiteSpec(plot: Plot): VegaLiteSpec {
  if (foundRevisions(plot).length === 0) return emptyChartSpec(plot);
  return isConfusion(plot.template) ? confusionSpec(plot) : xyChartSpec(plot);
}
