/** @module The vega-lite spec of linear, scatter, smooth and bar plots: one colour per revision (per field when there is one revision). */
import { CONFIG, HEIGHT, WIDTH, chartBase, type VegaLiteSpec } from './chart-config.js';
import { colour } from './palette.js';
import type { Plot } from './plot.js';
import { numericX, plotSeries, seriesLabel, type Series } from './plot-series.js';

/**
 * With several revisions and several y fields, colour tells the revision and the dash (or the
 * point shape) the field; bars then get a colour per (revision, field).
 */
export function xyChartSpec(plot: Plot): VegaLiteSpec {
  const series = plotSeries(plot).filter((s) => s.points.length > 0);
  const revisionCount = plot.revisions.length;
  const quantitative = plot.template !== 'bar' && numericX(series);
  const template = plot.template === 'smooth' && !quantitative ? 'linear' : plot.template;
  const splitField = plot.y.length > 1 && revisionCount > 1 && template !== 'bar';
  const values = series.flatMap((s) =>
    s.points.map((p) => ({ x: p.x, y: p.y, rev: s.revision, field: s.field, series: seriesLabel(s, plot, revisionCount) })),
  );

  const x = quantitative
    ? { field: 'x', type: 'quantitative', title: plot.xLabel, scale: { zero: false } }
    : { field: 'x', type: 'ordinal', title: plot.xLabel, sort: null, axis: { labelAngle: 0, labelOverlap: true } };
  const y = { field: 'y', type: 'quantitative', title: plot.yLabel, scale: { zero: template === 'bar' } };
  const encoding: Record<string, unknown> = { x, y, color: colourEncoding(plot, series, splitField) };
  if (splitField) {
    const channel = template === 'scatter' ? 'shape' : 'strokeDash';
    encoding[channel] = { field: 'field', type: 'nominal', scale: { domain: [...plot.y] }, legend: { title: 'field' } };
  }
  if (template === 'bar' && series.length > 1) encoding.xOffset = { field: 'series', type: 'nominal', sort: null };

  const longest = Math.max(0, ...series.map((s) => s.points.length));
  const body: VegaLiteSpec =
    template === 'smooth'
      ? {
          encoding,
          // The smoothed line first: the legend takes its symbols from the first layer.
          layer: [
            { transform: [{ loess: 'y', on: 'x', groupby: ['series', 'rev', 'field'], bandwidth: 0.3 }], mark: { type: 'line', strokeWidth: 2 } },
            { mark: { type: 'line', opacity: 0.25 } },
          ],
        }
      : template === 'scatter'
        ? { mark: { type: 'point', filled: true, size: 30, opacity: 0.8 }, encoding }
        : template === 'bar'
          ? { mark: { type: 'bar' }, encoding }
          : { mark: { type: 'line', strokeWidth: 2, ...(longest <= 30 ? { point: { filled: true, size: 24 } } : {}) }, encoding };
  return { ...chartBase(plot), width: WIDTH, height: HEIGHT, data: { values }, ...body, config: CONFIG };
}

function colourEncoding(plot: Plot, series: readonly Series[], splitField: boolean): Record<string, unknown> {
  if (splitField) {
    const revs = unique(series.map((s) => [s.revision, colour(s.revisionIndex).hex] as const));
    return { field: 'rev', type: 'nominal', scale: { domain: revs.map((r) => r[0]), range: revs.map((r) => r[1]) }, legend: { title: 'revision' } };
  }
  const revisionCount = plot.revisions.length;
  const byField = plot.y.length > 1 && revisionCount <= 1;
  const entries = unique(
    series.map((s, i) => {
      const index = plot.y.length <= 1 ? s.revisionIndex : byField ? plot.y.indexOf(s.field) : i;
      return [seriesLabel(s, plot, revisionCount), colour(index).hex] as const;
    }),
  );
  const title = plot.y.length <= 1 ? 'revision' : byField ? 'field' : 'revision: field';
  return { field: 'series', type: 'nominal', scale: { domain: entries.map((e) => e[0]), range: entries.map((e) => e[1]) }, legend: { title } };
}

function unique<T extends readonly [string, string]>(pairs: readonly T[]): T[] {
  const seen = new Set<string>();
  return pairs.filter(([k]) => !seen.has(k) && seen.add(k));
}
