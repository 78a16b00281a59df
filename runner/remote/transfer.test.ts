import { describe, expect, it } from 'vitest';
import { runTransfers } from './transfer.js';

describe('runTransfers', () => {
  it('runs at most `jobs` at once and reports progress', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runTransfers({
      items: [1, 2, 3, 4, 5, 6, 7],
      jobs: 3,
      size: (n) => n,
      verb: 'uploading',
      work: async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      onProgress: (p) => seen.push(p.bytes),
    });
    expect(peak).toBe(3);
    expect(seen.at(-1)).toBe(28);
  });

  it('starts nothing new after a failure and rethrows the first error', async () => {
    const started: number[] = [];
    const run = runTransfers({
      items: [1, 2, 3, 4, 5, 6],
      jobs: 2,
      size: () => 0,
      verb: 'uploading',
      work: async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 5));
        if (n === 2) throw new Error('unreachable');
      },
    });
    await expect(run).rejects.toThrow('unreachable');
    expect(started.length).toBeLessThanOrEqual(3);
  });
});
