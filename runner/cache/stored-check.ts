/** @module Whether the cache holds a locked out's objects: `status` and `repro` must not call an out up to date that `push` cannot send. */
import { existsSync } from 'node:fs';
import type { RepoPath } from '../pipeline/pipeline.js';
import { parseHash, type ObjectStore } from './object-store.js';
import type { WorkspaceRecord } from './workspace-record.js';

/**
 * A checker for `stageStatus`'s `isStored`. An out pipe itself stored or placed at this hash
 * (the workspace record) costs one stat of its top object, so a no-op run on a 10,000-file out
 * stays a stat; any other out has every object of its manifest looked for.
 */
export function storedCheck(store: ObjectStore, record: WorkspaceRecord): (path: RepoPath, hash: string) => boolean {
  return (path, hash) => {
    const parsed = parseHash(hash);
    if (!parsed || !existsSync(store.pathOf(parsed))) return false;
    return !parsed.isDir || record.entries.get(path) === hash || hasObjects(store, hash);
  };
}

/** Whether the store holds `hash`'s object and, for a directory, every file its manifest lists (not read: looked for). */
export function hasObjects(store: ObjectStore, hash: string): boolean {
  const parsed = parseHash(hash);
  if (!parsed || !existsSync(store.pathOf(parsed))) return false;
  if (!parsed.isDir) return true;
  const entries = store.readManifest(hash);
  return entries !== undefined && entries.every((e) => existsSync(store.pathOf({ hex: e.hash, isDir: false })));
}
