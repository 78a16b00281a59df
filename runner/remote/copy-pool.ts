/** @module Copies files between the cache and a directory remote on worker threads: each file read once, hashed, written beside its final name only when it matches, then renamed. */
import { Worker } from 'node:worker_threads';

export interface CopyJob {
  readonly src: string;
  /** Final path; the temp file goes beside it (same directory, so the rename is cheap and atomic). */
  readonly dest: string;
  /** SHA-256 the bytes must have (hex); nothing is written otherwise. */
  readonly hex: string;
  readonly mode: number;
  /** Set the copy's mtime to this (ms) before it is renamed into place. */
  readonly mtimeMs?: number;
}

export type CopyResult =
  | { readonly state: 'ok'; readonly size: number }
  | { readonly state: 'missing' }
  | { readonly state: 'mismatch'; readonly actual: string }
  | { readonly state: 'error'; readonly code?: string; readonly path?: string; readonly message: string };

// Inline so that it runs the same from the TypeScript sources (tests) and from the bundle.
// Synchronous calls on a few threads beat chains of thread-pool round trips: one small object is
// open, read, write, rename — and creating files is what costs here, so several run at once.
const WORKER_SOURCE = `
const { parentPort, threadId } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { dirname, join } = require('node:path');
const WHOLE = 16 << 20;
const CHUNK = 1 << 20;
const made = new Set();
let n = 0;
let buf;
function copy(job) {
  let fd;
  try {
    fd = fs.openSync(job.src, 'r');
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return { state: 'missing' };
    throw e;
  }
  const dir = dirname(job.dest);
  const tmp = join(dir, '.tmp-' + process.pid + '-' + threadId + '-' + (n++));
  let written = false;
  try {
    const size = fs.fstatSync(fd).size;
    const hash = createHash('sha256');
    if (size <= WHOLE) {
      const bytes = fs.readFileSync(fd);
      const hex = hash.update(bytes).digest('hex');
      if (hex !== job.hex) return { state: 'mismatch', actual: hex };
      if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
      written = true;
      fs.writeFileSync(tmp, bytes, { mode: job.mode, flag: 'wx' });
    } else {
      if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
      buf ??= Buffer.allocUnsafe(CHUNK);
      written = true;
      const out = fs.openSync(tmp, 'wx', job.mode);
      try {
        for (;;) {
          const k = fs.readSync(fd, buf, 0, CHUNK, null);
          if (k === 0) break;
          hash.update(buf.subarray(0, k));
          fs.writeSync(out, buf, 0, k);
        }
      } finally { fs.closeSync(out); }
      const hex = hash.digest('hex');
      if (hex !== job.hex) { fs.rmSync(tmp, { force: true }); return { state: 'mismatch', actual: hex }; }
    }
    if (job.mtimeMs !== undefined) fs.utimesSync(tmp, job.mtimeMs / 1000, job.mtimeMs / 1000);
    fs.renameSync(tmp, job.dest);
    written = false;
    return { state: 'ok', size };
  } finally {
    fs.closeSync(fd);
    if (written) fs.rmSync(tmp, { force: true });
  }
}
parentPort.on('message', (jobs) => {
  const out = [];
  for (const job of jobs) {
    try { out.push(copy(job)); }
    catch (e) { out.push({ state: 'error', code: e.code, path: e.path, message: String(e.message) }); }
  }
  parentPort.postMessage(out);
});
`;

const BATCH = 32;

interface Pending {
  readonly job: CopyJob;
  readonly resolve: (r: CopyResult) => void;
}

/** Jobs are queued and sent in batches to whichever worker is idle. */
export class CopyPool {
  readonly #threads: number;
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue: Pending[] = [];

  constructor(threads: number) {
    this.#threads = Math.max(1, threads);
  }

  copy(job: CopyJob): Promise<CopyResult> {
    return new Promise((resolve) => {
      this.#queue.push({ job, resolve });
      this.#dispatch();
    });
  }

  close(): void {
    for (const w of this.#all) void w.terminate();
    this.#all.length = 0;
    this.#idle.length = 0;
  }

  #dispatch(): void {
    while (this.#queue.length) {
      let w = this.#idle.pop();
      if (!w) {
        if (this.#all.length >= this.#threads) return;
        w = new Worker(WORKER_SOURCE, { eval: true });
        this.#all.push(w);
      }
      this.#send(w);
    }
  }

  #send(w: Worker): void {
    // Fair shares: with few jobs queued, spread them over the threads rather than batch them on one.
    const share = Math.max(1, Math.min(BATCH, Math.ceil(this.#queue.length / this.#threads)));
    const batch = this.#queue.splice(0, share);
    const onMessage = (results: CopyResult[]) => {
      cleanup();
      batch.forEach((p, i) => p.resolve(results[i] ?? { state: 'error', message: 'no result from the copy thread' }));
      // An idle worker must not keep the process alive; a busy one must.
      w.unref();
      this.#idle.push(w);
      this.#dispatch();
    };
    const onError = (err: Error) => {
      cleanup();
      for (const p of batch) p.resolve({ state: 'error', message: err.message });
      const i = this.#all.indexOf(w);
      if (i >= 0) this.#all.splice(i, 1);
      this.#dispatch();
    };
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.ref();
    w.postMessage(batch.map((p) => p.job));
  }
}
