import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './stratified-split.js';

describe('stratifiedSplit', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? '1' : '0'));

  it('keeps the label shares in both parts', () => {
    const { train, test } = stratifiedSplit(labels, { testSize: 0.2, seed: 7 });
    expect(test).toHaveLength(200);
    expect(train).toHaveLength(800);
    expect(test.filter((i) => labels[i] === '1')).toHaveLength(50);
    expect(train.filter((i) => labels[i] === '1')).toHaveLength(200);
  });

  it('partitions the rows, each part in ascending order', () => {
    const { train, test } = stratifiedSplit(labels, { testSize: 0.3, seed: 1 });
    expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(train).toEqual([...train].sort((a, b) => a - b));
    expect(new Set(test).size).toBe(test.length);
  });

  it('is a function of the seed', () => {
    expect(stratifiedSplit(labels, { testSize: 0.2, seed: 7 })).toEqual(stratifiedSplit(labels, { testSize: 0.2, seed: 7 }));
    expect(stratifiedSplit(labels, { testSize: 0.2, seed: 7 }).test).not.toEqual(stratifiedSplit(labels, { testSize: 0.2, seed: 8 }).test);
  });

  it('rejects a test size outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, { testSize: 1, seed: 1 })).toThrow(/testSize/);
  });
});
