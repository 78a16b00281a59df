/** @module A plot as a Mermaid `xychart-beta` chart, which GitHub draws in comments: no image hosting needed. */
import { colour } from './palette.js';
import { isConfusion, type Plot } from './plot.js';
import { numericX, plotSeries, seriesLabel, type Series } from './plot-series.js';
import { resample } from './resample.js';

/** Enough to show a curve's shape and keep a comment short. */
const MAX_POINTS = 50;

/**
 * The chart's body (without the ``` fences), or undefined for confusion templates and plots with no
 * data. xychart lines share their x positions: a numeric x becomes `x-axis min --> max` with every
 * series interpolated onto ≤ 50 evenly spaced points; categories become `x-axis [..]` (every k-th
 * one past 50). xychart has no legend, so the title names each line's revision (and field) and
 * colour, and an init directive gives the lines the colours of the SVG.
 */
export function toMermaid(plot: Plot): string | undefined {
  if (isConfusion(plot.template)) return undefined;
  const series = plotSeries(plot).filter((s) => s.points.length > 0);
  if (series.length === 0) return undefined;
  const revisionCount = plot.revisions.length;
  const colours = series.map((s, i) => colour(plot.y.length <= 1 ? s.revisionIndex : revisionCount <= 1 ? plot.y.indexOf(s.field) : i));
  const { xAxis, values } = numericX(series) ? numericAxis(plot, series) : categoryAxis(plot, series);
  const mark = plot.template === 'bar' && series.length === 1 ? 'bar' : 'line';
  const legend = series.map((s, i) => `${seriesLabel(s, plot, revisionCount)} (${colours[i]?.name ?? ''})`).join(', ');
  const palette = JSON.stringify({ themeVariables: { xyChart: { plotColorPalette: colours.map((c) => c.hex).join(', ') } } });
  return [
    `%%{init: ${palette}}%%`,
    'xychart-beta',
    `    title ${quote(`${plot.title}: ${legend}`)}`,
    `    ${xAxis}`,
    `    y-axis ${quote(plot.yLabel)}`,
    ...values.map((v) => `    ${mark} [${v.map(num).join(', ')}]`),
    '',
  ].join('\n');
}

function numericAxis(plot: Plot, series: readonly Series[]): { xAxis: string; values: readonly (readonly number[])[] } {
  const grid = resample(
    series.map((s) => s.points.map((p) => ({ x: p.x as number, y: p.y }))),
    MAX_POINTS,
  );
  const lo = grid.xs[0] ?? 0;
  const hi = grid.xs[grid.xs.length - 1] ?? lo;
  // One point (or one x) cannot span a range: show it as a single category.
  const xAxis = lo === hi ? `x-axis ${quote(plot.xLabel)} [${quote(num(lo))}]` : `x-axis ${quote(plot.xLabel)} ${num(lo)} --> ${num(hi)}`;
  return { xAxis, values: grid.ys };
}

function categoryAxis(plot: Plot, series: readonly Series[]): { xAxis: string; values: readonly (readonly number[])[] } {
  const all = [...new Set(series.flatMap((s) => s.points.map((p) => String(p.x))))];
  const stride = Math.ceil(all.length / MAX_POINTS);
  const categories = all.filter((_, i) => i % stride === 0);
  // A category a series lacks is drawn at 0: xychart has no gaps.
  const values = series.map((s) => {
    const byX = new Map(s.points.map((p) => [String(p.x), p.y]));
    return categories.map((c) => byX.get(c) ?? 0);
  });
  return { xAxis: `x-axis ${quote(plot.xLabel)} [${categories.map(quote).join(', ')}]`, values };
}

/** Mermaid strings cannot escape a double quote: it becomes a single one; line breaks become spaces. */
function quote(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ')}"`;
}

/** Four significant digits, never in exponent notation (which xychart does not read): short lines. */
function num(x: number): string {
  const rounded = Number(x.toPrecision(4));
  const text = String(rounded);
  if (!text.includes('e')) return text;
  return Math.abs(rounded) < 1 ? rounded.toFixed(20).replace(/\.?0+$/, '') : BigInt(Math.round(rounded)).toString();
}
