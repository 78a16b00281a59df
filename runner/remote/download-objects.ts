/** @module Downloads the objects some locked paths need into the cache: each one hashed as it arrives, stored only when it matches its name. */
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dirname } from 'node:path';
import { objectKey, parseHash, type ObjectStore } from '../cache/object-store.js';
import type { ObjectVerifier } from '../cache/object-verifier.js';
import { nowMs } from '../fs/file-stat.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { cacheWriteFailure } from '../cache/cache-write-failure.js';
import { parseManifest } from '../hash/manifest.js';
import { MANIFEST_MAX_BYTES, pathsNeeding, planObjects } from './object-plan.js';
import { ObjectRefused, type Remote } from './remote.js';
import { byName, runTransfers, type OnProgress } from './transfer.js';

export interface Rejected {
  /** What the bytes hashed to, or what is wrong with a manifest. */
  readonly problem: string;
}

export interface DownloadResult {
  readonly fetched: number;
  readonly bytes: number;
  /** Objects that were already in the cache. */
  readonly cached: number;
  /** Objects the remote does not have → the locked paths that need them. */
  readonly missing: ReadonlyMap<string, readonly RepoPath[]>;
  /** Objects the remote has, but whose bytes do not match their name: not stored. */
  readonly rejected: ReadonlyMap<string, Rejected & { readonly paths: readonly RepoPath[] }>;
}

/**
 * Objects are written to a temp file in the cache and renamed to their name only after their
 * hash matched, so an interrupted or rejected download leaves nothing under an object's name.
 * Directory manifests come first (they say which files a directory needs), then the files.
 */
export async function downloadObjects({
  store,
  verifier,
  remote,
  jobs,
  roots,
  sizes,
  onProgress,
}: {
  store: ObjectStore;
  verifier: ObjectVerifier;
  remote: Remote;
  jobs: number;
  roots: ReadonlyMap<RepoPath, string>;
  /** File hash → the size data.lock gives it: no more than that is read for objects no manifest sizes. */
  sizes?: ReadonlyMap<string, number>;
  onProgress?: OnProgress;
}): Promise<DownloadResult> {
  let fetched = 0;
  let bytes = 0;
  const missing = new Set<string>();
  const rejected = new Map<string, Rejected>();
  const made = new Set<string>();
  // Temp names in the store's tmp/ (same filesystem: the rename publishes atomically), `<pid>-…`
  // so that gc can tell those of a process that died.
  const tmpDir = join(store.root, 'tmp');
  try {
    mkdirSync(tmpDir, { recursive: true });
  } catch (err) {
    throw cacheWriteFailure(err, store.root, tmpDir);
  }
  const tmpPrefix = join(tmpDir, `${process.pid}-${randomBytes(4).toString('hex')}-`);
  let n = 0;

  /** One object (`size`: from the manifest or data.lock, when known); a write the cache's disk refuses fails the whole transfer as CACHE_WRITE_FAILED. */
  const one = async (hash: string, size: number | undefined) => {
    try {
      await oneObject(hash, size);
    } catch (err) {
      throw cacheWriteFailure(err, store.root, store.path(hash));
    }
  };
  const oneObject = async (hash: string, size: number | undefined) => {
    const parsed = parseHash(hash);
    if (!parsed) return;
    if (!parsed.isDir && remote.downloadVerified) {
      const started = nowMs();
      const dest = store.path(hash);
      const r = await remote.downloadVerified(objectKey(hash), dest, parsed.hex, started - 10_000, size);
      if (r.state === 'missing') missing.add(hash);
      else if (r.state === 'mismatch') rejected.set(hash, { problem: `its bytes hash to sha256:${r.actual}` });
      else if (r.state === 'refused') rejected.set(hash, { problem: r.problem });
      else {
        verifier.trust(hash, statSync(dest), started);
        fetched++;
        bytes += r.size;
      }
      return;
    }
    const tmp = `${tmpPrefix}${n++}`;
    const started = nowMs();
    let published = false;
    try {
      // No more than the object's size is read (a manifest's is not known: it has a ceiling).
      const got = await remote
        .download(objectKey(hash), tmp, size ?? (parsed.isDir ? MANIFEST_MAX_BYTES : undefined))
        .catch((err: unknown) => {
          if (!(err instanceof ObjectRefused)) throw err;
          rejected.set(hash, { problem: err.problem });
          return null;
        });
      if (got === null) return;
      if (!got) {
        missing.add(hash);
        return;
      }
      if (got.tooLong) {
        rejected.set(hash, { problem: `the remote has more than the ${size ?? MANIFEST_MAX_BYTES} bytes it can be` });
        return;
      }
      if (got.hex !== parsed.hex) {
        rejected.set(hash, { problem: `its bytes hash to sha256:${got.hex}` });
        return;
      }
      if (parsed.isDir) {
        const manifest = parseManifest(readFileSync(tmp, 'utf8'));
        if (!manifest.ok) {
          rejected.set(hash, { problem: `it is not a usable directory manifest (${manifest.problem})` });
          return;
        }
      }
      // An mtime in the past: the object is not "racily clean", so the verification done here
      // is remembered at once and checkout does not read the object again.
      const past = (started - 10_000) / 1000;
      utimesSync(tmp, past, past);
      chmodSync(tmp, 0o444);
      const dest = store.path(hash);
      const dir = dirname(dest);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      // The stats before the rename are the object's (same inode, size and mtime).
      const st = statSync(tmp);
      // Renamed off the main thread: on a slow filesystem a rename costs more than the hashing.
      await rename(tmp, dest);
      published = true;
      verifier.trust(hash, st, started);
      fetched++;
      bytes += got.size;
    } finally {
      // (Only when it did not become the object: an rmSync that finds nothing still costs an lstat.)
      if (!published) rmSync(tmp, { force: true });
    }
  };

  const first = planObjects(store, roots);
  const manifests = [...first.unknownDirs];
  // A manifest in the cache that does not match its name or is malformed is moved aside and fetched again.
  for (const h of manifests) if (store.has(h)) store.quarantine(h);
  await runTransfers({ items: manifests, jobs, size: () => 0, work: (h) => one(h, undefined), verb: 'downloading', onProgress });
  const plan = manifests.length ? planObjects(store, roots) : first;
  let cached = 0;
  const todo: [string, number | undefined][] = [];
  const tried = new Set(manifests);
  for (const [hash, size] of plan.objects) {
    if (tried.has(hash)) continue;
    if (store.has(hash)) cached++;
    else todo.push([hash, size ?? sizes?.get(hash)]);
  }
  todo.sort(byName);
  await runTransfers({ items: todo, jobs, size: ([, s]) => s ?? 0, work: ([h, s]) => one(h, s), verb: 'downloading', onProgress });

  const pathsOf = pathsNeeding(plan, new Set([...missing, ...rejected.keys()]));
  return {
    fetched,
    bytes,
    cached,
    missing: new Map([...missing].map((h) => [h, pathsOf(h)])),
    rejected: new Map([...rejected].map(([h, r]) => [h, { ...r, paths: pathsOf(h) }])),
  };
}
