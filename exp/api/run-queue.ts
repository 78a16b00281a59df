/** @module Runs the queue: `jobs` workers, each claiming the next entry and running it in its own worktree, until none is left. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReproReporter } from '../../runner/index.js';
import { claimNext, finishEntry, isLive, listQueue, queueDir, releaseClaim, type QueueEntry } from './queue.js';
import { runExperiment, type ExperimentResult } from './run-experiment.js';
import { pruneDeadWorktrees } from './worktree.js';

export interface RunQueueOptions {
  readonly root: string;
  readonly jobs: number;
  readonly reporter: (name: string) => ReproReporter;
  /** Aborting stops the running experiments (their entries stay queued) and claims no more. */
  readonly signal?: AbortSignal;
  readonly onStart?: (e: QueueEntry) => void;
  readonly onDone?: (e: QueueEntry, r: ExperimentResult) => void;
  readonly onFail?: (e: QueueEntry, message: string) => void;
}

export interface QueueRun {
  readonly done: number;
  readonly failed: number;
  readonly failedNames: readonly string[];
  /** Entries a dead runner had claimed, taken over. */
  readonly requeued: number;
  readonly interrupted: boolean;
}

export async function runQueue({ root, jobs, reporter, signal, onStart, onDone, onFail }: RunQueueOptions): Promise<QueueRun> {
  const stale = countStaleClaims(root);
  await pruneDeadWorktrees(root, (pid) => isLive({ pid }));
  let done = 0;
  const failedNames: string[] = [];
  const worker = async () => {
    for (let e = signal?.aborted ? undefined : claimNext(root); e; e = signal?.aborted ? undefined : claimNext(root)) {
      onStart?.(e);
      try {
        const r = await runExperiment({ root, spec: e, reporter: reporter(e.name), jobs: 1, signal });
        finishEntry(root, e);
        done++;
        onDone?.(e, r);
      } catch (err) {
        if (signal?.aborted) {
          releaseClaim(root, e);
          continue;
        }
        const message = (err as Error).message.split('\n')[0] ?? String(err);
        finishEntry(root, e, message);
        failedNames.push(e.name);
        onFail?.(e, message);
      }
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return { done, failed: failedNames.length, failedNames, requeued: stale, interrupted: signal?.aborted ?? false };
}

/** Claims whose process is gone (a killed queue start): claimNext takes them over. */
function countStaleClaims(root: string): number {
  return listQueue(root).filter((e) => e.status === 'queued' && existsSync(join(queueDir(root), `${e.id}.claim`))).length;
}
