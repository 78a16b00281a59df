/** @module Finds data.lock in many commits by its blob oid, so callers read and parse each distinct lock once, not once per commit. */
import { LOCK_FILE } from './lock.js';
import { gitErrorCode } from '../git/git-error-code.js';
import { openGitRepo, type GitRepo } from '../git/open-git-repo.js';
import { gitReadFailed, unknownRevision } from '../git/revision.js';

export interface LockBlobs {
  /** Blob oid of a data.lock → the commits (full oids) holding it, in the order they were given. */
  readonly blobs: ReadonlyMap<string, readonly string[]>;
  /** Commits that have no data.lock (or one that is not a regular file). */
  readonly withoutLock: number;
}

/**
 * data.lock (at the pipe root, which may be a subdirectory of the work tree) of every commit in
 * `commits`: each commit costs a look at its tree, not a read of the lock (most commits share
 * their lock with their parent).
 */
export async function lockBlobsAt({ root, commits }: { root: string; commits: readonly string[] }): Promise<LockBlobs> {
  const repo = await requireRepo(root);
  const blobs = new Map<string, string[]>();
  let withoutLock = 0;
  for (const commit of commits) {
    const oid = await lockOidAt(repo, commit);
    if (oid === undefined) {
      withoutLock++;
      continue;
    }
    const list = blobs.get(oid);
    if (list) list.push(commit);
    else blobs.set(oid, [commit]);
  }
  return { blobs, withoutLock };
}

/** The text of blob `oid`; `commit` names where it was found, for messages. */
export async function readBlobText({ root, oid, commit }: { root: string; oid: string; commit?: string }): Promise<string> {
  const repo = await requireRepo(root);
  try {
    const { blob } = await repo.git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('utf8');
  } catch (err) {
    throw gitReadFailed({ revision: commit, path: LOCK_FILE }, err);
  }
}

async function requireRepo(root: string): Promise<GitRepo> {
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision('HEAD', `${root} is not inside a git repository`);
  return repo;
}

/** The oid of the data.lock blob in `commit`'s tree, or undefined when there is none. */
async function lockOidAt(repo: GitRepo, commit: string): Promise<string | undefined> {
  let tree;
  try {
    tree = await repo.git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, ...(repo.prefix ? { filepath: repo.prefix } : {}), cache: repo.cache });
  } catch (err) {
    const code = gitErrorCode(err);
    // The pipe root did not exist yet at that commit (or was a file): no lock there.
    if (repo.prefix && (code === 'NotFoundError' || code === 'ObjectTypeError')) return undefined;
    throw gitReadFailed({ revision: commit }, err);
  }
  // A regular file only: a symlink's blob is its target's name, and a submodule is a commit.
  const entry = tree.tree.find((e) => e.path === LOCK_FILE);
  return entry && entry.type === 'blob' && (entry.mode === '100644' || entry.mode === '100755') ? entry.oid : undefined;
}
