/** @module Runs many small filesystem calls (link, chmod, unlink, lstat) on the worker pool, the main thread included, for 10,000-file checkouts, adds and gcs. */
import { availableParallelism } from 'node:os';
import { runFsOp, type FsOp, type FsResult } from '../workers/fs-op.js';
import { shareBatches } from '../workers/pool.js';

export type { FsOp, FsResult } from '../workers/fs-op.js';

/** Below this many calls a worker would start after the main thread had finished. */
export const PARALLEL_MIN_OPS = 512;
const BATCH = 256;

/**
 * Results in the same order as `ops`. Calls within one batch run in order; batches run in any
 * order, so a caller that needs "all of these before any of those" makes two calls.
 */
export async function runFsOps(ops: readonly FsOp[], { threads = availableParallelism() }: { threads?: number } = {}): Promise<FsResult[]> {
  if (threads < 2 || ops.length < PARALLEL_MIN_OPS) return ops.map(runFsOp);
  const result = new Array<FsResult>(ops.length);
  const batches: FsOp[][] = [];
  for (let i = 0; i < ops.length; i += BATCH) batches.push(ops.slice(i, i + BATCH));
  await shareBatches({ kind: 'fs', threads, batches, done: (b, out) => out.forEach((r, k) => (result[b * BATCH + k] = r)) });
  return result;
}
