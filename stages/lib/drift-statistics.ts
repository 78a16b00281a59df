/**
 * @module Drift statistics between a reference sample and a current one: the population stability
 * index (PSI) over categories or reference-quantile bins, and the two-sample Kolmogorov–Smirnov test.
 * PSI and the quantile bins themselves are the model runtime's (serve/model/population-stability.ts),
 * so this batch check, the reference profile and the service's live drift compute them one way.
 */
import { binCounts, psi, quantileEdges } from '../../serve/model/population-stability.js';

export { PSI_EPSILON, binCounts, psi, quantileEdges } from '../../serve/model/population-stability.js';

/** PSI of a categorical column over the union of the categories seen on either side. */
export function categoricalPsi(reference: readonly string[], current: readonly string[]): number {
  const categories = [...new Set([...reference, ...current])].sort();
  const count = (values: readonly string[]) => {
    const m = new Map<string, number>();
    for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
    return categories.map((c) => m.get(c) ?? 0);
  };
  return psi(count(reference), count(current));
}

/** PSI of a numeric column over `bins` quantile bins of the reference. */
export function numericPsi(reference: readonly number[], current: readonly number[], bins = 10): number {
  const edges = quantileEdges(reference, bins);
  return psi(binCounts(reference, edges), binCounts(current, edges));
}

export interface KsResult {
  /** D = sup |F_ref(x) − F_cur(x)|. */
  readonly statistic: number;
  /** Asymptotic p-value of D under "same distribution". */
  readonly pValue: number;
}

/** The two-sample Kolmogorov–Smirnov test (ties handled by stepping over equal values together). */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  if (a.length === 0 || b.length === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i] as number, y[j] as number);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const sqrtNe = Math.sqrt(ne);
  // Stephens' small-sample correction of the asymptotic distribution (as in Numerical Recipes).
  return { statistic: d, pValue: kolmogorovSurvival((sqrtNe + 0.12 + 0.11 / sqrtNe) * d) };
}

/** Q_KS(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, the Kolmogorov distribution's upper tail. */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-12) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
