import { describe, expect, it } from 'vitest';
import { brierScore, confusionMatrix, LOGLOSS_EPSILON, logLoss, rocAuc, thresholdMetrics } from './classification-metrics.js';

describe('rocAuc', () => {
  it('matches the hand-computed pair count', () => {
    // Pairs (positive, negative): (.35,.1) ✓ (.35,.4) ✗ (.8,.1) ✓ (.8,.4) ✓ → 3/4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    // Positives .5, .9; negatives .5, .2: (.5,.5) ½ + (.5,.2) 1 + (.9,.5) 1 + (.9,.2) 1 = 3.5 of 4.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(rocAuc([0, 1, 0, 1, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
    // Ties inside one class change nothing: positives .7, .7; negatives .1, .7 → (1 + ½) × 2 / 4.
    expect(rocAuc([1, 1, 0, 0], [0.7, 0.7, 0.1, 0.7])).toBe(0.75);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, NaN with one class', () => {
    expect(rocAuc([0, 0, 1], [0.1, 0.2, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0], [0.1, 0.2, 0.9])).toBe(0);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => rocAuc([0, 1], [0.5])).toThrow('2 labels but 1 scores');
    expect(() => rocAuc([], [])).toThrow('no examples');
  });
});

describe('logLoss', () => {
  it('matches the hand computation', () => {
    // −(ln .9 + ln .9 + ln .8 + ln .65) / 4
    expect(logLoss([1, 0, 0, 1], [0.9, 0.1, 0.2, 0.65])).toBeCloseTo(0.2161619, 6);
  });

  it('clips probabilities of 0 and 1 so a confident mistake costs −ln ε, not infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(LOGLOSS_EPSILON), 9);
    expect(logLoss([1], [0])).toBeCloseTo(34.538776, 5);
    // 1 − ε is rounded to the nearest double, so the upper clip costs a hair more than −ln ε.
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1 - (1 - LOGLOSS_EPSILON)), 9);
    expect(logLoss([0], [1])).toBeGreaterThan(34.5);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14);
    expect(logLoss([1], [0], 0.01)).toBeCloseTo(-Math.log(0.01), 12);
  });
});

describe('confusionMatrix and the rates on it', () => {
  it('counts predicted positives at probability ≥ threshold', () => {
    const labels = [1, 1, 0, 0, 1];
    const probs = [0.9, 0.4, 0.6, 0.1, 0.5];
    const m = confusionMatrix(labels, probs, 0.5);
    expect(m).toEqual({ tp: 2, fn: 1, fp: 1, tn: 1 });
    const r = thresholdMetrics(m);
    expect(r.accuracy).toBe(3 / 5);
    expect(r.precision).toBe(2 / 3);
    expect(r.recall).toBe(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
    expect(confusionMatrix(labels, probs, 0.95)).toEqual({ tp: 0, fn: 3, fp: 0, tn: 2 });
  });

  it('reports 0 for a rate whose denominator is 0', () => {
    expect(thresholdMetrics({ tp: 0, fp: 0, tn: 5, fn: 3 })).toEqual({ accuracy: 5 / 8, precision: 0, recall: 0, f1: 0 });
  });

  it('computes the Brier score', () => {
    expect(brierScore([1, 0], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
  });
});
