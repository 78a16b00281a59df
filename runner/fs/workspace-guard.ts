/** @module Refuses a workspace write, link, chmod or delete whose parent directory really lies outside the repository (a committed `models -> ../outside`). */
import { realpathSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { RepoPath } from './repo-path.js';
import { refusal } from './real-path-inside.js';

/**
 * A repository path is lexically inside the repository (toRepoPath saw to that), but a symlink
 * among its parent directories can still take a write elsewhere. Before pipe removes, creates,
 * links or chmods anything at a path, the guard resolves the path's parent directory (the
 * nearest one that exists) and refuses with PATH_INVALID (exit 2) unless it really is inside
 * the repository, outside .git/ and .pipe/. One realpath per directory per run: the verdicts
 * are kept until `forget()` (call it after a stage ran, since a stage may have replaced a
 * directory with a symlink).
 */
export class WorkspaceGuard {
  readonly #root: string;
  #realRoot: string | undefined;
  readonly #inside = new Set<RepoPath>();

  constructor(root: string) {
    this.#root = root;
  }

  /** Throws PATH_INVALID when a write at `path` (a repository path) would land outside the repository. */
  parentOf(path: RepoPath): void {
    this.#directory(posix.dirname(path), path);
  }

  forget(): void {
    this.#inside.clear();
  }

  #directory(dir: RepoPath, path: RepoPath): void {
    if (dir === '.' || this.#inside.has(dir)) return;
    let real: string;
    try {
      real = realpathSync.native(join(this.#root, dir));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Not there yet: mkdir will make it, below the nearest directory that is.
      if (code === 'ENOENT') this.#directory(posix.dirname(dir), path);
      // A file where a directory should be: the write fails on its own, outside nothing.
      else if (code !== 'ENOTDIR') throw err;
      return;
    }
    this.#realRoot ??= realpathSync.native(this.#root);
    const refused = refusal(this.#realRoot, path, real, 'write');
    if (refused) throw refused;
    this.#inside.add(dir);
  }
}
