/** @module Puts series of (x, y) points on one shared, evenly spaced grid of x (what a Mermaid xychart can draw), by linear interpolation. */

export interface Grid {
  readonly xs: readonly number[];
  /** One row per series, one value per x of the grid. */
  readonly ys: readonly (readonly number[])[];
}

/**
 * At most `maxPoints` grid points over the range of all series' x; fewer when the longest series
 * has fewer points. Outside a series' own range its first or last value is held.
 */
export function resample(series: readonly (readonly { x: number; y: number }[])[], maxPoints: number): Grid {
  const all = series.flat();
  if (all.length === 0) return { xs: [], ys: series.map(() => []) };
  const lo = Math.min(...all.map((p) => p.x));
  const hi = Math.max(...all.map((p) => p.x));
  const n = lo === hi ? 1 : Math.max(2, Math.min(maxPoints, Math.max(...series.map((s) => s.length))));
  const xs = Array.from({ length: n }, (_, i) => (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));
  return { xs, ys: series.map((s) => interpolate([...s].sort((a, b) => a.x - b.x), xs)) };
}

function interpolate(points: readonly { x: number; y: number }[], xs: readonly number[]): number[] {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return xs.map(() => 0);
  let j = 0;
  return xs.map((x) => {
    if (x <= first.x) return first.y;
    if (x >= last.x) return last.y;
    while (j < points.length - 2 && (points[j + 1] as { x: number }).x <= x) j++;
    const a = points[j] as { x: number; y: number };
    const b = points[j + 1] as { x: number; y: number };
    return b.x === a.x ? b.y : a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
  });
}
