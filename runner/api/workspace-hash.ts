/** @module The hash of a path as the workspace holds it now (what `pipe status` compares with data.lock), for serve/ and registry/. */
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { existsSync } from 'node:fs';
import { pipeDir } from '../repo/pipe-dir.js';
import { refuseLinkedPipeDirs } from '../repo/pipe-dir-links.js';

/** Why a write of the stat state may fail where reading the workspace does not: a read-only checkout, another user's .pipe/. */
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOENT']);

/**
 * `sha256:<hex>` (a file) or `sha256:<hex>.dir` (a directory), as data.lock writes it; undefined
 * when the path does not exist. Files unchanged since pipe last hashed them are not read again
 * (the stat state `status` keeps). No .pipe/ is created for it (a repository without one is only
 * not remembered), and a stat state that cannot be written (a read-only checkout) is only not remembered.
 */
export async function workspaceHash(root: string, path: RepoPath): Promise<string | undefined> {
  const dir = pipeDir(root);
  // The state is read and written only in a .pipe/ of the repository's own, never through a link out of it.
  refuseLinkedPipeDirs(root);
  const hasher = new PathHasher(root, new StatState(dir.state));
  const info = await hasher.hash(path);
  if (existsSync(dir.dir)) {
    try {
      hasher.saveState();
    } catch (error) {
      if (!READ_ONLY.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
  return info?.hash;
}
