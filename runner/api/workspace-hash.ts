/** @module The hash of a path as the workspace holds it now (what `pipe status` compares with data.lock), for serve/ and registry/. */
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { ensurePipeDir } from '../repo/pipe-dir.js';

/**
 * `sha256:<hex>` (a file) or `sha256:<hex>.dir` (a directory), as data.lock writes it; undefined
 * when the path does not exist. Files unchanged since pipe last hashed them are not read again
 * (the stat state `status` keeps).
 */
export async function workspaceHash(root: string, path: RepoPath): Promise<string | undefined> {
  const hasher = new PathHasher(root, new StatState(ensurePipeDir(root).state));
  const info = await hasher.hash(path);
  hasher.saveState();
  return info?.hash;
}
