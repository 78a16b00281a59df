/**
 * @module The population stability index (PSI) and the reference-quantile bins it is computed
 * over: one implementation for the validate stage's batch check (stages/lib/drift-statistics.ts),
 * the reference profile training writes and the service's live drift (serve/drift/).
 */

/** Shares of 0 would make PSI infinite; like Evidently, a bin that is empty on one side counts as this share. */
export const PSI_EPSILON = 1e-4;

/**
 * PSI = Σ (actualᵢ − expectedᵢ) · ln(actualᵢ / expectedᵢ) over bins, from shares per bin; a share
 * below `epsilon` counts as `epsilon`.
 */
export function psiOfShares(expected: ArrayLike<number>, actual: ArrayLike<number>, epsilon = PSI_EPSILON): number {
  if (expected.length !== actual.length) throw new RangeError('psi needs the same bins on both sides');
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] as number, epsilon);
    const a = Math.max(actual[i] as number, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** Each count's share of the total (all 0 when the total is 0). */
export function shares(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  return Array.from(counts, (c) => (total === 0 ? 0 : c / total));
}

/** PSI from counts per bin (scale does not matter). */
export function psi(expectedCounts: readonly number[], actualCounts: readonly number[]): number {
  if (expectedCounts.length !== actualCounts.length) throw new RangeError('psi needs the same bins on both sides');
  return psiOfShares(shares(expectedCounts), shares(actualCounts));
}

/**
 * Inner bin edges at the reference's quantiles, without repeats (an integer column with few values
 * gets fewer bins). A value v falls in bin i when edges[i-1] < v ≤ edges[i]. No values, no edges.
 */
export function quantileEdges(reference: ArrayLike<number>, bins: number): number[] {
  const sorted = Float64Array.from(reference).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let q = 1; q < bins; q++) {
    const edge = sorted[Math.max(0, Math.ceil((q * sorted.length) / bins) - 1)] as number;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  // The largest value would make an always-empty last bin.
  if (edges.length > 0 && edges[edges.length - 1] === sorted[sorted.length - 1]) edges.pop();
  return edges;
}

/** The bin of `v` for `edges` from quantileEdges: the first i with v ≤ edges[i], else edges.length. */
export function binIndex(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Counts per bin for `edges` from quantileEdges (edges.length + 1 bins). */
export function binCounts(values: Iterable<number>, edges: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    const i = binIndex(edges, v);
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}
