import { describe, expect, it } from 'vitest';
import { DELETE_BATCH, inBatches } from './s3-delete.js';

describe('inBatches', () => {
  it('cuts keys into DeleteObjects requests of at most 1,000 keys, in order', () => {
    expect(DELETE_BATCH).toBe(1000);
    const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);
    const batches = inBatches(keys, DELETE_BATCH);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(keys);
    expect(inBatches(keys.slice(0, 1000), DELETE_BATCH)).toHaveLength(1);
    expect(inBatches([], DELETE_BATCH)).toEqual([]);
  });
});
