/** @module The vega-lite spec of confusion plots: a heat map of counts (or shares of each actual class), one panel per revision. */
import { CONFIG, chartBase, type VegaLiteSpec } from './chart-config.js';
import { confusionMatrices } from './confusion-cells.js';
import type { Plot } from './plot.js';

const CELL = 240;

/** x axis: the plot's x field (actual), y axis: its y field (predicted), as DVC draws them; the cell text is the value. */
export function confusionSpec(plot: Plot): VegaLiteSpec {
  const normalized = plot.template === 'confusion_normalized';
  const matrices = confusionMatrices(plot);
  const values = matrices.flatMap((m) =>
    m.cells.map((c) => {
      const value = normalized ? c.share : c.count;
      return { rev: m.revision, actual: c.actual, predicted: c.predicted, value, label: normalized ? `${(c.share * 100).toFixed(1)}%` : String(c.count) };
    }),
  );
  const max = Math.max(0, ...values.map((v) => v.value));
  const order = (key: 'actual' | 'predicted') => [...new Set(matrices.flatMap((m) => m[key]))];
  const encoding = {
    x: { field: 'actual', type: 'ordinal', sort: order('actual'), title: plot.xLabel, axis: { labelAngle: 0 } },
    y: { field: 'predicted', type: 'ordinal', sort: order('predicted'), title: plot.yLabel },
  };
  const panel = {
    width: CELL,
    height: CELL,
    encoding,
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, normalized ? 1 : Math.max(max, 1)] },
            legend: { title: normalized ? 'share of actual' : 'count', ...(normalized ? { format: '.0%' } : {}) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: `datum.value > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  const base = { ...chartBase(plot), data: { values }, config: CONFIG };
  if (plot.revisions.length <= 1) return { ...base, ...panel };
  return {
    ...base,
    facet: { column: { field: 'rev', type: 'nominal', sort: matrices.map((m) => m.revision), title: null } },
    spec: panel,
  };
}
