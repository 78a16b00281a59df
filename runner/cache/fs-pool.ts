/** @module Runs many small filesystem calls (link, chmod, unlink, lstat) on the main thread joined by worker threads, for 10,000-file checkouts, adds and gcs. */
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

export type FsOp =
  /** Hardlink `src` as `dest` (making dest's directory when `mkdir`), then chmod `dest` when `mode` is set. */
  | { readonly op: 'link'; readonly src: string; readonly dest: string; readonly mode?: number; readonly mkdir?: boolean }
  /** Unlink `path`; gone already is fine. */
  | { readonly op: 'unlink'; readonly path: string }
  /** Size of `path` (not following a symlink). */
  | { readonly op: 'lstat'; readonly path: string };

/** `ok` with the size for lstat; otherwise the errno code, for the caller to fall back on its own (synchronous) path. */
export type FsResult =
  | { readonly ok: true; readonly size?: number }
  /** `step: 'chmod'`: the link was made, the chmod after it failed. */
  | { readonly ok: false; readonly code: string; readonly message: string; readonly step?: 'chmod' };

const RUN_ONE = `function runOne(o) {
  try {
    if (o.op === 'link') {
      try {
        fs.linkSync(o.src, o.dest);
      } catch (e) {
        if (e.code !== 'ENOENT' || !o.mkdir || !fs.existsSync(o.src)) throw e;
        fs.mkdirSync(dirname(o.dest), { recursive: true });
        fs.linkSync(o.src, o.dest);
      }
      if (o.mode !== undefined) {
        try { fs.chmodSync(o.dest, o.mode); } catch (e) { e.step = 'chmod'; throw e; }
      }
      return { ok: true };
    }
    if (o.op === 'unlink') {
      try { fs.unlinkSync(o.path); } catch (e) { if (e.code !== 'ENOENT') throw e; }
      return { ok: true };
    }
    return { ok: true, size: fs.lstatSync(o.path).size };
  } catch (e) {
    return { ok: false, code: e.code || 'EUNKNOWN', message: String(e.message), step: e.step };
  }
}`;

// The worker repeats runOne() in plain JS: inline so that it runs the same from the TypeScript
// sources (tests) and from the bundle (the bin), like hash-pool.ts and copy-pool.ts.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
${RUN_ONE}
parentPort.on('message', (ops) => parentPort.postMessage(ops.map(runOne)));
parentPort.postMessage('ready');
`;

/** runOne() of the worker, on the main thread. */
function runOne(o: FsOp): FsResult {
  try {
    if (o.op === 'link') {
      try {
        linkSync(o.src, o.dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !o.mkdir || !existsSync(o.src)) throw err;
        mkdirSync(dirname(o.dest), { recursive: true });
        linkSync(o.src, o.dest);
      }
      if (o.mode !== undefined) {
        try {
          chmodSync(o.dest, o.mode);
        } catch (err) {
          throw Object.assign(err as Error, { step: 'chmod' });
        }
      }
      return { ok: true };
    }
    if (o.op === 'unlink') {
      try {
        unlinkSync(o.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return { ok: true };
    }
    return { ok: true, size: lstatSync(o.path).size };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { step?: 'chmod' };
    return { ok: false, code: e.code ?? 'EUNKNOWN', message: String(e.message), step: e.step };
  }
}

/** Below this many calls a worker would start (~30 ms) after the main thread had finished. */
export const PARALLEL_MIN_OPS = 512;
const BATCH = 256;

interface PoolWorker {
  readonly worker: Worker;
  /** Resolves when the worker has started (it posts 'ready' once). */
  readonly ready: Promise<void>;
}

/** Workers live for the whole process (unref'd: they never keep it alive), so a second call or a warm-up pays no start. */
const pool: PoolWorker[] = [];

/**
 * Starts the workers for `threads` now, so that they are ready by the time the calls are known
 * (a checkout verifies its objects first): each takes ~30 ms to start here.
 */
export function warmFsPool({ threads = availableParallelism() }: { threads?: number } = {}): void {
  while (pool.length < threads - 1) {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const ready = new Promise<void>((resolve) => worker.once('message', () => resolve()));
    worker.on('error', () => undefined); // reported to the call that was using it
    pool.push({ worker, ready });
  }
}

/**
 * Results in the same order as `ops`. Calls within one batch run in order; batches run in any
 * order, so a caller that needs "all of these before any of those" makes two calls. The main
 * thread works too; workers join as soon as they have started.
 */
export async function runFsOps(ops: readonly FsOp[], { threads = availableParallelism() }: { threads?: number } = {}): Promise<FsResult[]> {
  if (threads < 2 || ops.length < PARALLEL_MIN_OPS) return ops.map(runOne);
  warmFsPool({ threads });
  const result = new Array<FsResult>(ops.length);
  let next = 0;
  const take = (): [number, number] | undefined => {
    if (next >= ops.length) return undefined;
    const start = next;
    next = Math.min(ops.length, next + BATCH);
    return [start, next];
  };
  let failure: unknown;
  const stopWaiting: (() => void)[] = [];
  const done = pool.slice(0, threads - 1).map(
    ({ worker, ready }) =>
      new Promise<void>((resolve) => {
        let current: [number, number] | undefined;
        let stopped = false;
        stopWaiting.push(() => {
          stopped = true;
          if (!current) finish();
        });
        const onMessage = (msg: FsResult[]) => {
          if (current) msg.forEach((r, k) => (result[(current as [number, number])[0] + k] = r));
          feed();
        };
        const onError = (err: Error) => {
          failure ??= err;
          finish();
        };
        const finish = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.unref();
          resolve();
        };
        const feed = () => {
          current = stopped ? undefined : take();
          if (!current) return finish();
          worker.postMessage(ops.slice(current[0], current[1]));
        };
        worker.on('error', onError);
        worker.ref();
        void ready.then(() => {
          worker.on('message', onMessage);
          feed();
        });
      }),
  );
  for (let b = take(); b; b = take()) {
    for (let i = b[0]; i < b[1]; i++) result[i] = runOne(ops[i] as FsOp);
    await yieldToEvents(); // let workers' replies in between batches
  }
  for (const stop of stopWaiting) stop();
  await Promise.all(done);
  if (failure !== undefined) throw failure;
  return result;
}
