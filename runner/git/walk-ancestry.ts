/** @module Applies `~N` and `^N` to a commit by walking its parents, and knows where a shallow clone's history stops. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRepo } from './open-git-repo.js';
import type { ParentStep } from './parse-revision.js';
import { gitReadFailed, unknownRevision } from './revision.js';

/** The commit reached from `start` by `steps`; `revision` is the whole text, for messages. */
export async function walkAncestry(repo: GitRepo, start: string, steps: readonly ParentStep[], revision: string): Promise<string> {
  if (steps.length === 0) return start;
  const shallow = readShallow(repo);
  let oid = start;
  for (const { op, n } of steps) {
    // ~N follows the first parent N times; ^N takes the N-th parent once; ^0 is the commit itself.
    const [times, index] = op === '~' ? [n, 0] : [n === 0 ? 0 : 1, n - 1];
    for (let i = 0; i < times; i++) {
      const parents = await parentsOf(repo, oid, revision);
      const next = shallow.has(oid) ? undefined : parents[index];
      if (next === undefined) throw noParent(revision, oid, parents.length, index + 1, shallow.has(oid) && parents.length > 0);
      oid = next;
    }
  }
  return oid;
}

/** Commits whose parents a shallow clone did not fetch (`.git/shallow`, one oid per line). */
export function readShallow(repo: GitRepo): ReadonlySet<string> {
  try {
    return new Set(readFileSync(join(repo.gitdir, 'shallow'), 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

export async function parentsOf(repo: GitRepo, oid: string, revision?: string): Promise<readonly string[]> {
  try {
    return (await repo.git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).commit.parent;
  } catch (err) {
    throw gitReadFailed({ revision }, err);
  }
}

function noParent(revision: string, oid: string, count: number, wanted: number, cutByShallowClone: boolean) {
  const c = oid.slice(0, 12);
  if (cutByShallowClone) {
    return unknownRevision(
      revision,
      `the history before commit ${c} was not fetched (shallow clone); fetch more with 'git fetch --deepen=N' or 'git fetch --unshallow'`,
    );
  }
  if (count === 0) return unknownRevision(revision, `it goes back past the first commit (${c} has no parent)`);
  return unknownRevision(revision, `commit ${c} has ${count} parent${count === 1 ? '' : 's'}, so no parent ${wanted}`);
}
