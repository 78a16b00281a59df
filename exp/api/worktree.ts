/**
 * @module The temporary git worktree an experiment runs in: under .pipe/tmp/exps/ (ignored, on the
 * repository's filesystem so the shared cache's hard links work), with the workspace's pipe config,
 * using the repository's cache and run-cache (runner's shareCache).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PipeError, acquireMutex, experimentWorktreeName, experimentWorktreePid, locateGitDir, pipeDir, shareCache, volatileDir } from '../../runner/index.js';
import { git } from './git.js';

export interface Worktree {
  readonly dir: string;
  /** Removes the worktree and its git bookkeeping. */
  remove(): Promise<void>;
}

/** A worktree's git bookkeeping while it is made or removed, beside .git/worktrees (registerWorktree). */
const BUILDING_PREFIX = 'pipe-worktree-';

export function worktreesDir(root: string): string {
  return pipeDir(root).exps;
}

export async function addWorktree(root: string, commit: string, label: string): Promise<Worktree> {
  const parent = worktreesDir(root);
  mkdirSync(parent, { recursive: true });
  const dir = join(parent, experimentWorktreeName(label));
  await registerWorktree(root, dir, commit);
  try {
    // What `git worktree add` runs in the new worktree to fill it (and its index) from HEAD.
    await git(dir, ['reset', '--hard', '--no-recurse-submodules', '--quiet']);
  } catch (err) {
    removeWorktree(dir);
    throw err;
  }
  // The workspace's config, committed or not (a remote added but not yet committed, credentials).
  const from = pipeDir(root);
  const to = pipeDir(dir);
  mkdirSync(to.dir, { recursive: true });
  for (const f of [from.config, from.localConfig]) if (existsSync(f)) copyFileSync(f, join(to.dir, f.slice(from.dir.length + 1)));
  const unshare = shareCache(dir, from.cache);
  const syncAgain = volatileDir(dir);
  return {
    dir,
    async remove() {
      unshare();
      removeWorktree(dir);
      syncAgain();
    },
  };
}

/**
 * What `git worktree add --detach DIR COMMIT` writes before it fills the worktree, without its
 * three git processes (worktree add runs update-ref and reset --hard itself), which were ~50 ms of
 * each experiment's bookkeeping: `.git/worktrees/<id>/{gitdir,commondir,HEAD}` and DIR/.git.
 */
async function registerWorktree(root: string, dir: string, commit: string): Promise<void> {
  const common = locateGitDir(root);
  if (!common) throw new PipeError('USAGE', `${root} is not inside a git repository: experiments are git commits`, { command: 'exp' });
  const admin = join(common, 'worktrees', basename(dir));
  mkdirSync(join(common, 'worktrees'), { recursive: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.git'), `gitdir: ${admin}\n`);
  // Made aside and renamed in: git processes that list the worktrees (another experiment's, a
  // prune) read every .git/worktrees/<id>/commondir and die on one not written yet.
  const building = join(common, `${BUILDING_PREFIX}${basename(dir)}`);
  mkdirSync(building);
  writeFileSync(join(building, 'commondir'), '../..\n');
  writeFileSync(join(building, 'HEAD'), `${commit}\n`);
  writeFileSync(join(building, 'gitdir'), `${join(dir, '.git')}\n`);
  // The id is unique (pid and random bytes in the name); an existing one is not ours to reuse.
  renameSync(building, admin);
}

/**
 * What `git worktree remove --force` does, without a git process: the directory and its
 * administrative directory (.git/worktrees/<id>, named by the worktree's .git file).
 */
function removeWorktree(dir: string): void {
  const admin = adminDir(dir);
  if (admin) {
    // Moved out of .git/worktrees first, for the same readers as in registerWorktree.
    const leaving = join(dirname(dirname(admin)), `${BUILDING_PREFIX}${basename(admin)}`);
    try {
      renameSync(admin, leaving);
      rmSync(leaving, { recursive: true, force: true });
    } catch {
      rmSync(admin, { recursive: true, force: true });
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** `.git/worktrees/<id>` of the linked worktree at `dir`, from its `.git` file; undefined when that does not look like one. */
function adminDir(dir: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, '.git'), 'utf8');
  } catch {
    return undefined;
  }
  const path = /^gitdir:\s*(.+?)\s*$/m.exec(text)?.[1];
  if (!path) return undefined;
  const admin = resolve(dir, path);
  return basename(dirname(admin)) === 'worktrees' ? admin : undefined;
}

/** Removes worktrees left by pipe processes that died (their pid is in the directory's name). */
export async function pruneDeadWorktrees(root: string, isLive: (pid: number) => boolean): Promise<number> {
  let n = 0;
  let names: string[] = [];
  try {
    names = readdirSync(worktreesDir(root));
  } catch {
    // none yet
  }
  for (const name of names) {
    const pid = experimentWorktreePid(name);
    if (!pid || isLive(pid)) continue;
    const dir = join(worktreesDir(root), name);
    // Taking the dead run's mutex stops the stages it left running (they have process groups of their own).
    await acquireMutex({ file: pipeDir(dir).mutex, command: 'pipe queue start (cleanup)', waitSeconds: 0, onNotice: () => {} })
      .then((m) => m.release())
      .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    n++;
  }
  // Bookkeeping a dead run left half-made or half-removed beside .git/worktrees (registerWorktree).
  const common = locateGitDir(root);
  for (const name of common ? readdirSync(common) : []) {
    const pid = name.startsWith(BUILDING_PREFIX) ? experimentWorktreePid(name) : undefined;
    if (pid && !isLive(pid)) rmSync(join(common as string, name), { recursive: true, force: true });
  }
  if (n) await git(root, ['worktree', 'prune']).catch(() => undefined);
  return n;
}
