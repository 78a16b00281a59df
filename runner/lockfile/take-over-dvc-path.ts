/**
 * @module One path DVC recorded by md5 (in dvc.lock or a `.dvc` file), given pipe's hash: the
 * workspace's when its content has that md5, else the object carried from `.dvc/cache` (when a
 * carrier is given), else a hash no content has, so the path reads as changed or missing.
 */
import { join } from 'node:path';
import { dvcMd5, type Md5Kind } from '../hash/dvc-md5.js';
import type { HashInfo, PathHasher } from '../hash/hash-path.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import type { DvcCacheCarrier } from './dvc-cache.js';
import type { LockedPath } from './lock.js';

export interface DvcRecorded {
  readonly path: RepoPath;
  readonly md5: string;
  readonly kind: Md5Kind;
}

export interface TakenOver {
  readonly locked: LockedPath;
  /** Where pipe's hash came from. */
  readonly from: 'workspace' | 'dvc-cache' | 'nowhere';
}

/**
 * With a carrier, the object is carried from `.dvc/cache` when the workspace lacks the content,
 * or always with `carryAll` (`pipe import dvc`: the store gets everything DVC's cache has).
 */
export async function takeOverDvcPath({
  root,
  entry,
  hasher,
  carrier,
  carryAll = false,
  md5s,
}: {
  root: string;
  entry: DvcRecorded;
  hasher: PathHasher;
  carrier?: DvcCacheCarrier | undefined;
  carryAll?: boolean;
  /** DVC's md5 of each workspace path, shared by the calls of one run (a path can be both a dep and a .dvc file's). */
  md5s?: Map<string, Promise<string | undefined>>;
}): Promise<TakenOver> {
  const { path } = entry;
  const carry = () => (carrier?.has(entry.md5, entry.kind) ? carrier.carry(entry.md5, entry.kind) : undefined);
  let carried = carryAll ? await carry() : undefined;
  let now: HashInfo | undefined;
  if (carried?.ok) {
    // pipe's hash of the workspace equal to that of DVC's object: the same bytes, no md5 to take.
    now = await hasher.hash(path);
    if (now?.hash !== carried.hash) now = undefined;
  }
  if (!now && (await md5Of(root, entry, md5s)) === entry.md5) now = await hasher.hash(path);
  if (!now && !carryAll) carried = await carry();
  if (now) {
    // The workspace's files may carry exec bits DVC does not record: its own manifest is stored
    // too, so the directory pipe locks is in the store (its files were carried).
    if (carrier && carried?.ok && now.nfiles !== undefined && now.hash !== carried.hash) await storeWorkspaceManifest(carrier, hasher, path);
    return { locked: { path, hash: now.hash, size: now.size, ...(now.nfiles !== undefined ? { nfiles: now.nfiles } : {}) }, from: 'workspace' };
  }
  if (carried?.ok) return { locked: { path, hash: carried.hash, size: carried.size, ...(carried.nfiles !== undefined ? { nfiles: carried.nfiles } : {}) }, from: 'dvc-cache' };
  // Not what DVC recorded (or gone), and not in DVC's cache: a hash no content has.
  return { locked: { path, hash: `md5:${entry.md5}`, size: 0 }, from: 'nowhere' };
}

async function storeWorkspaceManifest(carrier: DvcCacheCarrier, hasher: PathHasher, path: RepoPath): Promise<void> {
  const full = await hasher.hashWithManifest(path);
  if (full?.manifest) carrier.storeManifest(full.manifest);
}

function md5Of(root: string, entry: DvcRecorded, md5s: Map<string, Promise<string | undefined>> | undefined): Promise<string | undefined> {
  const key = `${entry.kind}:${entry.path}`;
  let p = md5s?.get(key);
  if (!p) {
    p = dvcMd5(join(root, entry.path), entry.kind);
    md5s?.set(key, p);
  }
  return p;
}
