/** @module Turns linked (read-only, shared with the store) workspace files into writable copies of their own. */
import { chmodSync, constants, copyFileSync, lstatSync, readdirSync, realpathSync, renameSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { refusal } from '../fs/real-path-inside.js';
import type { RepoPath } from '../fs/repo-path.js';
import type { WorkspaceGuard } from '../fs/workspace-guard.js';
import { pipeDir } from '../repo/pipe-dir.js';

/**
 * Replaces every linked file under `path` (a hardlink or read-only file, or a symlink to a
 * file) by a writable copy; returns how many it replaced. A copy takes the bytes a symlink leads
 * to into the workspace, so a symlink must lead inside the repository (or to an object of the
 * store, pipe's own symlink links), never outside it or into .git/ or .pipe/: else PATH_INVALID,
 * and nothing is replaced. A symlink to a directory is followed when it is `path` itself and
 * skipped below it (pipe links files, never directories). `path`'s parent passes `guard`.
 * The read-only bit does not stop root (CI, containers), so a file shared with the store must
 * never be opened for writing: it is replaced, whoever runs pipe. The copy is a clone where the
 * filesystem can (btrfs, XFS, APFS): no bytes copied until the stage writes.
 */
export function unprotect({ root, path, guard }: { root: string; path: RepoPath; guard: WorkspaceGuard }): number {
  guard.parentOf(path);
  const follow = linkFollower(root);
  const abs = join(root, path);
  const files: string[] = [];
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    return 0;
  }
  let dir: string | undefined = st.isDirectory() ? abs : undefined;
  if (st.isSymbolicLink()) {
    const real = follow(abs, path);
    if (real === undefined) return 0;
    if (statSync(real).isDirectory()) dir = real;
    else files.push(abs);
  } else if (!dir && isLinked(st)) files.push(abs);
  if (dir) collect(dir, path, files, follow);
  // Every file was checked before the first one is replaced.
  for (const file of files) {
    const exec = (statSync(file).mode & 0o100) !== 0;
    const tmp = `${file}.pipe-unprotect-${process.pid}`;
    copyFileSync(file, tmp, constants.COPYFILE_FICLONE);
    chmodSync(tmp, exec ? 0o755 : 0o644);
    renameSync(tmp, file);
  }
  return files.length;
}

/**
 * For symlinks whose target unprotect would copy into the workspace: the real path a symlink
 * (`abs`, named `rel` in messages) leads to, undefined when it dangles, PATH_INVALID when it
 * leads outside the repository or into .git/ or .pipe/ other than the store's objects.
 */
export function linkFollower(root: string): (abs: string, rel: string) => string | undefined {
  const realRoot = realpathSync.native(root);
  const store = storeFiles(root);
  return (abs, rel) => {
    let real: string;
    try {
      real = realpathSync.native(abs);
    } catch {
      return undefined;
    }
    if (store && real.startsWith(store)) return real;
    const refused = refusal(realRoot, rel, real, 'copy');
    if (refused) throw refused;
    return real;
  };
}

/** Shares its bytes with the store: a second name of an object, or made read-only by pipe. */
function isLinked(st: { nlink: number; mode: number }): boolean {
  return st.nlink > 1 || (st.mode & 0o200) === 0;
}

function collect(dir: string, rel: string, out: string[], follow: (abs: string, rel: string) => string | undefined): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, e.name);
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) collect(abs, r, out, follow);
    else if (e.isSymbolicLink()) {
      const real = follow(abs, r);
      if (real !== undefined && !statSync(real).isDirectory()) out.push(abs);
    } else if (e.isFile() && isLinked(lstatSync(abs))) out.push(abs);
  }
}

/** The store's real `files/` directory with a trailing separator, or undefined when there is none yet. */
function storeFiles(root: string): string | undefined {
  try {
    return realpathSync.native(join(pipeDir(root).cache, 'files')) + sep;
  } catch {
    return undefined;
  }
}
