/** @module Writes a file so that readers see the old bytes or the new bytes, never a mix. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Temp file in the same directory (same filesystem), fsync, then rename over the target. `mode`
 * is set when the temp file is created, so a file meant to be private (credentials) never exists
 * readable by others, not even for a moment. `sync: false` skips the fsync, for a record whose
 * loss in a power cut costs nothing (its readers treat an empty or torn file as absent).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, { mode = 0o644, sync = true }: { mode?: number; sync?: boolean } = {}): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (sync && !isVolatile(file)) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Directories whose files are written without fsync (volatileDir). */
const volatile = new Set<string>();

/**
 * Until the returned function is called, files under `dir` are written without fsync: a
 * temporary worktree (an experiment's), deleted as soon as its result is committed to git and its
 * objects are in the shared cache outside it, has nothing a power cut could take that would not
 * be lost anyway. Its stat state, records and data.lock were fsynced a dozen times per
 * experiment: ~150 ms of each on a machine whose disk other processes kept busy.
 */
export function volatileDir(dir: string): () => void {
  const key = resolve(dir) + sep;
  volatile.add(key);
  return () => void volatile.delete(key);
}

function isVolatile(file: string): boolean {
  if (volatile.size === 0) return false;
  const abs = resolve(file);
  for (const d of volatile) if (abs.startsWith(d)) return true;
  return false;
}
