/** @module The one pool of worker threads that hashes, links and copies: started early, shared by every caller, and joined by the main thread, which works while they start. */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { runTask, type TaskInput, type TaskKind, type TaskMessage, type TaskOutput, type WorkerReply } from './task.js';

/** Batches run by workers so far in this process: a test's way to see that they took part. */
let workerBatches = 0;
/** Started workers not in use. Unref'd, they never keep the process alive. */
const idle: PoolWorker[] = [];
/** Idle workers kept for later calls: one per extra core, and at least the directory remote's copy threads. */
const MAX_IDLE = Math.max(4, availableParallelism() - 1);
/** A WorkQueue copies on the main thread what arrives at once when it is no more than this many items … */
const INLINE_MAX_ITEMS = 16;
/** … of no more than this many bytes in all. */
const INLINE_MAX_BYTES = 4 << 20;
/** Warming happens before the amount of work is known: a many-core machine starts more only when a call needs them. */
const WARM_MAX_THREADS = 4;

/** One worker thread; tasks posted to it are answered in order. */
class PoolWorker {
  readonly #worker: Worker;
  /** Resolves once the worker has started: with undefined, or with the error it died of first. */
  readonly ready: Promise<Error | undefined>;
  #dead = false;
  readonly #pending: { resolve: (output: unknown) => void; reject: (err: Error) => void }[] = [];
  #onReady: (err?: Error) => void = () => undefined;

  constructor() {
    const { entry, options } = workerEntry();
    this.#worker = new Worker(entry, options);
    this.ready = new Promise((resolve) => (this.#onReady = resolve));
    this.#worker.on('message', (reply: WorkerReply) => {
      if (reply === 'ready') return this.#onReady();
      const p = this.#pending.shift();
      if (!this.#pending.length) this.#worker.unref();
      if ('error' in reply) p?.reject(Object.assign(new Error(reply.error.message), reply.error));
      else p?.resolve(reply.output);
    });
    this.#worker.on('error', (err) => this.#fail(err));
    this.#worker.on('exit', (code) => this.#fail(new Error(`a worker thread exited (code ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker's port again. Unref'd, an
    // idle worker never keeps the process alive.
    this.#worker.unref();
  }

  get dead(): boolean {
    return this.#dead;
  }

  run<K extends TaskKind>(kind: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
    if (this.#dead) return Promise.reject(new Error('a worker thread is gone'));
    // While it works for us, the process waits for its replies.
    this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve: resolve as (output: unknown) => void, reject });
      this.#worker.postMessage({ kind, input } satisfies TaskMessage<K>);
    });
  }

  terminate(): void {
    this.#dead = true;
    void this.#worker.terminate();
  }

  #fail(err: Error): void {
    if (this.#dead && !this.#pending.length) return;
    this.#dead = true;
    this.#onReady(err);
    for (const p of this.#pending.splice(0)) p.reject(err);
  }
}

/**
 * The worker module: from the bundle, dist/workers/worker.cjs (scripts/build.mjs builds it beside
 * dist/cli/ and dist/chunks/, which this code is bundled into). From the TypeScript sources
 * (vitest, tsx), runner/workers/worker.ts through tsx, which a two-line module registers first:
 * Node 20 applies no `--import` hook to a worker's own entry.
 */
function workerEntry(): { entry: URL; options: WorkerOptions } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('../workers/worker.cjs', import.meta.url), options: {} };
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']?.import.default;
  const boot = [`const { register } = await import(${JSON.stringify(new URL(api ?? '', pathToFileURL(pkg)).href)});`, 'register();', `await import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)});`].join('\n');
  return { entry: new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options: {} };
}

function borrow(): PoolWorker {
  for (let w = idle.pop(); w; w = idle.pop()) if (!w.dead) return w;
  return new PoolWorker();
}

/** Healthy workers go back to the pool for the next call (started or still starting); a dead one is let go. */
function giveBack(workers: readonly PoolWorker[]): void {
  for (const w of workers) {
    if (w.dead) continue;
    if (idle.length >= MAX_IDLE) w.terminate();
    else idle.push(w);
  }
}

/**
 * Starts threads now, so that they are ready when the work is known: a worker takes ~100 ms to
 * start here, time in which the main thread would work alone. `threads` counts the main thread.
 * Callers go on at once; the promise (for tests) resolves when the idle workers have started.
 */
export async function warmPool({ threads = Math.min(availableParallelism(), WARM_MAX_THREADS) }: { threads?: number } = {}): Promise<void> {
  while (idle.length < threads - 1) idle.push(new PoolWorker());
  await Promise.all(idle.map((w) => w.ready));
}

/**
 * warmPool() when any of `paths` (absolute) is a directory, likely many files to hash; a path that
 * cannot be stat'ed counts as no (whoever uses it reports the error properly).
 */
export function warmPoolForDirectories(paths: readonly string[]): void {
  const isDirectory = (p: string) => {
    try {
      return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      return false; // EACCES, ENOTDIR, a name too long: not a directory to warm for
    }
  };
  if (paths.some(isDirectory)) void warmPool();
}

/** Batches that workers (not the main thread) have run in this process. */
export function workerBatchCount(): number {
  return workerBatches;
}

