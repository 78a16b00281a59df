import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { schedule } from './schedule.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

describe('schedule', () => {
  it('never runs more than `jobs` at once and respects dependencies', async () => {
    let running = 0;
    let peak = 0;
    const finished: string[] = [];
    await schedule({
      order: ['a', 'b', 'c', 'd'],
      upstream: graph({ a: [], b: [], c: [], d: ['a', 'b', 'c'] }),
      jobs: 2,
      keepGoing: false,
      stopped: () => false,
      onBlocked: () => {},
      work: async (n) => {
        running++;
        peak = Math.max(peak, running);
        if (n === 'd') expect(finished.sort()).toEqual(['a', 'b', 'c']);
        await sleep(20);
        running--;
        finished.push(n);
        return 'ok';
      },
    });
    expect(peak).toBe(2);
    expect(finished).toContain('d');
  });

  it('blocks downstream of a failure; without keep-going starts nothing new, with it finishes other branches', async () => {
    const upstream = graph({ bad: [], after: ['bad'], other: [] });
    const run = async (keepGoing: boolean) => {
      const ran: string[] = [];
      const blocked: string[] = [];
      const outcome = await schedule({
        order: ['bad', 'after', 'other'],
        upstream,
        jobs: 1,
        keepGoing,
        stopped: () => false,
        onBlocked: (n, by) => blocked.push(`${n}<-${by}`),
        work: async (n) => {
          ran.push(n);
          return n === 'bad' ? 'failed' : 'ok';
        },
      });
      return { ran, blocked, outcome };
    };
    const strict = await run(false);
    expect(strict.ran).toEqual(['bad']);
    expect(strict.blocked).toEqual(['after<-bad']);
    expect(strict.outcome.get('other')).toBe('not-started');
    const going = await run(true);
    expect(going.ran).toEqual(['bad', 'other']);
    expect(going.outcome.get('other')).toBe('ok');
  });
});
