/** @module `pipe gc` in .pipe/cache: which objects and run-cache entries go, and removing them (entries, then manifests, then files). */
import { lstatSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runFsOps } from '../../cache/run-fs-ops.js';
import { listObjects } from '../../cache/list-objects.js';
import type { ObjectStore } from '../../cache/object-store.js';
import { runKey, type RunCache } from '../../run-cache/run-cache.js';
import { sweepStoreTemps } from '../../repo/sweep-temps.js';
import { isRemovable, type Referenced } from './referenced.js';

export interface RemovedObject {
  readonly hash: string;
  readonly size: number;
}

export interface LocalGcPlan {
  readonly removedObjects: readonly RemovedObject[];
  /** Fingerprints of the run-cache entries that go. */
  readonly removedRuns: readonly string[];
  readonly keptObjects: number;
  readonly keptRuns: number;
  readonly freedBytes: number;
}

/**
 * Run-cache entries are kept when all their outs are among `roots` (they describe how kept
 * results were made), or all of them with `keepRunCache`; an entry that cannot be read goes.
 */
export function localRunsToKeep({ runs, roots, keepRunCache }: { runs: RunCache; roots: ReadonlyMap<string, string>; keepRunCache: boolean }): {
  kept: string[];
  dropped: string[];
  /** With keepRunCache: the out hashes of every kept entry (→ `run-cache entry <fp>`). */
  outs: Map<string, string>;
} {
  const kept: string[] = [];
  const dropped: string[] = [];
  const outs = new Map<string, string>();
  for (const fp of runs.list()) {
    const rec = runs.get(fp);
    if (keepRunCache && rec) for (const x of rec.outs) if (!outs.has(x.hash)) outs.set(x.hash, `${x.path} (run-cache entry ${fp.slice(0, 12)})`);
    const current = rec !== undefined && rec.outs.every((x) => roots.has(x.hash));
    (keepRunCache || current ? kept : dropped).push(fp);
  }
  return { kept, dropped, outs };
}

export async function planLocalGc({ store, referenced, keptRuns, droppedRuns }: { store: ObjectStore; referenced: Referenced; keptRuns: readonly string[]; droppedRuns: readonly string[] }): Promise<LocalGcPlan> {
  const removable: string[] = [];
  let keptObjects = 0;
  for (const hash of listObjects(store.root)) {
    if (isRemovable(referenced, hash)) removable.push(hash);
    else keptObjects++;
  }
  // One lstat per object for the size gc prints, on a few threads (40,000 in a large gc).
  const sizes = await runFsOps(removable.map((hash) => ({ op: 'lstat', path: store.path(hash) })));
  const removedObjects: RemovedObject[] = removable.map((hash, i) => {
    const r = sizes[i];
    if (r?.ok) return { hash, size: r.size ?? 0 };
    return { hash, size: lstatSync(store.path(hash)).size }; // throws the real error, as before
  });
  return {
    removedObjects,
    removedRuns: droppedRuns,
    keptObjects,
    keptRuns: keptRuns.length,
    freedBytes: removedObjects.reduce((s, x) => s + x.size, 0),
  };
}

/**
 * Entries first, then manifests, then files: interrupted, the cache never holds an entry or a
 * manifest whose objects gc already removed (checkout would then trust something incomplete).
 * One unlink per object (rmSync would lstat first), on a few threads; each phase ends before
 * the next starts.
 */
export async function removeLocal(store: ObjectStore, plan: LocalGcPlan): Promise<void> {
  for (const fp of plan.removedRuns) rmSync(join(store.root, runKey(fp)), { force: true });
  await unlinkAll(plan.removedObjects.filter((o) => o.hash.endsWith('.dir')).map((o) => store.path(o.hash)));
  await unlinkAll(plan.removedObjects.filter((o) => !o.hash.endsWith('.dir')).map((o) => store.path(o.hash)));
  sweepStoreTemps(join(store.root, 'tmp'));
}

async function unlinkAll(paths: readonly string[]): Promise<void> {
  const results = await runFsOps(paths.map((path) => ({ op: 'unlink', path })));
  const failed = results.findIndex((r) => !r.ok);
  if (failed >= 0) unlinkSync(paths[failed] as string); // throws the real error, as before
}
