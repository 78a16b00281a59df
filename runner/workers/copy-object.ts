/** @module Copies one object between the cache and a directory remote: read once (a regular file, never more than expected), hashed, written beside its final name only when it matches, then renamed. Runs on the workers. */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { NotRegularFile, openRegular, readFull } from './open-regular.js';

export interface CopyJob {
  readonly src: string;
  /** Final path; the temp file goes beside it (same directory, so the rename is cheap and atomic). */
  readonly dest: string;
  /** SHA-256 the bytes must have (hex); nothing is written otherwise. Without it, any bytes are copied and their hash returned. */
  readonly hex?: string;
  /** The size the object should have, when known: no more than this (+1 byte, to tell "too long") is read. */
  readonly size?: number;
  readonly mode: number;
  /** Set the copy's mtime to this (ms) before it is renamed into place. */
  readonly mtimeMs?: number;
  /** What the temp file's name starts with after `.tmp-` (then the thread and a count): `<pid>-` unless given; a directory remote gives its `<host>-<pid>-<random>-`, several machines may share it. */
  readonly tmpPrefix?: string;
}

export type CopyResult =
  | { readonly state: 'ok'; readonly size: number; readonly hex: string }
  | { readonly state: 'missing' }
  | { readonly state: 'mismatch'; readonly actual: string }
  /** Not something to copy: not a regular file, or longer than expected. Nothing was written. */
  | { readonly state: 'refused'; readonly problem: string }
  | { readonly state: 'error'; readonly code?: string; readonly path?: string; readonly message: string };

/** Objects up to this size are read whole, in one buffer; larger ones in chunks. */
const WHOLE = 16 << 20;
const CHUNK = 1 << 20;
/** Directories this thread made: creating files is the cost here, a mkdir per object would add to it. */
const made = new Set<string>();
let count = 0;
let chunk: Buffer | undefined;

/** Never throws: a failure is reported as `state: 'error'` with the errno code and path. */
export function copyObject(job: CopyJob): CopyResult {
  try {
    return copy(job);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { state: 'error', ...(e.code ? { code: e.code } : {}), ...(e.path ? { path: e.path } : {}), message: String(e.message) };
  }
}

function copy(job: CopyJob): CopyResult {
  let src: { fd: number; size: number };
  try {
    src = openRegular(job.src);
  } catch (err) {
    if (err instanceof NotRegularFile) return { state: 'refused', problem: `it is ${err.what}, not a regular file` };
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing' };
    throw err;
  }
  const { fd, size } = src;
  // A regular file can still grow while it is read: never read past what is expected of it.
  const limit = job.size ?? size;
  const tooLong = { state: 'refused', problem: `it holds more than the ${limit} bytes expected` } as const;
  const dir = dirname(job.dest);
  const tmp = join(dir, `.tmp-${job.tmpPrefix ?? `${process.pid}-`}${threadId}-${count++}`);
  let written = false;
  try {
    if (size > limit) return tooLong;
    const hash = createHash('sha256');
    let total: number;
    if (limit <= WHOLE) {
      const buf = Buffer.allocUnsafe(limit + 1);
      total = readFull(fd, buf);
      if (total > limit) return tooLong;
      const bytes = buf.subarray(0, total);
      const hex = hash.update(bytes).digest('hex');
      if (job.hex !== undefined && hex !== job.hex) return { state: 'mismatch', actual: hex };
      makeDir(dir);
      written = true;
      writeFileSync(tmp, bytes, { mode: job.mode, flag: 'wx' });
      publish(job, tmp);
      written = false;
      return { state: 'ok', size: total, hex };
    }
    makeDir(dir);
    chunk ??= Buffer.allocUnsafe(CHUNK);
    written = true;
    const out = openSync(tmp, 'wx', job.mode);
    total = 0;
    try {
      for (;;) {
        const want = Math.min(CHUNK, limit + 1 - total);
        const k = readFull(fd, chunk.subarray(0, want));
        total += k;
        if (total > limit) return tooLong;
        hash.update(chunk.subarray(0, k));
        writeSync(out, chunk, 0, k);
        if (k < want) break;
      }
    } finally {
      closeSync(out);
    }
    const hex = hash.digest('hex');
    if (job.hex !== undefined && hex !== job.hex) return { state: 'mismatch', actual: hex };
    publish(job, tmp);
    written = false;
    return { state: 'ok', size: total, hex };
  } finally {
    closeSync(fd);
    if (written) rmSync(tmp, { force: true });
  }
}

/** Gives the complete temp file its mtime, then its final name: readers see the object whole or not at all. */
function publish(job: CopyJob, tmp: string): void {
  if (job.mtimeMs !== undefined) utimesSync(tmp, job.mtimeMs / 1000, job.mtimeMs / 1000);
  renameSync(tmp, job.dest);
}

function makeDir(dir: string): void {
  if (made.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  made.add(dir);
}
