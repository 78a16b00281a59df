/**
 * @module Every dvc.yaml of the workspace (DVC reads one in any directory: a monorepo keeps one per
 * project folder, often none at the root), remembered until a directory searched gains or loses
 * an entry or an ignore file changes, so a no-op run stats directories instead of reading them.
 */
import type { RepoPath } from '../fs/repo-path.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { walkWorkspace } from './walk-workspace.js';

export const DVC_YAML = 'dvc.yaml';

const KEY = `${DVC_YAML}#found`;

/** The dvc.yaml files of the workspace, the root's first, then by path. */
export function findDvcYamls(root: string, cache: ParsedCache): RepoPath[] {
  const remembered = cache.getDerived(root, KEY)?.value;
  if (Array.isArray(remembered) && remembered.every((f) => typeof f === 'string')) return remembered as RepoPath[];
  const { found, watched } = walkWorkspace(root, { match: (name) => name === DVC_YAML });
  const files = [...found.filter((f) => f === DVC_YAML), ...found.filter((f) => f !== DVC_YAML)];
  cache.setDerived(root, KEY, watched, files);
  return files;
}
