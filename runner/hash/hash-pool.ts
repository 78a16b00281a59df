/** @module Hashes many files: on the main thread, joined by worker threads (one per extra core) once they have started. */
import { fchmodSync, linkSync, mkdirSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { hashFileSync } from './hash-file.js';

export interface FileToHash {
  readonly abs: string;
  readonly size: number;
  /** The file's exec bit, for placeInto. */
  readonly exec?: boolean;
  /** For placeInto: do not link it (a symlink: link(2) would link the symlink, not its target); placed as 'ESYMLINK'. */
  readonly noLink?: boolean;
}

/** Below this many bytes the main thread alone finishes before a worker could start (~100 ms here). */
const PARALLEL_MIN_BYTES = 32 << 20;
/** A batch: enough bytes to amortise a message round trip, small enough to share the tail well. */
const BATCH_BYTES = 4 << 20;
const BATCH_FILES = 128;
/** Placing at least this many files into a store reads its directories ahead (readAheadDirs). */
const READ_AHEAD_MIN_FILES = 1000;

// The worker is an inline script so that it runs the same from TypeScript sources (tests) and
// from the bundle (the bin); it repeats hashFileSync's loop in plain JS.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { openSync, readSync, closeSync } = fs;
const CHUNK = 128 << 10;
const buf = Buffer.allocUnsafe(CHUNK);
function place(src, fd, hex, dir, exec) {
  const sub = dir + '/' + hex.slice(0, 2);
  try {
    try { fs.linkSync(src, sub + '/' + hex.slice(2)); }
    catch (e) { if (e.code !== 'ENOENT') throw e; fs.mkdirSync(sub, { recursive: true }); fs.linkSync(src, sub + '/' + hex.slice(2)); }
  } catch (e) { return e.code || 'EUNKNOWN'; }
  try { fs.fchmodSync(fd, exec ? 0o555 : 0o444); } catch (e) { return 'chmod:' + (e.code || ''); }
  return 'ok';
}
parentPort.on('message', ({ paths, sizes, execs, noLinks, placeInto }) => {
  const out = [];
  const placed = [];
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
        out.push(h.digest('hex'));
        if (placeInto) placed.push(noLinks[i] ? 'ESYMLINK' : place(paths[i], fd, out[i], placeInto, execs[i]));
      } finally { closeSync(fd); }
    }
    parentPort.postMessage({ hashes: out, placed });
  } catch (e) {
    parentPort.postMessage({ error: { message: e.message, code: e.code, path: e.path } });
  }
});
parentPort.postMessage({ ready: true });
`;

interface WorkerReply {
  hashes?: string[];
  placed?: string[];
  error?: { message: string; code?: string; path?: string };
}

export interface HashPoolOptions {
  /** Threads in all, the main thread included (default: the number of CPUs). */
  readonly threads?: number;
  /**
   * A store's `files/sha256` directory: right after hashing a file, the thread that hashed it
   * hardlinks it there as `<hex[0:2]>/<hex[2:]>` and makes it read-only (0o555 with exec, else
   * 0o444), so that `pipe add` links while it hashes instead of after. What happened to each
   * file goes into `placed`: 'ok', an errno code ('EEXIST': already stored), or 'chmod:<code>'
   * (linked, still writable).
   */
  readonly placeInto?: string;
  readonly placed?: string[];
}

/**
 * place() of the worker, on the main thread. `fd` is the file still open from hashing: the link
 * shares its inode, so fchmod through it makes the stored object read-only without a path lookup.
 */
function placeFile(src: string, fd: number, hex: string, dir: string, exec: boolean | undefined): string {
  const sub = `${dir}/${hex.slice(0, 2)}`;
  const dest = `${sub}/${hex.slice(2)}`;
  try {
    try {
      linkSync(src, dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(sub, { recursive: true });
      linkSync(src, dest);
    }
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
  }
  try {
    fchmodSync(fd, exec ? 0o555 : 0o444);
  } catch (err) {
    return `chmod:${(err as NodeJS.ErrnoException).code ?? ''}`;
  }
  return 'ok';
}

interface HashWorker {
  readonly worker: Worker;
  /** Resolves when the worker has started (it posts 'ready' once). */
  readonly ready: Promise<void>;
  /** Set when the thread failed or exited: never handed out again. */
  dead: boolean;
}

/** Started workers not in use. Unref'd, they never keep the process alive. */
const idle: HashWorker[] = [];

function startWorker(): HashWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  const ready = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const hw: HashWorker = { worker, ready, dead: false };
  // Also reported to the call using it, if any (onError/onExit in hashFiles).
  worker.on('error', () => (hw.dead = true));
  worker.on('exit', () => (hw.dead = true));
  return hw;
}

function takeIdle(): HashWorker | undefined {
  for (let hw = idle.pop(); hw; hw = idle.pop()) if (!hw.dead) return hw;
  return undefined;
}

/**
 * Starts the hashing threads now, so that they are ready when the files to hash are known: a
 * worker takes ~100 ms to start here, time in which the main thread would hash alone. Workers
 * stay for the rest of the process (unref'd) and serve every later hashFiles call.
 */
export function warmHashPool({ threads = Math.min(availableParallelism(), WARM_MAX_THREADS) }: { threads?: number } = {}): void {
  while (idle.length < threads - 1) idle.push(startWorker());
}

/** Warming happens before the amount of work is known: a many-core machine starts more only when hashFiles needs them. */
const WARM_MAX_THREADS = 4;

/** Hex digests of `files`, in the same order. */
export async function hashFiles(files: readonly FileToHash[], { threads, placeInto, placed }: HashPoolOptions = {}): Promise<string[]> {
  const total = files.reduce((s, f) => s + f.size, 0);
  const extra = Math.min((threads ?? availableParallelism()) - 1, files.length - 1);
  const hashOne = (i: number): string => {
    const f = files[i] as FileToHash;
    if (placeInto === undefined || !placed) return hashFileSync(f.abs, f.size);
    return hashFileSync(f.abs, f.size, (fd, hex) => (placed[i] = f.noLink ? 'ESYMLINK' : placeFile(f.abs, fd, hex, placeInto, f.exec)));
  };
  if (extra < 1 || total < PARALLEL_MIN_BYTES) return files.map((_, i) => hashOne(i));

  const readAhead = placeInto !== undefined && files.length >= READ_AHEAD_MIN_FILES ? readAheadDirs(placeInto) : undefined;
  const batches = makeBatches(files);
  const result = new Array<string>(files.length);
  let next = 0;
  let failure: unknown;
  const take = () => (failure === undefined ? batches[next++] : undefined);

  // Workers ask for work only once started, so a slow start never holds a batch hostage.
  const workers = Array.from({ length: extra }, () => takeIdle() ?? startWorker());
  /** Workers still starting when the main thread runs out of batches are not waited for. */
  const stopWaiting: (() => void)[] = [];
  const broken = new Set<HashWorker>();
  const workerDone = workers.map(
    (hw) =>
      new Promise<void>((resolveWorker) => {
        const w = hw.worker;
        // Two batches in flight per worker: it starts the next one at once instead of waiting
        // for the main thread (busy hashing a batch of its own) to read its reply and send more;
        // with one in flight the worker sat idle a third of the time.
        const inflight: number[][] = [];
        let finished = false;
        const resolve = () => {
          if (finished) return;
          finished = true;
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          w.unref();
          resolveWorker();
        };
        stopWaiting.push(() => {
          if (!inflight.length) resolve();
        });
        const feed = () => {
          const batch = take();
          if (!batch) {
            if (!inflight.length) resolve();
            return;
          }
          inflight.push(batch);
          w.postMessage({
            paths: batch.map((i) => files[i]?.abs),
            sizes: batch.map((i) => files[i]?.size),
            execs: batch.map((i) => files[i]?.exec),
            noLinks: batch.map((i) => files[i]?.noLink),
            placeInto,
          });
        };
        const onMessage = (msg: WorkerReply) => {
          if (msg.error) {
            failure ??= Object.assign(new Error(msg.error.message), msg.error);
            broken.add(hw); // it may still answer a batch in flight: never reuse it
            return resolve();
          }
          const current = inflight.shift();
          if (msg.hashes && current) current.forEach((fi, k) => (result[fi] = msg.hashes?.[k] ?? ''));
          if (msg.placed && placed && current) current.forEach((fi, k) => (placed[fi] = msg.placed?.[k] ?? 'EUNKNOWN'));
          feed();
        };
        const onError = (err: Error) => {
          failure ??= err;
          broken.add(hw);
          resolve();
        };
        const onExit = (code: number) => onError(new Error(`a hashing thread exited (code ${code})`));
        w.on('error', onError);
        w.on('exit', onExit);
        w.ref(); // while it works for us, the process waits for its replies
        void hw.ready.then(() => {
          if (finished) return; // the main thread finished every batch first
          w.on('message', onMessage);
          feed();
          feed();
        });
      }),
  );
  try {
    for (let batch = take(); batch; batch = take()) {
      for (const i of batch) result[i] = hashOne(i);
      await yieldToEvents(); // let workers' replies in between batches
    }
  } catch (err) {
    failure ??= err;
  }
  for (const stop of stopWaiting) stop();
  await Promise.all(workerDone);
  // Healthy workers go back to the pool for the next call; a crashed one is let go.
  for (const hw of workers) {
    if (broken.has(hw) || hw.dead || idle.length >= availableParallelism() - 1) void hw.worker.terminate();
    else idle.push(hw);
  }
  await readAhead;
  if (failure !== undefined) throw failure;
  return result;
}

/**
 * Reads the store's 256 fan-out directories on libuv's threads while the hashing threads start:
 * a link into a directory whose blocks are not in memory waits for the disk, which cost ~250 ms
 * over a cold store's 256 directories in `pipe add` of 10,000 files (docs/BENCHMARKS.md). Reading
 * one entry loads a directory's blocks (getdents fills a 32 KiB buffer) without making a string
 * per entry. A directory that is missing or unreadable is the link's business, not this one's.
 */
async function readAheadDirs(dir: string): Promise<void> {
  await Promise.all(
    Array.from({ length: 256 }, async (_, i) => {
      try {
        const d = await opendir(`${dir}/${i.toString(16).padStart(2, '0')}`, { bufferSize: 1 });
        try {
          await d.read();
        } finally {
          await d.close();
        }
      } catch {
        // Missing (made by the first link into it) or unreadable (the link reports it).
      }
    }),
  );
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
