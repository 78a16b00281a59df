/** @module Hashes many files on the worker pool (runner/workers/pool.ts), the main thread included; with placeInto, links each into the store as it goes. */
import { readdirSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { FileToHash } from '../workers/hash-batch.js';
import { runTask } from '../workers/task.js';
import { shareBatches } from '../workers/pool.js';

export type { FileToHash } from '../workers/hash-batch.js';

/** Below this many bytes the main thread alone finishes before a worker could start (~100 ms here). */
const PARALLEL_MIN_BYTES = 32 << 20;
/** A batch: enough bytes to amortise a message round trip, small enough to share the tail well. */
const BATCH_BYTES = 4 << 20;
const BATCH_FILES = 128;
/** Placing at least this many files into a store reads its directories ahead (readAheadDirs). */
const READ_AHEAD_MIN_FILES = 1000;

export interface HashFilesOptions {
  /** Threads in all, the main thread included (default: the number of CPUs). */
  readonly threads?: number;
  /**
   * A store's `files/sha256` directory: each file is hardlinked there read-only right after it is
   * hashed (runner/workers/hash-batch.ts); what happened to each goes into `placed` ('ok', an
   * errno code such as 'EEXIST' for already stored, 'ESYMLINK', or 'chmod:<code>').
   */
  readonly placeInto?: string;
  readonly placed?: string[];
  /** With placeInto: each placed file's ctime after placing (NaN when not placed), see HashedBatch.ctimes. */
  readonly ctimes?: number[];
}

/** Hex digests of `files`, in the same order. */
export async function hashFiles(files: readonly FileToHash[], { threads = availableParallelism(), placeInto, placed, ctimes }: HashFilesOptions = {}): Promise<string[]> {
  const total = files.reduce((s, f) => s + f.size, 0);
  if (threads < 2 || files.length < 2 || total < PARALLEL_MIN_BYTES) {
    const out = runTask('hash', { files, ...(placeInto === undefined ? {} : { placeInto }) });
    if (placed && out.placed) out.placed.forEach((p, i) => (placed[i] = p));
    if (ctimes && out.ctimes) out.ctimes.forEach((c, i) => (ctimes[i] = c));
    return out.hashes;
  }
  const readAhead = placeInto !== undefined && files.length >= READ_AHEAD_MIN_FILES ? readAheadDirs(placeInto) : undefined;
  const batches = makeBatches(files);
  const result = new Array<string>(files.length);
  try {
    await shareBatches({
      kind: 'hash',
      threads,
      batches: batches.map((b) => ({ files: b.map((i) => files[i] as FileToHash), ...(placeInto === undefined ? {} : { placeInto }) })),
      done: (b, out) =>
        batches[b]?.forEach((fi, k) => {
          result[fi] = out.hashes[k] ?? '';
          if (placed) placed[fi] = out.placed?.[k] ?? 'EUNKNOWN';
          if (ctimes) ctimes[fi] = out.ctimes?.[k] ?? NaN;
        }),
    });
  } finally {
    await readAhead;
  }
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
  // Only the fan-out directories that exist: in a new store (every first `pipe add`) none do, and
  // 256 failing opendir calls cost ~8 ms of the main thread's CPU for nothing.
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => FAN_OUT.test(n));
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      try {
        const d = await opendir(`${dir}/${name}`, { bufferSize: 1 });
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

/** A store's fan-out directory: the first two hex digits of its objects' hashes. */
const FAN_OUT = /^[0-9a-f]{2}$/;

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
