import { describe, expect, it } from 'vitest';
import { createPacer } from './write-pacer.js';

describe('createPacer', () => {
  it('runs jobs one at a time, starting at least gapMs apart, with or without job options', async () => {
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
    const results = await Promise.all([pacer.schedule({ priority: 0 }, job, 'a'), pacer.schedule(job, 'b'), pacer.schedule({}, job, 'c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(overlapped).toBe(false);
    expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(39);
    expect((starts[2] as number) - (starts[1] as number)).toBeGreaterThanOrEqual(39);
  });

  it('keeps going after a job fails', async () => {
    const pacer = createPacer({ gapMs: 1 }).key();
    const failed = pacer.schedule(() => Promise.reject(new Error('boom')));
    await expect(failed).rejects.toThrow('boom');
    await expect(pacer.schedule(() => 'next')).resolves.toBe('next');
  });
});
