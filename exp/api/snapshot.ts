/**
 * @module The workspace as git would commit it (tracked changes and untracked files that are not
 * ignored), as a commit object on top of HEAD, made with a temporary index so the user's index and
 * files are untouched. Experiments start from it, as DVC's start from the workspace.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeDir, treeOfCommit } from '../../runner/index.js';
import { commitEnv, git, gitScript } from './git.js';

/** The commit to check out for an experiment: HEAD itself when the workspace is clean. */
export async function snapshotWorkspace(root: string, head: string): Promise<string> {
  const index = join(pipeDir(root).tmp, `exp-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(pipeDir(root).tmp, { recursive: true });
  const real = (await git(root, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
  try {
    // Starting from the real index keeps git's stat cache: only changed files are read.
    try {
      copyFileSync(real, index);
    } catch {
      // No index yet: git builds one.
    }
    const env = { GIT_INDEX_FILE: index };
    const tree = (await gitScript(root, 'git add -A -- . && git write-tree', { env })).trim();
    const headTree = await treeOfCommit(root, head);
    if (tree === headTree) return head;
    return (await git(root, ['commit-tree', tree, '-p', head, '-m', 'pipe exp: workspace changes'], { env: await commitEnv(root) })).trim();
  } finally {
    rmSync(index, { force: true });
  }
}
