import { describe, expect, it } from 'vitest';
import { resample } from './resample.js';

describe('resample', () => {
  it('interpolates every series on one grid over the union of their ranges, holding the ends outside a series', () => {
    const a = [
      { x: 0, y: 0 },
      { x: 0.5, y: 0.5 },
      { x: 2, y: 2 },
      { x: 3.5, y: 0.5 },
      { x: 4, y: 0 },
    ];
    const b = [
      { x: 2, y: 10 },
      { x: 3, y: 20 },
    ];
    expect(resample([a, b], 5)).toEqual({
      xs: [0, 1, 2, 3, 4],
      ys: [
        [0, 1, 2, 1, 0],
        [10, 10, 10, 20, 20],
      ],
    });
  });

  it('uses no more points than asked, nor than the longest series has; one x gives one point', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i * 2 }));
    const g = resample([long], 50);
    expect(g.xs).toHaveLength(50);
    expect(g.xs[49]).toBe(999);
    expect(g.ys[0]?.[49]).toBe(1998);
    expect(resample([[{ x: 5, y: 1 }]], 50)).toEqual({ xs: [5], ys: [[1]] });
    expect(resample([[]], 50)).toEqual({ xs: [], ys: [[]] });
  });

  it('takes unsorted points, and the later y of a vertical step', () => {
    const g = resample(
      [
        [
          { x: 1, y: 1 },
          { x: 0, y: 0 },
          { x: 1, y: 3 },
          { x: 2, y: 3 },
        ],
      ],
      3,
    );
    expect(g.ys[0]).toEqual([0, 3, 3]);
  });
});
