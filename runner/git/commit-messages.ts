/** @module The messages of the commits in `since..head` (git log's range: reachable from head, not from since), for bumps read from commit messages. */
import { openGitRepo, type GitRepo } from './open-git-repo.js';
import { gitReadFailed } from './revision.js';
import { readShallow } from './walk-ancestry.js';

/**
 * The messages of every commit reachable from `head` and not from `since` (all of `head`'s
 * history when `since` is undefined). A shallow clone's history stops where it was cut: only
 * the fetched commits are read.
 */
export async function commitMessages(root: string, { head, since }: { head: string; since?: string }): Promise<string[]> {
  const repo = await openGitRepo(root);
  if (!repo) return [];
  const excluded = since === undefined ? new Set<string>() : new Set((await walk(repo, since, new Set())).keys());
  return [...(await walk(repo, head, excluded)).values()];
}

/** `start` and every commit reachable from it (oid → message), not entering `stop` nor going past a shallow clone's edge. */
async function walk(repo: GitRepo, start: string, stop: ReadonlySet<string>): Promise<Map<string, string>> {
  const shallow = readShallow(repo);
  const seen = new Map<string, string>();
  const queue = stop.has(start) ? [] : [start];
  while (queue.length > 0) {
    const oid = queue.pop() as string;
    if (seen.has(oid)) continue;
    let commit;
    try {
      commit = (await repo.git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).commit;
    } catch (err) {
      throw gitReadFailed({ revision: oid }, err);
    }
    seen.set(oid, commit.message);
    if (shallow.has(oid)) continue;
    for (const parent of commit.parent) if (!seen.has(parent) && !stop.has(parent)) queue.push(parent);
  }
  return seen;
}
