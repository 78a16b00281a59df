/** @module Hashes many files: on the main thread, joined by worker threads (one per extra core) once they have started. */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { hashFileSync } from './hash-file.js';

export interface FileToHash {
  readonly abs: string;
  readonly size: number;
}

/** Below this many bytes the main thread alone finishes before a worker could start (~100 ms here). */
const PARALLEL_MIN_BYTES = 32 << 20;
/** A batch: enough bytes to amortise a message round trip, small enough to share the tail well. */
const BATCH_BYTES = 4 << 20;
const BATCH_FILES = 128;

// The worker is an inline script so that it runs the same from TypeScript sources (tests) and
// from the bundle (the bin); it repeats hashFileSync's loop in plain JS.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const CHUNK = 128 << 10;
const buf = Buffer.allocUnsafe(CHUNK);
parentPort.on('message', ({ paths, sizes }) => {
  const out = [];
  try {
    for (let i = 0; i < paths.length; i++) {
      const h = createHash('sha256');
      const fd = openSync(paths[i], 'r');
      try {
        let total = 0;
        for (;;) {
          const n = readSync(fd, buf, 0, CHUNK, null);
          if (n === 0) break;
          h.update(n === CHUNK ? buf : buf.subarray(0, n));
          total += n;
          if (n < CHUNK && total === sizes[i]) break;
        }
      } finally { closeSync(fd); }
      out.push(h.digest('hex'));
    }
    parentPort.postMessage({ hashes: out });
  } catch (e) {
    parentPort.postMessage({ error: { message: e.message, code: e.code, path: e.path } });
  }
});
parentPort.postMessage({ ready: true });
`;

interface WorkerReply {
  ready?: boolean;
  hashes?: string[];
  error?: { message: string; code?: string; path?: string };
}

export interface HashPoolOptions {
  /** Threads in all, the main thread included (default: the number of CPUs). */
  readonly threads?: number;
}

/** Hex digests of `files`, in the same order. */
export async function hashFiles(files: readonly FileToHash[], { threads }: HashPoolOptions = {}): Promise<string[]> {
  const total = files.reduce((s, f) => s + f.size, 0);
  const extra = Math.min((threads ?? availableParallelism()) - 1, files.length - 1);
  if (extra < 1 || total < PARALLEL_MIN_BYTES) return files.map((f) => hashFileSync(f.abs, f.size));

  const batches = makeBatches(files);
  const result = new Array<string>(files.length);
  let next = 0;
  let failure: unknown;
  const take = () => (failure === undefined ? batches[next++] : undefined);

  // Workers ask for work only once started, so a slow start never holds a batch hostage.
  const workers = Array.from({ length: extra }, () => new Worker(WORKER_SOURCE, { eval: true }));
  /** Workers still starting when the main thread runs out of batches are not waited for. */
  const stopWaiting: (() => void)[] = [];
  const workerDone = workers.map(
    (w) =>
      new Promise<void>((resolve) => {
        let current: number[] | undefined;
        stopWaiting.push(() => {
          if (!current) resolve();
        });
        const feed = () => {
          current = take();
          if (!current) return resolve();
          w.postMessage({ paths: current.map((i) => files[i]?.abs), sizes: current.map((i) => files[i]?.size) });
        };
        w.on('message', (msg: WorkerReply) => {
          if (msg.error) {
            failure ??= Object.assign(new Error(msg.error.message), msg.error);
            return resolve();
          }
          if (msg.hashes && current) current.forEach((fi, k) => (result[fi] = msg.hashes?.[k] ?? ''));
          feed();
        });
        w.once('error', (err) => {
          failure ??= err;
          resolve();
        });
      }),
  );
  try {
    for (let batch = take(); batch; batch = take()) {
      for (const i of batch) {
        const f = files[i] as FileToHash;
        result[i] = hashFileSync(f.abs, f.size);
      }
      await yieldToEvents(); // let workers' replies in between batches
    }
  } catch (err) {
    failure ??= err;
  }
  for (const stop of stopWaiting) stop();
  await Promise.all(workerDone);
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure !== undefined) throw failure;
  return result;
}

function makeBatches(files: readonly FileToHash[]): number[][] {
  const batches: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  files.forEach((f, i) => {
    cur.push(i);
    bytes += f.size;
    if (bytes >= BATCH_BYTES || cur.length >= BATCH_FILES) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
  });
  if (cur.length) batches.push(cur);
  return batches;
}
