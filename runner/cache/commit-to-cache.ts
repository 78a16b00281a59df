/** @module Moves a workspace out into the store and links it back, without copying bytes when links work. */
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { HashInfo, PathHasher } from '../hash/hash-path.js';
import { nowMs } from '../hash/stat-state.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import type { Linker } from './link-out.js';
import type { ObjectStore } from './object-store.js';
import type { ObjectVerifier } from './object-verifier.js';

export interface CacheContext {
  readonly root: string;
  readonly store: ObjectStore;
  readonly linker: Linker;
  readonly verifier: ObjectVerifier;
  readonly hasher: PathHasher;
}

/** Stores `path` (a file or directory) and returns its hash info; the workspace keeps the same bytes. */
export async function commitToCache(ctx: CacheContext, path: RepoPath): Promise<HashInfo> {
  const started = nowMs();
  const info = await ctx.hasher.hashWithManifest(path);
  if (!info) throw new PipeError('HASH_FAILED', `cannot store '${path}': it does not exist`, { path });
  const abs = join(ctx.root, path);
  if (!info.manifest) {
    placeInStore(ctx, abs, info.hash, started);
  } else {
    for (const e of info.manifest) placeInStore(ctx, `${abs}/${e.relpath}`, `${HASH_ALGORITHM}:${e.hash}`, started, e.exec);
    const stored = ctx.store.putManifest(info.manifest);
    if (stored !== info.hash) throw new Error(`manifest of '${path}' hashed to ${stored}, expected ${info.hash}`);
  }
  // The workspace files changed inode or mode: let the next hash of `path` look again (cheaply).
  ctx.hasher.invalidate(path);
  return info;
}

function placeInStore(ctx: CacheContext, abs: string, hash: string, started: number, exec?: boolean): void {
  const { store, linker } = ctx;
  const object = store.path(hash);
  try {
    storeWithParent(ctx, abs, object);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Same bytes already stored: the workspace file becomes a link to them (deduplication).
    const o = statSync(object);
    const w = lstatSync(abs);
    if (o.ino === w.ino && o.dev === w.dev) return; // already this object
    const tmp = `${abs}.pipe-link-${process.pid}`;
    linker.link(object, tmp, (w.mode & 0o100) !== 0);
    renameSync(tmp, abs);
    return;
  }
  const x = exec ?? (statSync(object).mode & 0o100) !== 0;
  chmodSync(object, x ? 0o555 : 0o444);
  ctx.verifier.trust(hash, statSync(object), started);
}

/** Store `abs` as `object`, making the object's prefix directory on first use. */
function storeWithParent(ctx: CacheContext, abs: string, object: string): void {
  const tempPath = () => ctx.store.tempPath();
  try {
    ctx.linker.store(abs, object, tempPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync(abs)) throw err;
    mkdirSync(dirname(object), { recursive: true });
    ctx.linker.store(abs, object, tempPath);
  }
}
