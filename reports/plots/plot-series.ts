/** @module A plot's data as series: one per revision and y field, of (x, y) points — what line, scatter, smooth and bar charts draw. */
import type { Plot } from './plot.js';

export interface Series {
  /** Index of the revision in the plot's set (its colour). */
  readonly revisionIndex: number;
  readonly revision: string;
  readonly field: string;
  /** In the file's order; x is the row index when the plot has no x field. Rows without a numeric y are left out. */
  readonly points: readonly { readonly x: unknown; readonly y: number }[];
}

export function plotSeries(plot: Plot): Series[] {
  const out: Series[] = [];
  plot.revisions.forEach((r, revisionIndex) => {
    if (r.state !== 'found') return;
    for (const field of plot.y) {
      const points = r.rows.flatMap((row, i) => {
        const y = row[field];
        const x = plot.x === undefined ? i : row[plot.x];
        return typeof y === 'number' && Number.isFinite(y) && x !== undefined && x !== null ? [{ x, y }] : [];
      });
      out.push({ revisionIndex, revision: r.revision.name, field, points });
    }
  });
  return out;
}

/** Whether every x of every series is a finite number (a quantitative axis), rather than categories. */
export function numericX(series: readonly Series[]): boolean {
  return series.every((s) => s.points.every((p) => typeof p.x === 'number' && Number.isFinite(p.x)));
}

/** Legend label of a series: the revision; the field too when the plot draws several (or only the field, for one revision). */
export function seriesLabel(s: Series, plot: Plot, revisionCount: number): string {
  if (plot.y.length <= 1) return s.revision;
  return revisionCount <= 1 ? s.field : `${s.revision}: ${s.field}`;
}
