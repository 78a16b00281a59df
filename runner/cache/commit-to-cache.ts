/** @module Moves a workspace out into the store and links it back, without copying bytes when links work. */
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { HashInfo, PathHasher } from '../hash/hash-path.js';
import { nowMs, type FileStat } from '../fs/file-stat.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { runFsOps, type FsOp } from './run-fs-ops.js';
import { copyAtomically, type Linker } from './link-out.js';
import type { ObjectStore } from './object-store.js';
import type { ObjectVerifier } from './object-verifier.js';
import type { WorkspaceGuard } from '../fs/workspace-guard.js';

export interface CacheContext {
  readonly root: string;
  readonly store: ObjectStore;
  readonly linker: Linker;
  readonly verifier: ObjectVerifier;
  readonly hasher: PathHasher;
  /** Every workspace write, link, chmod or delete asks it first. */
  readonly guard: WorkspaceGuard;
}

/** Stores `path` (a file or directory) and returns its hash info; the workspace keeps the same bytes. */
export async function commitToCache(ctx: CacheContext, path: RepoPath): Promise<HashInfo> {
  // Storing makes the workspace files read-only links of the store: never an outside file.
  ctx.guard.parentOf(path);
  const started = nowMs();
  // Knowing now whether links work lets the hashing threads link each file as soon as it is hashed.
  ctx.linker.probe(() => ctx.store.tempPath());
  const placeInto = ctx.linker.preferred === 'hardlink' ? ctx.store.filesDir : undefined;
  const info = await ctx.hasher.hashWithManifest(path, { placeInto });
  if (!info) throw new PipeError('HASH_FAILED', `cannot store '${path}': it does not exist`, { path });
  const abs = join(ctx.root, path);
  if (!info.manifest) {
    placeInStore(ctx, abs, info.hash, started);
  } else {
    await storeFiles(ctx, abs, info, started);
    const stored = ctx.store.putManifest(info.manifest, info.manifestText);
    if (stored !== info.hash) throw new Error(`manifest of '${path}' hashed to ${stored}, expected ${info.hash}`);
  }
  // The workspace files changed mode or link count, so ctime: record it, or the next run re-reads them all.
  ctx.hasher.refreshStats(info);
  return info;
}

/**
 * Stores a directory's files. Once the Linker has settled on hardlinks, link + chmod run on a
 * few threads (10,000 of each for a 10,000-file directory, 1 s on one thread here); an object
 * already there (EEXIST) or any other error takes placeInStore's path, which knows the rest.
 * The walk's stats stand for the object's: link and chmod change only its ctime.
 */
async function storeFiles(ctx: CacheContext, abs: string, info: HashInfo, started: number): Promise<void> {
  const manifest = info.manifest ?? [];
  const ops: FsOp[] = [];
  const batched: number[] = [];
  /** Linked and read-only: the walk's stats stand for the object's. */
  const linked = (i: number, hash: string) => {
    ctx.linker.used.add('hardlink');
    ctx.verifier.trust(hash, info.stats?.[i] as FileStat, started);
  };
  manifest.forEach((e, i) => {
    const src = `${abs}/${e.relpath}`;
    const hash = `${HASH_ALGORITHM}:${e.hash}`;
    // Reached through a symlink: placeInStore copies the target's bytes (a link would store the symlink).
    if (info.viaSymlink?.has(i)) return placeInStore(ctx, src, hash, started, e.exec, true);
    const done = info.placed?.[i];
    if (done === 'ok') return linked(i, hash);
    if (done?.startsWith('chmod:')) return protectLinked(ctx, hash, e.exec, started);
    if (done !== undefined) return placeInStore(ctx, src, hash, started, e.exec); // EEXIST (dedupe) or an error
    if (ctx.linker.preferred === 'hardlink' && info.stats?.[i]) {
      ops.push({ op: 'link', src, dest: ctx.store.path(hash), mode: e.exec ? 0o555 : 0o444, mkdir: true });
      batched.push(i);
    } else placeInStore(ctx, src, hash, started, e.exec);
  });
  if (!ops.length) return;
  const results = await runFsOps(ops);
  results.forEach((r, k) => {
    const i = batched[k] as number;
    const e = manifest[i] as (typeof manifest)[number];
    const hash = `${HASH_ALGORITHM}:${e.hash}`;
    if (r.ok) linked(i, hash);
    else if (r.step === 'chmod') protectLinked(ctx, hash, e.exec, started);
    else placeInStore(ctx, `${abs}/${e.relpath}`, hash, started, e.exec);
  });
}

/** An object linked into place whose chmod failed on a thread: retried here, where a failure throws as it always did. */
function protectLinked(ctx: CacheContext, hash: string, exec: boolean, started: number): void {
  chmodSync(ctx.store.path(hash), exec ? 0o555 : 0o444);
  ctx.verifier.trust(hash, statSync(ctx.store.path(hash)), started);
}

/** `viaSymlink`: `abs` is reached through a symlinked directory, so it is the target's file (maybe outside the repository) and is copied, never linked or chmodded. */
function placeInStore(ctx: CacheContext, abs: string, hash: string, started: number, exec?: boolean, viaSymlink = false): void {
  const object = ctx.store.path(hash);
  if (viaSymlink || lstatSync(abs).isSymbolicLink()) {
    // The symlink stays in the workspace; the store gets a copy of the bytes it points to
    // (hashing followed it), so checkout restores a regular file.
    if (!existsSync(object)) {
      mkdirSync(dirname(object), { recursive: true });
      copyAtomically(abs, object, ctx.store.tempPath());
    }
  } else if (!storeOrDedupe(ctx, abs, object)) return;
  const x = exec ?? (statSync(object).mode & 0o100) !== 0;
  chmodSync(object, x ? 0o555 : 0o444);
  ctx.verifier.trust(hash, statSync(object), started);
}

/**
 * Stores the workspace file `abs` as `object`; false when the object was there already, in which
 * case the workspace file becomes a link to it (deduplication) and the object is left as it is.
 */
function storeOrDedupe(ctx: CacheContext, abs: string, object: string): boolean {
  try {
    storeWithParent(ctx, abs, object);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const o = statSync(object);
  const w = lstatSync(abs);
  if (o.ino === w.ino && o.dev === w.dev) return false; // already this object
  const tmp = `${abs}.pipe-link-${process.pid}`;
  ctx.linker.link(object, tmp, (w.mode & 0o100) !== 0);
  renameSync(tmp, abs);
  return false;
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
