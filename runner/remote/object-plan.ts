/** @module The objects a set of locked paths needs: each path's own object and, for a directory, every file its manifest lists. */
import { statSync } from 'node:fs';
import { parseHash, type ObjectStore } from '../cache/object-store.js';
import type { ManifestEntry } from '../hash/manifest.js';
import type { RepoPath } from '../pipeline/pipeline.js';

/** The largest directory manifest read from a remote (about two million entries): a ceiling for an object whose size nothing else gives. */
export const MANIFEST_MAX_BYTES = 256 << 20;

export interface ObjectPlan {
  /** Every object needed: hash → size (undefined where not known). */
  readonly objects: Map<string, number | undefined>;
  /** Per locked path, the objects it needs: its own hash first, then its files. */
  readonly byPath: Map<RepoPath, string[]>;
  /** Directory hashes whose manifest the cache does not have (so their files are not known yet). */
  readonly unknownDirs: Set<string>;
}

/** Builds the plan from the manifests in the local cache; `extraManifests` adds ones read elsewhere (a remote). */
export function planObjects(
  store: ObjectStore,
  roots: ReadonlyMap<RepoPath, string>,
  extraManifests: ReadonlyMap<string, readonly ManifestEntry[]> = new Map(),
): ObjectPlan {
  const objects = new Map<string, number | undefined>();
  const byPath = new Map<RepoPath, string[]>();
  const unknownDirs = new Set<string>();
  const manifests = new Map<string, readonly ManifestEntry[] | undefined>();
  for (const [path, hash] of roots) {
    const parsed = parseHash(hash);
    if (!parsed) continue;
    const list = [hash];
    objects.set(hash, objects.get(hash) ?? localSize(store, hash));
    if (parsed.isDir) {
      if (!manifests.has(hash)) manifests.set(hash, extraManifests.get(hash) ?? store.readManifest(hash));
      const entries = manifests.get(hash);
      if (!entries) unknownDirs.add(hash);
      for (const e of entries ?? []) {
        const h = `sha256:${e.hash}`;
        list.push(h);
        objects.set(h, e.size);
      }
    }
    byPath.set(path, list);
  }
  return { objects, byPath, unknownDirs };
}

function localSize(store: ObjectStore, hash: string): number | undefined {
  try {
    return statSync(store.path(hash)).size;
  } catch {
    return undefined;
  }
}

/** For naming what went wrong: the locked paths that need each of `hashes`, each path once. */
export function pathsNeeding(plan: ObjectPlan, hashes: ReadonlySet<string>): (hash: string) => RepoPath[] {
  const users = new Map<string, Set<RepoPath>>();
  if (hashes.size) {
    for (const [p, hs] of plan.byPath) for (const h of hs) if (hashes.has(h)) (users.get(h) ?? users.set(h, new Set()).get(h))?.add(p);
  }
  return (hash) => [...(users.get(hash) ?? [])];
}
