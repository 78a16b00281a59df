/** @module The tree a commit records (`git rev-parse COMMIT^{tree}`), read in process. */
import { openGitRepo } from './open-git-repo.js';
import { gitReadFailed, unknownRevision } from './revision.js';

export async function treeOfCommit(root: string, commit: string): Promise<string> {
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision(commit, `${root} is not inside a git repository`);
  try {
    return (await repo.git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, cache: repo.cache })).commit.tree;
  } catch (err) {
    throw gitReadFailed({ revision: commit }, err);
  }
}
