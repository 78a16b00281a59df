import { describe, expect, it } from 'vitest';
import { rocAuc } from './classification-metrics.js';
import { calibrationBins, precisionRecallCurve, rocCurve, thin } from './metric-curves.js';
import { seededRandom } from './seeded-random.js';

const trapezoid = (points: readonly { fpr: number; tpr: number }[]) =>
  points.slice(1).reduce((area, p, i) => area + ((p.fpr - (points[i] as { fpr: number }).fpr) * (p.tpr + (points[i] as { tpr: number }).tpr)) / 2, 0);

describe('rocCurve', () => {
  it('steps through every distinct score from (0, 0) to (1, 1)', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual([
      { fpr: 0, tpr: 0, threshold: 1 },
      { fpr: 0, tpr: 0.5, threshold: 0.8 },
      { fpr: 0.5, tpr: 0.5, threshold: 0.4 },
      { fpr: 0.5, tpr: 1, threshold: 0.35 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
  });

  it('has the AUC as its area, ties included (a tie is a diagonal step)', () => {
    const r = seededRandom(11);
    const labels = Array.from({ length: 2000 }, () => (r.bernoulli(0.3) ? 1 : 0));
    // Scores rounded to 2 decimals: many ties.
    const scores = labels.map((y) => Math.round(Math.min(1, Math.max(0, r.normal(y ? 0.6 : 0.4, 0.2))) * 100) / 100);
    expect(trapezoid(rocCurve(labels, scores, 10_000))).toBeCloseTo(rocAuc(labels, scores), 12);
  });

  it('thins a long curve to at most maxPoints, keeping both ends', () => {
    const r = seededRandom(5);
    const labels = Array.from({ length: 5000 }, () => (r.bernoulli(0.5) ? 1 : 0));
    const scores = labels.map(() => r.next());
    const curve = rocCurve(labels, scores, 200);
    expect(curve).toHaveLength(200);
    expect(curve[0]).toEqual({ fpr: 0, tpr: 0, threshold: 1 });
    expect(curve[199]).toMatchObject({ fpr: 1, tpr: 1 });
    expect(thin([1, 2, 3], 5)).toEqual([1, 2, 3]);
    expect(thin([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
  });
});

describe('precisionRecallCurve', () => {
  it('gives precision and recall at each distinct score', () => {
    expect(precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual([
      { recall: 0, precision: 1, threshold: 1 },
      { recall: 0.5, precision: 1, threshold: 0.8 },
      { recall: 0.5, precision: 0.5, threshold: 0.4 },
      { recall: 1, precision: 2 / 3, threshold: 0.35 },
      { recall: 1, precision: 0.5, threshold: 0.1 },
    ]);
  });
});

describe('calibrationBins', () => {
  it('averages prediction and outcome per probability bin, leaving empty bins out', () => {
    const bins = calibrationBins([0, 1, 1, 1, 0], [0.05, 0.15, 0.95, 1, 0.9], 10);
    expect(bins).toEqual([
      { lower: 0, upper: 0.1, mean_predicted: 0.05, fraction_positive: 0, count: 1 },
      { lower: 0.1, upper: 0.2, mean_predicted: 0.15, fraction_positive: 1, count: 1 },
      { lower: 0.9, upper: 1, mean_predicted: (0.95 + 1 + 0.9) / 3, fraction_positive: 2 / 3, count: 3 },
    ]);
  });
});
