/** @module The files of a given name anywhere in a commit's tree (every dvc.yaml of a revision), read in process. */
import { openGitRepo } from './open-git-repo.js';
import { gitReadFailed, unknownRevision } from './revision.js';

/** Paths (relative to the pipe root, sorted) of the files named `name` that `commit` records. */
export async function filesNamedAt(root: string, commit: string, name: string): Promise<string[]> {
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision(commit, `${root} is not inside a git repository`);
  let files: string[];
  try {
    files = await repo.git.listFiles({ fs: repo.fs, gitdir: repo.gitdir, ref: commit, cache: repo.cache });
  } catch (err) {
    throw gitReadFailed({ revision: commit }, err);
  }
  const prefix = repo.prefix ? `${repo.prefix}/` : '';
  return files
    .filter((f) => f.startsWith(prefix) && (f === `${prefix}${name}` || f.endsWith(`/${name}`)))
    .map((f) => f.slice(prefix.length))
    .sort();
}
