/** @module The branch checked out in the work tree around a pipe root (HEAD's symbolic ref), or undefined when HEAD is detached. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGitRepo } from './open-git-repo.js';

export async function currentBranch(root: string): Promise<string | undefined> {
  const repo = await openGitRepo(root);
  if (!repo) return undefined;
  try {
    const head = readFileSync(join(repo.headGitdir, 'HEAD'), 'utf8').trim();
    return head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : undefined;
  } catch {
    return undefined;
  }
}
