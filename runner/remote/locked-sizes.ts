/** @module The sizes data.lock gives for file objects: what a download of each may be, at most. */
import { parseHash } from '../cache/object-store.js';
import type { Lock } from '../lockfile/lock.js';

/** File hash → its size in data.lock (stages' outs and tracked data). Directories are left out: theirs is the total of their files, not the manifest's. */
export function lockedSizes(lock: Lock): Map<string, number> {
  const sizes = new Map<string, number>();
  const add = (hash: string, size: number) => {
    if (Number.isSafeInteger(size) && size >= 0 && parseHash(hash)?.isDir === false) sizes.set(hash, size);
  };
  for (const s of Object.values(lock.stages)) for (const o of s.outs) add(o.hash, o.size);
  for (const d of Object.values(lock.data)) add(d.hash, d.size);
  return sizes;
}
