/** @module Builds the cache context (store, linker, verifier) of a repository from its config. */
import { join } from 'node:path';
import type { Config } from '../config/load-config.js';
import type { PathHasher } from '../hash/hash-path.js';
import { WorkspaceGuard } from '../fs/workspace-guard.js';
import { pipeDir } from '../repo/pipe-dir.js';
import type { CacheContext } from './commit-to-cache.js';
import { Linker } from './link-out.js';
import { ObjectStore } from './object-store.js';
import { ObjectVerifier } from './object-verifier.js';

export function openCache({ root, config, hasher }: { root: string; config: Config; hasher: PathHasher }): CacheContext {
  const dir = pipeDir(root);
  const store = new ObjectStore(dir.cache);
  return {
    root,
    store,
    linker: new Linker(config.cache.type),
    verifier: new ObjectVerifier(store, join(dir.state, 'objects')),
    hasher,
    guard: new WorkspaceGuard(root),
  };
}
