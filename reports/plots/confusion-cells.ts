/** @module A confusion plot's data as cells (actual × predicted) per revision: counts, and shares of each actual class. */
import type { Plot, PlotRow } from './plot.js';

export interface ConfusionCell {
  readonly actual: string;
  readonly predicted: string;
  readonly count: number;
  /** count / all rows of the same actual class (what confusion_normalized shows). */
  readonly share: number;
}

export interface ConfusionMatrix {
  readonly revisionIndex: number;
  readonly revision: string;
  /** Classes in first-seen order (numbers ascending when they are all numbers). */
  readonly actual: readonly string[];
  readonly predicted: readonly string[];
  readonly cells: readonly ConfusionCell[];
}

/**
 * Rows are either one per sample ({actual, predicted}), counted, or one per cell with a numeric
 * `count` field (as the example pipeline writes them), summed.
 */
export function confusionMatrices(plot: Plot): ConfusionMatrix[] {
  const xField = plot.x ?? 'actual';
  const yField = plot.y[0] ?? 'predicted';
  const out: ConfusionMatrix[] = [];
  plot.revisions.forEach((r, revisionIndex) => {
    if (r.state === 'found') out.push({ revisionIndex, revision: r.revision.name, ...matrix(r.rows, xField, yField) });
  });
  return out;
}

function matrix(rows: readonly PlotRow[], xField: string, yField: string): Omit<ConfusionMatrix, 'revisionIndex' | 'revision'> {
  const weighted = xField !== 'count' && yField !== 'count' && rows.every((r) => typeof r.count === 'number');
  const counts = new Map<string, Map<string, number>>();
  const actual: unknown[] = [];
  const predicted: unknown[] = [];
  for (const row of rows) {
    const a = row[xField];
    const p = row[yField];
    if (a === undefined || a === null || p === undefined || p === null) continue;
    if (!actual.includes(a)) actual.push(a);
    if (!predicted.includes(p)) predicted.push(p);
    const byPredicted = counts.get(String(a)) ?? new Map<string, number>();
    counts.set(String(a), byPredicted);
    byPredicted.set(String(p), (byPredicted.get(String(p)) ?? 0) + (weighted ? (row.count as number) : 1));
  }
  const classes = [...new Set([...sortClasses(actual), ...sortClasses(predicted)])];
  const actualClasses = classes.filter((c) => counts.has(c));
  const predictedClasses = classes.filter((c) => [...counts.values()].some((m) => m.has(c)));
  const cells = actualClasses.flatMap((a) => {
    const byPredicted = counts.get(a) ?? new Map<string, number>();
    const total = [...byPredicted.values()].reduce((s, n) => s + n, 0);
    return predictedClasses.map((p) => {
      const count = byPredicted.get(p) ?? 0;
      return { actual: a, predicted: p, count, share: total === 0 ? 0 : count / total };
    });
  });
  return { actual: actualClasses, predicted: predictedClasses, cells };
}

function sortClasses(values: readonly unknown[]): string[] {
  const sorted = values.every((v) => typeof v === 'number') ? [...values].sort((a, b) => (a as number) - (b as number)) : values;
  return sorted.map(String);
}
