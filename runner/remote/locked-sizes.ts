/** @module The sizes data.lock gives for file objects: what a download of each may be, at most. */
import { parseHash } from '../cache/object-store.js';
import type { Lock } from '../lockfile/lock.js';

/** File hash → its size in data.lock (stages' outs and tracked data). Directories are left out: theirs is the total of their files, not the manifest's. */
export function lockedSizes(lock: Lock): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const s of Object.values(lock.stages)) addFileSizes(sizes, s.outs);
  addFileSizes(sizes, Object.values(lock.data));
  return sizes;
}

/** Adds the file objects among `paths` (a lock's or a run-cache entry's) to `sizes`, keeping sizes already there. */
export function addFileSizes(sizes: Map<string, number>, paths: Iterable<{ readonly hash: string; readonly size: number }>): Map<string, number> {
  for (const { hash, size } of paths) {
    if (!sizes.has(hash) && Number.isSafeInteger(size) && size >= 0 && parseHash(hash)?.isDir === false) sizes.set(hash, size);
  }
  return sizes;
}
