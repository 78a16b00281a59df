/** @module What `pipe gc` keeps, as object hashes: data.lock of the workspace, what pipe placed there, and data.lock at every commit of the revision scope. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPipeError } from '../../errors.js';
import { listRevisions } from '../../git/list-revisions.js';
import { lockBlobsAt, readBlobText } from '../../lockfile/lock-blobs.js';
import type { Lock } from '../../lockfile/lock.js';
import { LockHashCache, lockedHashes, type LockedHashes } from './lock-hashes.js';

/** Which commits besides the workspace gc keeps the objects of (HEAD's commit is always among them when any is set). */
export interface GcScope {
  /** The tip of every branch: local and remote-tracking (in a fresh clone or a CI runner, dev/test/main exist only as origin/*). */
  readonly allBranches?: boolean;
  /** Every tag's commit. */
  readonly allTags?: boolean;
  /** Every commit reachable from HEAD, a branch, a tag or a remote-tracking branch. */
  readonly allCommits?: boolean;
  /** Every experiment's commit (refs/exps/**): what `pipe exp apply` would check out. */
  readonly allExperiments?: boolean;
}

export interface KeptRoots {
  /** Object hash → where it is referenced first (`models/churn`, `models/churn at 3f2a9c1e0b12`), for messages. */
  readonly roots: ReadonlyMap<string, string>;
  /** Commits whose data.lock was read (0 without a revision scope). */
  readonly commits: number;
  /** Distinct data.lock files among them (each was parsed once). */
  readonly distinctLocks: number;
  readonly warnings: readonly string[];
  /** Every dep, out and tracked path the kept locks name: their stat state is worth keeping. */
  readonly paths: ReadonlySet<string>;
}

export function hasRevisionScope(scope: GcScope): boolean {
  return Boolean(scope.allBranches || scope.allTags || scope.allCommits || scope.allExperiments);
}

/**
 * `lock` is the workspace's data.lock; `placed` is what pipe placed in the workspace (path →
 * hash; a path that no longer exists protects nothing).
 */
export async function keptRoots({
  root,
  lock,
  placed,
  scope,
  tmpDir,
}: {
  root: string;
  lock: Lock;
  placed: ReadonlyMap<string, string>;
  scope: GcScope;
  /** Where the parsed locks are remembered (.pipe/tmp). */
  tmpDir: string;
}): Promise<KeptRoots> {
  const roots = new Map<string, string>();
  const paths = new Set<string>();
  const add = (hash: string, where: string) => {
    if (!roots.has(hash)) roots.set(hash, where);
  };
  for (const [hash, path] of lockedHashes(lock)) {
    add(hash, path);
    paths.add(path);
  }
  for (const [path, hash] of placed) {
    paths.add(path);
    if (existsSync(join(root, path))) add(hash, path);
  }
  if (!hasRevisionScope(scope)) return { roots, commits: 0, distinctLocks: 0, warnings: [], paths };

  const commits = await listRevisions({ root, ...scope, remoteBranches: scope.allBranches });
  const { blobs } = await lockBlobsAt({ root, commits });
  const cache = new LockHashCache(tmpDir);
  const warnings: string[] = [];
  for (const [oid, holders] of blobs) {
    const first = holders[0] as string;
    const at = ` at ${first.slice(0, 12)}`;
    let text: string | undefined;
    let entries: LockedHashes;
    try {
      entries = await cache.hashesOf(oid, async () => (text = await readBlobText({ root, oid, commit: first })));
    } catch (err) {
      if (!isPipeError(err, 'LOCK_INVALID') || text === undefined) throw err;
      // An old commit's lock that no longer parses (a merge conflict committed by mistake, another
      // schema) still names its objects: every hash written in it is kept.
      entries = [...text.matchAll(HASH_IN_TEXT)].map((m) => [m[0], 'data.lock']);
      const more = holders.length > 1 ? ` (and ${holders.length - 1} other commit${holders.length === 2 ? '' : 's'})` : '';
      warnings.push(`data.lock${at}${more} is not valid (${err.message}); kept every object hash written in it (${entries.length})`);
    }
    for (const [hash, path] of entries) {
      add(hash, `${path}${at}`);
      paths.add(path);
    }
  }
  cache.save();
  return { roots, commits: commits.length, distinctLocks: blobs.size, warnings, paths };
}

const HASH_IN_TEXT = /sha256:[0-9a-f]{64}(?:\.dir)?/g;
