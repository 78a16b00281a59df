/** @module The only importer of isomorphic-git (loaded lazily): finds the git repository around a pipe root and loads isomorphic-git, only when a command first reads git. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type * as IsoGitModule from 'isomorphic-git';
import { readOnlyFs, type ReadOnlyFs } from './read-only-fs.js';

export type IsoGit = typeof IsoGitModule.default;

export interface GitRepo {
  readonly git: IsoGit;
  /** What isomorphic-git reads through (see read-only-fs.ts). */
  readonly fs: ReadOnlyFs;
  /** The work tree's top directory. */
  readonly dir: string;
  /** The git directory holding objects and refs (`.git`; a linked work tree's common directory). */
  readonly gitdir: string;
  /** Where HEAD and the other per-work-tree refs (FETCH_HEAD, ORIG_HEAD…) live: `gitdir`, or a linked work tree's own directory. */
  readonly headGitdir: string;
  /** The pipe root inside the work tree, POSIX, '' when it is the top: repository paths are read as `prefix/path`. */
  readonly prefix: string;
  /** isomorphic-git's cache (parsed pack indexes, packs), shared by every read of this process. */
  readonly cache: object;
}

const opened = new Map<string, Promise<GitRepo | undefined>>();

/** The repository holding `root`, or undefined when `root` is not inside a git work tree. */
export function openGitRepo(root: string): Promise<GitRepo | undefined> {
  const key = resolve(root);
  let repo = opened.get(key);
  if (!repo) {
    repo = open(key);
    opened.set(key, repo);
  }
  return repo;
}

async function open(root: string): Promise<GitRepo | undefined> {
  const found = findGitDir(root);
  if (!found) return undefined;
  // Loaded here, not at the top: isomorphic-git is ~600 KB of code that only git-reading commands need.
  const { default: git } = await import('isomorphic-git');
  return { git, fs: readOnlyFs, dir: found.dir, gitdir: found.common, headGitdir: found.gitdir, prefix: relative(found.dir, root).split(sep).join('/'), cache: {} };
}

/** Where the repository holding `root` keeps its objects and refs, without loading isomorphic-git: undefined outside a git work tree. */
export function locateGitDir(root: string): string | undefined {
  return findGitDir(resolve(root))?.common;
}

/** The git work tree holding `start` (its top `dir`, its git directories), or undefined; plain fs, no isomorphic-git. */
export function findGitDir(start: string): { dir: string; gitdir: string; common: string } | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotgit = join(dir, '.git');
    const st = statSync(dotgit, { throwIfNoEntry: false });
    if (st?.isDirectory()) return { dir, gitdir: dotgit, common: dotgit };
    if (st?.isFile()) {
      // A submodule or linked work tree: `.git` is a file saying `gitdir: PATH`.
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotgit, 'utf8'));
      if (m?.[1]) {
        const gitdir = isAbsolute(m[1]) ? m[1] : join(dir, m[1]);
        return { dir, gitdir, common: commonDir(gitdir) };
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A linked work tree (git worktree add) keeps objects and refs in the directory its `commondir` file names. */
function commonDir(gitdir: string): string {
  try {
    return resolve(gitdir, readFileSync(join(gitdir, 'commondir'), 'utf8').trim());
  } catch {
    return gitdir;
  }
}
