import { describe, expect, it, vi } from 'vitest';
import { createPacer } from './write-pacer.js';

describe('createPacer', () => {
  it('runs jobs one at a time, starting gapMs apart, with or without job options', async () => {
    // Fake timers: the pacer's spacing is checked on a clock that load cannot stretch.
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const pacer = createPacer({ gapMs: 40 }).key('id');
      const starts: number[] = [];
      let running = 0;
      let overlapped = false;
      const job = async (label: string) => {
        starts.push(Date.now());
        running++;
        if (running > 1) overlapped = true;
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return label;
      };
      const all = Promise.all([pacer.schedule({ priority: 0 }, job, 'a'), pacer.schedule(job, 'b'), pacer.schedule({}, job, 'c')]);
      await vi.advanceTimersByTimeAsync(39);
      expect(starts).toEqual([1_000_000]);
      await vi.advanceTimersByTimeAsync(1);
      expect(starts).toEqual([1_000_000, 1_000_040]);
      await vi.advanceTimersByTimeAsync(45);
      expect(await all).toEqual(['a', 'b', 'c']);
      expect(starts).toEqual([1_000_000, 1_000_040, 1_000_080]);
      expect(overlapped).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps going after a job fails', async () => {
    const pacer = createPacer({ gapMs: 1 }).key();
    const failed = pacer.schedule(() => Promise.reject(new Error('boom')));
    await expect(failed).rejects.toThrow('boom');
    await expect(pacer.schedule(() => 'next')).resolves.toBe('next');
  });
});
