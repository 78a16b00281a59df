import { describe, expect, it } from 'vitest';
import { binCounts, categoricalPsi, kolmogorovSurvival, ksTwoSample, numericPsi, psi, quantileEdges } from './drift-statistics.js';
import { seededRandom } from './seeded-random.js';

describe('psi', () => {
  it('matches hand-computed values', () => {
    // (.7 − .5)·ln(.7/.5) + (.3 − .5)·ln(.3/.5) = .2·0.3364722 + .2·0.5108256
    expect(psi([50, 50], [70, 30])).toBeCloseTo(0.1694596, 6);
    expect(psi([10, 20, 30], [10, 20, 30])).toBe(0);
    // Counts, not shares: scale does not matter.
    expect(psi([1, 1], [7, 3])).toBeCloseTo(psi([500, 500], [700, 300]), 12);
  });

  it('replaces an empty bin by ε = 1e-4 instead of dividing by zero', () => {
    // (.5 − 1)·ln(.5/1) + (.5 − 1e-4)·ln(.5/1e-4)
    expect(psi([100, 0], [50, 50])).toBeCloseTo(0.5 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), 12);
    expect(psi([100, 0], [50, 50])).toBeCloseTo(4.604323, 5);
  });

  it('compares categorical columns over the union of their categories', () => {
    // .5/.5 against .75/.25: .25·ln 1.5 + .25·ln 2
    expect(categoricalPsi(['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b'])).toBeCloseTo(0.2746531, 6);
    expect(categoricalPsi(['a', 'b'], ['a', 'b', 'c', 'c'])).toBeGreaterThan(1);
  });
});

describe('quantile bins', () => {
  it('cuts at the reference quantiles, so each reference bin holds its share', () => {
    const ref = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantileEdges(ref, 5)).toEqual([2, 4, 6, 8]);
    expect(binCounts(ref, [2, 4, 6, 8])).toEqual([2, 2, 2, 2, 2]);
    expect(binCounts([0, 2, 2.5, 100], [2, 4, 6, 8])).toEqual([2, 1, 0, 0, 1]);
  });

  it('merges repeated edges of a column with few distinct values', () => {
    expect(quantileEdges([0, 0, 0, 0, 0, 0, 1, 1, 2, 3], 10)).toEqual([0, 1, 2]);
    expect(quantileEdges([5, 5, 5], 4)).toEqual([]);
  });

  it('gives a PSI near 0 for samples of one distribution and a large one for a shifted sample', () => {
    const r = seededRandom(1);
    const a = Array.from({ length: 20_000 }, () => r.normal());
    const b = Array.from({ length: 20_000 }, () => r.normal());
    const shifted = Array.from({ length: 20_000 }, () => r.normal(0.5));
    expect(numericPsi(a, b)).toBeLessThan(0.01);
    // For N(0,1) against N(0.5,1) the PSI tends to about δ² = 0.25 as bins get finer; deciles give a bit less.
    expect(numericPsi(a, shifted)).toBeGreaterThan(0.2);
    expect(numericPsi(a, shifted)).toBeLessThan(0.3);
  });
});

describe('ksTwoSample', () => {
  it('finds the largest gap between the two empirical CDFs', () => {
    // scipy.stats.ks_2samp([1,2,3,4,5], [3,4,5,6,7]).statistic == 0.4
    expect(ksTwoSample([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]).statistic).toBeCloseTo(0.4, 12);
    expect(ksTwoSample([1, 2, 3], [10, 11]).statistic).toBe(1);
  });

  it('steps over tied values together', () => {
    // ECDFs: at 1 → .25 vs 0; at 2 → .75 vs .5; at 3 → 1 vs 1. D = .25 (scipy agrees).
    expect(ksTwoSample([1, 2, 2, 3], [2, 2, 3, 3]).statistic).toBe(0.25);
    expect(ksTwoSample([4, 4, 4], [4, 4]).statistic).toBe(0);
  });

  it('has a p-value near 1 for one distribution and near 0 for a shifted one', () => {
    const r = seededRandom(2);
    const a = Array.from({ length: 5000 }, () => r.normal());
    const same = ksTwoSample(a, Array.from({ length: 5000 }, () => r.normal()));
    const shifted = ksTwoSample(a, Array.from({ length: 5000 }, () => r.normal(0.2)));
    expect(same.statistic).toBeLessThan(0.03);
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(shifted.statistic).toBeGreaterThan(0.05);
    expect(shifted.pValue).toBeLessThan(1e-6);
  });

  it('uses the Kolmogorov distribution for the p-value', () => {
    // Known values of Q(λ) = P(K > λ).
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.2699997, 6);
    expect(kolmogorovSurvival(0.5)).toBeCloseTo(0.9639452, 6);
    expect(kolmogorovSurvival(0.1)).toBe(1);
    expect(kolmogorovSurvival(3)).toBeCloseTo(3.05e-8, 9);
  });
});
