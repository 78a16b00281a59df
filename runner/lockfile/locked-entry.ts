/** @module What data.lock records for one path: a stage's out, or data added with `pipe add`. */
import type { Lock } from './lock.js';

/** The out or `pipe add`ed data at `path` in `lock` (its hash and size), or undefined. */
export function lockedEntry(lock: Lock, path: string): { readonly hash: string; readonly size: number } | undefined {
  for (const s of Object.values(lock.stages)) for (const o of s.outs) if (o.path === path) return o;
  return lock.data[path];
}
