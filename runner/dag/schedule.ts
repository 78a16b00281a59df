/** @module Runs work over a DAG in dependency order, at most `jobs` at a time. */

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

export async function schedule(o: ScheduleOptions): Promise<Map<string, Outcome>> {
  const selected = new Set(o.order);
  const outcome = new Map<string, Outcome>();
  const rootFailure = new Map<string, string>();
  const running = new Map<string, Promise<void>>();
  const pending = [...o.order];
  let anyFailed = false;

  const start = (name: string) => {
    const p = o.work(name).then(
      (r) => r,
      () => 'failed' as const,
    );
    running.set(
      name,
      p.then((r) => {
        outcome.set(name, r);
        if (r === 'failed') {
          anyFailed = true;
          rootFailure.set(name, name);
        }
        running.delete(name);
      }),
    );
  };

  while (pending.length > 0 || running.size > 0) {
    for (let i = 0; i < pending.length && running.size < Math.max(1, o.jobs); ) {
      const name = pending[i] as string;
      const ups = [...(o.upstream.get(name) ?? [])].filter((u) => selected.has(u));
      if (ups.some((u) => !outcome.has(u))) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      const bad = ups.find((u) => outcome.get(u) === 'failed' || outcome.get(u) === 'blocked');
      if (o.stopped()) {
        outcome.set(name, 'not-started');
      } else if (bad !== undefined) {
        const root = rootFailure.get(bad) ?? bad;
        outcome.set(name, 'blocked');
        rootFailure.set(name, root);
        o.onBlocked(name, root);
      } else if ((anyFailed && !o.keepGoing) || ups.some((u) => outcome.get(u) === 'not-started')) {
        outcome.set(name, 'not-started');
      } else {
        start(name);
      }
    }
    if (running.size > 0) await Promise.race(running.values());
  }
  return outcome;
}