/**
 * Runs every batch once, on the main thread and on up to `threads - 1` workers, and hands each
 * output to `done` (in no particular order). The main thread starts at once; a worker asks for
 * batches only once it has started, so a slow start never holds a batch hostage, and one still
 * starting when the main thread runs out of batches is not waited for. Each worker has two
 * batches in flight: it starts the next one at once instead of waiting for the main thread (busy
 * with a batch of its own) to read its reply and send more; with one in flight a hashing worker
 * sat idle a third of the time. The first error (a batch's own or a thread's death) is thrown
 * once the batches in flight have come back; no batch starts after it.
 */
export async function shareBatches<K extends TaskKind>({
  kind,
  batches,
  threads = availableParallelism(),
  done,
}: {
  kind: K;
  batches: readonly TaskInput<K>[];
  threads?: number;
  done: (batch: number, output: TaskOutput<K>) => void;
}): Promise<void> {
  let next = 0;
  let failure: unknown;
  const take = () => (failure === undefined && next < batches.length ? next++ : undefined);
  const workers = Array.from({ length: Math.max(0, Math.min(threads - 1, batches.length - 1)) }, borrow);
  const working: Promise<void>[] = [];
  const feed = async (w: PoolWorker) => {
    for (let b = take(); b !== undefined; b = take()) {
      try {
        const output = await w.run(kind, batches[b] as TaskInput<K>);
        workerBatches++;
        done(b, output);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  for (const w of workers) {
    void w.ready.then((err) => {
      if (err) failure ??= err; // a worker that cannot start (its module missing from a build) is not hidden
      else working.push(feed(w), feed(w));
    });
  }
  try {
    for (let b = take(); b !== undefined; b = take()) {
      done(b, runTask(kind, batches[b] as TaskInput<K>));
      await yieldToEvents(); // let workers' replies in between batches
    }
  } catch (err) {
    failure ??= err;
  }
  await Promise.all(working);
  giveBack(workers);
  if (failure !== undefined) throw failure;
}

/**
 * Items queued from anywhere (a directory remote's transfers) run on up to `threads` pool workers
 * in batches of at most `batch`, none on the main thread. With few items queued they are spread
 * over the threads rather than batched on one. Workers go back to the pool when the queue is empty.
 * Except: when the queue was idle and what arrives in one turn of the event loop is a few small
 * small items (`pipe model get` of a model: a manifest and five files), the main thread
 * copies them itself. A thread takes ~100 ms to start here, several times that on a loaded
 * machine, while copying a few small files takes a millisecond.
 */
export class WorkQueue<K extends 'copy'> {
  readonly #kind: K;
  readonly #threads: number;
  readonly #batch: number;
  readonly #queue: { item: TaskInput<K>[number]; resolve: (r: TaskOutput<K>[number]) => void; reject: (err: Error) => void }[] = [];
  #busy = 0;
  #scheduled = false;

  constructor(kind: K, { threads, batch }: { threads: number; batch: number }) {
    this.#kind = kind;
    this.#threads = Math.max(1, threads);
    this.#batch = batch;
  }

  run(item: TaskInput<K>[number]): Promise<TaskOutput<K>[number]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#busy === 0) {
        // Nothing running: wait for the rest of this turn's items before choosing where they run.
        if (!this.#scheduled) {
          this.#scheduled = true;
          setImmediate(() => this.#dispatch());
        }
        return;
      }
      this.#startWorkers();
    });
  }

  #dispatch(): void {
    this.#scheduled = false;
    // The sources' real sizes (a job's `size` may be only a limit, as for a manifest).
    const few = this.#queue.length <= INLINE_MAX_ITEMS && this.#queue.reduce((s, p) => s + (statSync(p.item.src, { throwIfNoEntry: false })?.size ?? 0), 0) <= INLINE_MAX_BYTES;
    if (!few || this.#busy > 0) {
      this.#startWorkers();
      return;
    }
    const batch = this.#queue.splice(0);
    let out: TaskOutput<K> | Error;
    try {
      out = runTask(this.#kind, batch.map((p) => p.item) as TaskInput<K>);
    } catch (err) {
      out = err as Error;
    }
    settle(batch, out);
  }

  #startWorkers(): void {
    while (this.#queue.length && this.#busy < this.#threads) void this.#work(borrow());
  }

  async #work(w: PoolWorker): Promise<void> {
    this.#busy++;
    try {
      while (this.#queue.length && !w.dead) {
        const share = Math.max(1, Math.min(this.#batch, Math.ceil(this.#queue.length / this.#threads)));
        const batch = this.#queue.splice(0, share);
        try {
          const out = await w.run(this.#kind, batch.map((p) => p.item) as TaskInput<K>);
          workerBatches++;
          settle(batch, out);
        } catch (err) {
          settle(batch, err as Error);
        }
      }
    } finally {
      this.#busy--;
      giveBack([w]);
    }
  }
}

/** Hands each queued item its own result, or the batch's error to every one of them. */
function settle<R>(batch: readonly { resolve: (r: R) => void; reject: (err: Error) => void }[], out: readonly R[] | Error): void {
  batch.forEach((p, i) => {
    const r = out instanceof Error ? undefined : out[i];
    if (out instanceof Error) p.reject(out);
    else if (r === undefined) p.reject(new Error('no result for a queued task'));
    else p.resolve(r);
  });
}
