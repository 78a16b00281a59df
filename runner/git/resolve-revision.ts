/** @module Resolves what the user typed (`HEAD~2`, `origin/dev`, `v1.0`, `3f2a9c1`, `workspace`) to a commit. */
import { openGitRepo } from './open-git-repo.js';
import { parseRevision } from './parse-revision.js';
import { resolveBase } from './resolve-base.js';
import { WORKSPACE, unknownRevision, type Revision } from './revision.js';
import { walkAncestry } from './walk-ancestry.js';

/**
 * The commit `name` names in the git repository around `root`, or the workspace for the special
 * name `workspace` (which wins over a branch of that name; write `heads/workspace` for the branch).
 * Unknown revisions throw REVISION_UNKNOWN (exit 2).
 */
export async function resolveRevision(root: string, name: string): Promise<Revision> {
  if (name === WORKSPACE) return { name };
  const { base, steps } = parseRevision(name);
  const repo = await openGitRepo(root);
  if (!repo) throw unknownRevision(name, `${root} is not inside a git repository`);
  const commit = await walkAncestry(repo, await resolveBase(repo, base, name), steps, name);
  return { name, commit };
}
