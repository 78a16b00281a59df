/** @module Which repository paths git would ignore (.gitignore files, .git/info/exclude), as `git check-ignore` says. */
import { openGitRepo } from './open-git-repo.js';

/** The paths of `paths` that git ignores; none outside a git repository. */
export async function ignoredPaths(root: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const repo = await openGitRepo(root);
  if (!repo) return [];
  const checks = await Promise.all(
    paths.map(async (path) => {
      try {
        return await repo.git.isIgnored({ fs: repo.fs, dir: repo.dir, gitdir: repo.gitdir, filepath: repo.prefix ? `${repo.prefix}/${path}` : path });
      } catch {
        return false; // an unreadable .gitignore: git would complain itself; not this warning's business
      }
    }),
  );
  return paths.filter((_, i) => checks[i]);
}
