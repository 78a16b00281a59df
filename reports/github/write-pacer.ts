/**
 * @module Spaces GitHub write requests: one at a time, at least `gapMs` apart, as GitHub asks of
 * integrations to stay clear of its secondary rate limit. It stands in for the Bottleneck groups
 * of @octokit/plugin-throttling, whose built-in ones are process-wide with fixed 1 s / 3 s gaps;
 * a pacer per call lets tests run at millisecond scale.
 */

type Job<T> = (...args: unknown[]) => T | Promise<T>;

/** The part of a Bottleneck.Group the throttling plugin uses: `group.key(id).schedule([options,] fn, ...args)`. */
export interface PacerGroup {
  key(id?: string): { schedule<T>(...args: unknown[]): Promise<T> };
}

export function createPacer({ gapMs }: { gapMs: number }): PacerGroup {
  let chain: Promise<unknown> = Promise.resolve();
  let nextStart = 0;
  const limiter = {
    schedule<T>(...args: unknown[]): Promise<T> {
      // Bottleneck's schedule takes optional job options before the function.
      const [fn, ...rest] = (typeof args[0] === 'function' ? args : args.slice(1)) as [Job<T>, ...unknown[]];
      const run = chain.then(async () => {
        // A timer may fire a millisecond early by Date.now()'s clock: wait until the gap has passed.
        for (let wait = nextStart - Date.now(); wait > 0; wait = nextStart - Date.now()) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        nextStart = Date.now() + gapMs;
        return fn(...rest);
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
  return { key: () => limiter };
}
