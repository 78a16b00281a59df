/** @module Uploads what some locked paths need and the remote lacks: files, then directory manifests, then run-cache entries. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { objectKey, parseHash, type ObjectStore } from '../cache/object-store.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { runKey } from '../run-cache/run-cache.js';
import { inventory } from './inventory.js';
import { pathsNeeding, planObjects } from './object-plan.js';
import { ObjectMismatch, type Remote } from './remote.js';
import { byName, runTransfers, type OnProgress } from './transfer.js';

export interface UploadResult {
  readonly uploaded: number;
  readonly bytes: number;
  /** Objects the remote already had. */
  readonly present: number;
  /** Objects the remote had with the wrong size (a partial write there), sent again. */
  readonly repaired: number;
  /** Objects in neither the cache nor the remote → the locked paths that need them. */
  readonly missing: ReadonlyMap<string, readonly RepoPath[]>;
  /** Cache objects whose bytes do not match their name: moved aside, not sent. */
  readonly corrupt: ReadonlyMap<string, { readonly movedTo: string; readonly paths: readonly RepoPath[] }>;
  readonly runsUploaded: number;
  readonly runsPresent: number;
  /** How the remote's contents were learnt. */
  readonly method: 'list' | 'head';
}

/**
 * Order matters to readers of the remote: a directory's manifest goes up only after all its
 * files, and a run-cache entry only after all its outs, so whoever sees one can use it.
 */
export async function uploadObjects({
  store,
  remote,
  jobs,
  roots,
  runs,
  onProgress,
}: {
  store: ObjectStore;
  remote: Remote;
  jobs: number;
  roots: ReadonlyMap<RepoPath, string>;
  /** Run-cache fingerprints to send, each with the out hashes it restores. */
  runs: ReadonlyMap<string, readonly string[]>;
  onProgress?: OnProgress;
}): Promise<UploadResult> {
  const plan = planObjects(store, roots);
  // A directory's manifest goes up only after all its files (below), so a manifest the remote
  // has vouches for every file it lists: one HEAD per directory instead of a look at each file.
  const dirKeys = new Map<string, number | undefined>();
  for (const hash of plan.byPath.values()) {
    const root = hash[0] as string;
    if (parseHash(root)?.isDir && hash.length > 1) dirKeys.set(objectKey(root), plan.objects.get(root));
  }
  const dirInv = await inventory({ remote, prefix: 'files/sha256/', wanted: dirKeys, jobs });
  const vouched = new Set<string>();
  for (const hashes of plan.byPath.values()) {
    if (dirInv.present.has(objectKey(hashes[0] as string))) for (const h of hashes) vouched.add(h);
  }
  const wanted = new Map<string, number | undefined>();
  for (const [hash, size] of plan.objects) if (!vouched.has(hash)) wanted.set(objectKey(hash), size);
  const inv = await inventory({ remote, prefix: 'files/sha256/', wanted, jobs });

  const failed = new Set<string>();
  const missing = new Set<string>();
  const corrupt = new Map<string, string>();
  const files: [string, number][] = [];
  const dirs: [string, number][] = [];
  let present = 0;
  for (const [hash, size] of plan.objects) {
    const key = objectKey(hash);
    if (vouched.has(hash) || inv.present.has(key)) {
      present++;
      continue;
    }
    let local: number;
    try {
      local = statSync(store.path(hash)).size;
    } catch {
      missing.add(hash);
      continue;
    }
    (parseHash(hash)?.isDir ? dirs : files).push([hash, size ?? local]);
  }

  let uploaded = 0;
  let bytes = 0;
  const send = async ([hash, size]: [string, number]) => {
    const hex = parseHash(hash)?.hex as string;
    try {
      await remote.upload(objectKey(hash), { abs: store.path(hash), size, hex });
      uploaded++;
      bytes += size;
    } catch (err) {
      if (err instanceof ObjectMismatch) corrupt.set(hash, store.quarantine(hash));
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (err as NodeJS.ErrnoException).path === store.path(hash)) missing.add(hash);
      else throw err;
      failed.add(hash);
    }
  };
  files.sort(byName);
  await runTransfers({ items: files, jobs, size: ([, s]) => s, work: send, verb: 'uploading', onProgress });
  // A directory whose files did not all make it keeps its manifest back.
  const objectsOf = new Map<string, readonly string[]>();
  for (const hs of plan.byPath.values()) objectsOf.set(hs[0] as string, hs);
  const bad = (h: string) => failed.has(h) || missing.has(h);
  const heldBack = new Set(dirs.filter(([d]) => (objectsOf.get(d) ?? []).some(bad)).map(([d]) => d));
  await runTransfers({ items: dirs.filter(([d]) => !heldBack.has(d)), jobs, size: ([, s]) => s, work: send, verb: 'uploading', onProgress });

  // Run-cache entries whose outs (and all their files) are on the remote now.
  const complete = (root: string) => objectsOf.has(root) && !heldBack.has(root) && !(objectsOf.get(root) ?? []).some(bad);
  const runKeys = new Map<string, number | undefined>();
  for (const [fp, outs] of runs) if (outs.every(complete)) runKeys.set(runKey(fp), undefined);
  const runInv = await inventory({ remote, prefix: 'runs/', wanted: runKeys, jobs });
  const runTodo = [...runKeys.keys()].filter((k) => !runInv.present.has(k));
  await runTransfers({
    items: runTodo,
    jobs,
    size: () => 0,
    verb: 'uploading',
    work: (key) => remote.write(key, readFileSync(join(store.root, key))),
  });

  const pathsOf = pathsNeeding(plan, new Set([...missing, ...corrupt.keys()]));
  return {
    uploaded,
    bytes,
    present,
    repaired: new Set([...inv.damaged, ...dirInv.damaged]).size,
    missing: new Map([...missing].map((h) => [h, pathsOf(h)])),
    corrupt: new Map([...corrupt].map(([h, movedTo]) => [h, { movedTo, paths: pathsOf(h) }])),
    runsUploaded: runTodo.length,
    runsPresent: runKeys.size - runTodo.length,
    method: inv.method,
  };
}
