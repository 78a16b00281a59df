/** @module `pipe gc` in .pipe/cache: which objects and run-cache entries go, and removing them (entries, then manifests, then files). */
import { lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listObjects } from '../cache/list-objects.js';
import type { ObjectStore } from '../cache/object-store.js';
import { runKey, type RunCache } from '../run-cache/run-cache.js';
import { isRemovable, type Referenced } from './gc-referenced.js';

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

export function planLocalGc({ store, referenced, keptRuns, droppedRuns }: { store: ObjectStore; referenced: Referenced; keptRuns: readonly string[]; droppedRuns: readonly string[] }): LocalGcPlan {
  const removedObjects: RemovedObject[] = [];
  let keptObjects = 0;
  for (const hash of listObjects(store.root)) {
    if (!isRemovable(referenced, hash)) {
      keptObjects++;
      continue;
    }
    removedObjects.push({ hash, size: lstatSync(store.path(hash)).size });
  }
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
 */
export function removeLocal(store: ObjectStore, plan: LocalGcPlan): void {
  for (const fp of plan.removedRuns) rmSync(join(store.root, runKey(fp)), { force: true });
  for (const o of plan.removedObjects) if (o.hash.endsWith('.dir')) unlinkIfThere(store.path(o.hash));
  for (const o of plan.removedObjects) if (!o.hash.endsWith('.dir')) unlinkIfThere(store.path(o.hash));
  removeStaleTemp(join(store.root, 'tmp'));
}

/** One unlink (rmSync would lstat first: 40,000 more system calls in a large gc). */
function unlinkIfThere(abs: string): void {
  try {
    unlinkSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Temp files of interrupted writes: named `<pid>-…`; removed when that process is gone. */
function removeStaleTemp(tmp: string): void {
  let names: string[];
  try {
    names = readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(tmp, name), { force: true });
    }
  }
}
