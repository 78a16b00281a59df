/** @module Hashes many files, on worker threads (one per core) when there is enough to hash. */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashFileSync } from './hash-file.js';

export interface FileToHash {
  readonly abs: string;
  readonly size: number;
}

/** Below this many bytes, starting workers (~30 ms each) costs more than it saves. */
const PARALLEL_MIN_BYTES = 48 << 20;
/** A batch sent to a worker: enough bytes to amortise one message round trip. */
const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;

// The worker is an inline script so that it runs the same from TypeScript sources (tests)
// and from the built dist/ (the bin); it repeats hashFileSync's loop in plain JS.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
parentPort.on('message', ({ id, paths, sizes }) => {
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
    parentPort.postMessage({ id, hashes: out });
  } catch (e) {
    parentPort.postMessage({ id, error: { message: e.message, code: e.code, path: e.path } });
  }
});
`;

export interface HashPoolOptions {
  readonly threads?: number;
}

/** Hex digests of `files`, in the same order. */
export async function hashFiles(files: readonly FileToHash[], { threads }: HashPoolOptions = {}): Promise<string[]> {
  const total = files.reduce((s, f) => s + f.size, 0);
  const n = Math.min(threads ?? availableParallelism(), files.length);
  if (n <= 1 || total < PARALLEL_MIN_BYTES) return files.map((f) => hashFileSync(f.abs, f.size));

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

  const result = new Array<string>(files.length);
  const workers = Array.from({ length: Math.min(n, batches.length) }, () => new Worker(WORKER_SOURCE, { eval: true }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              const batch = batches[next++];
              if (!batch) return resolve();
              w.once('message', (msg: { hashes?: string[]; error?: { message: string; code?: string; path?: string } }) => {
                if (msg.error) return reject(Object.assign(new Error(msg.error.message), msg.error));
                batch.forEach((fi, k) => (result[fi] = msg.hashes?.[k] ?? ''));
                send();
              });
              w.postMessage({ id: next, paths: batch.map((i) => files[i]?.abs), sizes: batch.map((i) => files[i]?.size) });
            };
            w.once('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return result;
}
