/** @module A stage's outs around its run: prepared before, stored after, restored from the run-cache instead. */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { checkoutPath } from '../../cache/checkout-path.js';
import { commitToCache, type CacheContext } from '../../cache/commit-to-cache.js';
import { copyingContext, copyToCache } from '../../cache/copy-to-cache.js';
import { linkFollower, unprotect } from '../../cache/unprotect.js';
import { isSymlink } from '../../hash/walk-files.js';
import type { WorkspaceRecord } from '../../cache/workspace-record.js';
import type { HashInfo } from '../../hash/hash-path.js';
import type { LockedPath } from '../../lockfile/lock.js';
import type { Out, Stage } from '../../pipeline/pipeline.js';
import type { RunCache } from '../../run-cache/run-cache.js';

export interface OutsContext {
  readonly root: string;
  readonly cache: CacheContext;
  readonly record: WorkspaceRecord;
}

/**
 * Throws PATH_INVALID when preparing or storing `outs` would touch a file outside the
 * repository: an out below a symlink that leads out of it, or a persistent out that is a
 * symlink out of it (unprotect would copy the outside file in). One realpath per parent
 * directory (the guard keeps its verdicts) and one lstat per persistent out.
 */
export function guardOuts(ctx: OutsContext, outs: readonly Out[]): void {
  let follow: ReturnType<typeof linkFollower> | undefined;
  for (const out of outs) {
    ctx.cache.guard.parentOf(out.path);
    if (!out.persist) continue;
    const abs = join(ctx.root, out.path);
    if (isSymlink(abs)) (follow ??= linkFollower(ctx.root))(abs, out.path);
  }
}

/**
 * Before a run: non-persistent outs are removed (the stage makes them anew); persistent cached
 * outs are turned into writable copies, so a stage appending to them cannot change the store.
 */
export function prepareOuts(ctx: OutsContext, stage: Stage): void {
  guardOuts(ctx, stage.outs);
  for (const out of stage.outs) {
    const abs = join(ctx.root, out.path);
    if (!out.persist) rmSync(abs, { recursive: true, force: true });
    else unprotect({ root: ctx.root, path: out.path, guard: ctx.cache.guard });
    mkdirSync(dirname(abs), { recursive: true });
    ctx.cache.hasher.invalidate(out.path);
  }
}

/**
 * After a successful run: cached outs go into the store (workspace files become links to it),
 * the others are only hashed. Returns undefined entries for outs the stage did not create.
 */
export async function commitOuts(ctx: OutsContext, stage: Stage): Promise<(HashInfo | undefined)[]> {
  const { hasher, guard } = ctx.cache;
  // The stage may have replaced a directory with a symlink: the guard looks again.
  guard.forget();
  for (const out of stage.outs) hasher.invalidate(out.path);
  const infos = await Promise.all(stage.outs.map((o) => hasher.hash(o.path)));
  if (infos.some((i) => !i)) return infos;
  const result: HashInfo[] = [];
  for (const out of stage.outs) {
    if (!out.cache) {
      result.push((await hasher.hash(out.path)) as HashInfo);
      continue;
    }
    const info = await commitToCache(ctx.cache, out.path);
    ctx.record.set(out.path, info.hash);
    result.push(info);
  }
  return result;
}

/** Stores outs that are already what data.lock says (their lock entry stays as it is). */
export async function storeOuts(ctx: OutsContext, stage: Stage, paths: readonly string[]): Promise<void> {
  for (const out of stage.outs) {
    if (!paths.includes(out.path)) continue;
    const info = await commitToCache(ctx.cache, out.path);
    ctx.record.set(out.path, info.hash);
  }
}

/**
 * Records a successful run in the run-cache: the outs that are not cached are copied into the
 * store first (cached ones are there already), so the entry never names an object the store lacks.
 */
export async function recordRun(ctx: OutsContext, runs: RunCache, stage: Stage, fp: string, outs: readonly LockedPath[]): Promise<void> {
  for (const out of stage.outs) if (!out.cache) await copyToCache(ctx.cache, out.path);
  runs.put(fp, { stage: stage.name, outs });
}

/**
 * Restores the outs of an earlier run with the same fingerprint, when the store has all of
 * them intact: cached outs are linked as checkout links them; the others are written as copies,
 * files of the workspace's own (not recorded as placed by pipe: git holds them). Returns the
 * locked outs, or undefined (then the stage must run).
 */
export async function restoreFromRunCache(
  ctx: OutsContext,
  runs: RunCache,
  stage: Stage,
  fp: string,
): Promise<LockedPath[] | undefined> {
  const rec = runs.get(fp);
  if (!rec) return undefined;
  const byPath = new Map(rec.outs.map((o) => [o.path, o]));
  if (stage.outs.some((o) => !byPath.has(o.path))) return undefined;
  // Check all objects first so that a partial restore never happens.
  const outs = stage.outs.map((o) => byPath.get(o.path) as LockedPath);
  const copies = stage.outs.some((o) => !o.cache) ? copyingContext(ctx.cache) : ctx.cache;
  const cacheOf = (i: number) => (stage.outs[i]?.cache ? ctx.cache : copies);
  for (const [i, o] of outs.entries()) {
    const r = await checkoutPath(cacheOf(i), o.path, o.hash, { dryCheck: true });
    if (r.state === 'missing') return undefined;
  }
  for (const [i, o] of outs.entries()) {
    const r = await checkoutPath(cacheOf(i), o.path, o.hash);
    if (r.state === 'missing') return undefined;
    if (stage.outs[i]?.cache) ctx.record.set(o.path, o.hash);
  }
  return outs;
}

/** Links locked outs from the store when every object is there and intact; false (nothing touched) otherwise. */
export async function restoreLockedOuts(ctx: OutsContext, outs: readonly LockedPath[]): Promise<boolean> {
  for (const o of outs) {
    const r = await checkoutPath(ctx.cache, o.path, o.hash, { dryCheck: true });
    if (r.state === 'missing') return false;
  }
  for (const o of outs) {
    const r = await checkoutPath(ctx.cache, o.path, o.hash);
    if (r.state === 'missing') return false;
    ctx.record.set(o.path, o.hash);
  }
  return true;
}

export function lockedPath(h: HashInfo | LockedPath): LockedPath {
  return h.nfiles === undefined
    ? { path: h.path, hash: h.hash, size: h.size }
    : { path: h.path, hash: h.hash, size: h.size, nfiles: h.nfiles };
}

