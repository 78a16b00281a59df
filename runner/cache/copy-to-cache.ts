/**
 * @module Outs that are not cached (metrics, plots) in the store, for the run-cache: stored as
 * copies, so the workspace file stays the user's own (committed to git, writable), and written
 * back as copies too, never as links.
 */
import { chmodSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PipeError } from '../errors.js';
import { nowMs } from '../fs/file-stat.js';
import { HASH_ALGORITHM } from '../hash/hash-file.js';
import type { HashInfo } from '../hash/hash-path.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import type { CacheContext } from './commit-to-cache.js';
import { copyAtomically, Linker } from './link-out.js';

/** Puts a copy of `path` (a file or directory) in the store, leaving the workspace untouched; returns its hash info. */
export async function copyToCache(ctx: CacheContext, path: RepoPath): Promise<HashInfo> {
  const started = nowMs();
  const info = await ctx.hasher.hashWithManifest(path);
  if (!info) throw new PipeError('HASH_FAILED', `cannot store '${path}': it does not exist`, { path });
  const abs = join(ctx.root, path);
  const files = info.manifest
    ? info.manifest.map((e) => ({ src: `${abs}/${e.relpath}`, hash: `${HASH_ALGORITHM}:${e.hash}`, exec: e.exec }))
    : [{ src: abs, hash: info.hash, exec: undefined }];
  for (const f of files) copyObject(ctx, f.src, f.hash, started, f.exec);
  if (info.manifest) {
    const stored = ctx.store.putManifest(info.manifest, info.manifestText);
    if (stored !== info.hash) throw new Error(`manifest of '${path}' hashed to ${stored}, expected ${info.hash}`);
  }
  return info;
}

/** The cache context for writing outs that are not cached into the workspace: reflinks or copies, whatever cache.type says. */
export function copyingContext(ctx: CacheContext): CacheContext {
  return { ...ctx, linker: new Linker(['reflink', 'copy']) };
}

/** A clone (or copy) of `src` becomes `hash`'s object, read-only, unless the store has it already. */
function copyObject(ctx: CacheContext, src: string, hash: string, started: number, exec: boolean | undefined): void {
  const object = ctx.store.path(hash);
  if (existsSync(object)) return;
  mkdirSync(dirname(object), { recursive: true });
  copyAtomically(src, object, ctx.store.tempPath(), constants.COPYFILE_FICLONE);
  chmodSync(object, (exec ?? (statSync(src).mode & 0o100) !== 0) ? 0o555 : 0o444);
  ctx.verifier.trust(hash, statSync(object), started);
}
