/**
 * @module Every dvc.yaml of the workspace (DVC reads one in any directory: a monorepo keeps one per
 * project folder, often none at the root), remembered until a directory searched gains or loses
 * an entry or an ignore file changes, so a no-op run stats directories instead of reading them.
 */
import { posix } from 'node:path';
import type { RepoPath } from '../fs/repo-path.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { rememberedWalk } from './walk-workspace.js';

export const DVC_YAML = 'dvc.yaml';

/**
 * Every dvc.yaml and every `.dvc` file (`dvc add`'s records) of the workspace, sorted: one
 * remembered search serves both, so a DVC project's unchanged run stats its directories once.
 */
export function dvcWorkspaceFiles(root: string, cache: ParsedCache): RepoPath[] {
  // Asked twice a run (the pipeline's files, then the `.dvc` files taken over): answered once per cache.
  let byRoot = asked.get(cache);
  if (!byRoot) asked.set(cache, (byRoot = new Map()));
  let found = byRoot.get(root);
  if (!found) byRoot.set(root, (found = rememberedWalk(root, cache, 'dvc#found', (name) => name === DVC_YAML || (name.endsWith('.dvc') && name !== '.dvc'))));
  return found;
}

const asked = new WeakMap<ParsedCache, Map<string, RepoPath[]>>();

/** The dvc.yaml files of the workspace, the root's first, then by path. */
export function findDvcYamls(root: string, cache: ParsedCache): RepoPath[] {
  const found = dvcWorkspaceFiles(root, cache).filter((f) => posix.basename(f) === DVC_YAML);
  return [...found.filter((f) => f === DVC_YAML), ...found.filter((f) => f !== DVC_YAML)];
}
