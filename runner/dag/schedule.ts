/** @module Runs work over a DAG in dependency order, at most `jobs` at a time. */
import { MinHeap } from './min-heap.js';

export type Outcome = 'ok' | 'failed' | 'blocked' | 'not-started';

export interface ScheduleOptions {
  /** Names in topological order. */
  readonly order: readonly string[];
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  readonly jobs: number;
  /** Keep starting stages on independent branches after a failure. */
  readonly keepGoing: boolean;
  /** Stop starting anything (interrupted). */
  readonly stopped: () => boolean;
  readonly work: (name: string) => Promise<'ok' | 'failed'>;
  /** A stage that will not run because `failedUpstream` failed. */
  readonly onBlocked: (name: string, failedUpstream: string) => void;
}

/**
 * Each stage waits for a count of its selected upstream stages; when the count reaches zero it is
 * ready, and ready stages start earliest-declared first. Linear in the graph: scanning every
 * pending stage after each completion made 8,000 stages take minutes.
 */
export async function schedule(o: ScheduleOptions): Promise<Map<string, Outcome>> {
  const selected = new Set(o.order);
  const index = new Map(o.order.map((n, i) => [n, i]));
  const outcome = new Map<string, Outcome>();
  const rootFailure = new Map<string, string>();
  const running = new Map<string, Promise<void>>();
  const ups = new Map<string, string[]>();
  const downs = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  const ready = new MinHeap();
  for (const name of o.order) {
    const mine = [...(o.upstream.get(name) ?? [])].filter((u) => selected.has(u));
    ups.set(name, mine);
    waiting.set(name, mine.length);
    for (const u of mine) {
      const list = downs.get(u);
      if (list) list.push(name);
      else downs.set(u, [name]);
    }
    if (mine.length === 0) ready.push(index.get(name) as number);
  }
  let anyFailed = false;

  const settle = (name: string, r: Outcome) => {
    outcome.set(name, r);
    for (const d of downs.get(name) ?? []) {
      const left = (waiting.get(d) ?? 0) - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(index.get(d) as number);
    }
  };

  const start = (name: string) => {
    const p = o.work(name).then(
      (r) => r,
      () => 'failed' as const,
    );
    running.set(
      name,
      p.then((r) => {
        if (r === 'failed') {
          anyFailed = true;
          rootFailure.set(name, name);
        }
        running.delete(name);
        settle(name, r);
      }),
    );
  };

  while (ready.size > 0 || running.size > 0) {
    while (ready.size > 0 && running.size < Math.max(1, o.jobs)) {
      const name = o.order[ready.pop() as number] as string;
      const mine = ups.get(name) ?? [];
      const bad = mine.find((u) => outcome.get(u) === 'failed' || outcome.get(u) === 'blocked');
      if (o.stopped()) {
        settle(name, 'not-started');
      } else if (bad !== undefined) {
        const root = rootFailure.get(bad) ?? bad;
        rootFailure.set(name, root);
        o.onBlocked(name, root);
        settle(name, 'blocked');
      } else if ((anyFailed && !o.keepGoing) || mine.some((u) => outcome.get(u) === 'not-started')) {
        settle(name, 'not-started');
      } else {
        start(name);
      }
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return outcome;
}
