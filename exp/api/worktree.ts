/**
 * @module The temporary git worktree an experiment runs in: under .pipe/tmp/exps/ (ignored, on the
 * repository's filesystem so the shared cache's hard links work), with the workspace's pipe config,
 * using the repository's cache and run-cache (runner's shareCache).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { acquireMutex, pipeDir, shareCache } from '../../runner/index.js';
import { git } from './git.js';

export interface Worktree {
  readonly dir: string;
  /** Removes the worktree and its git bookkeeping. */
  remove(): Promise<void>;
}

export function worktreesDir(root: string): string {
  return join(pipeDir(root).tmp, 'exps');
}

export async function addWorktree(root: string, commit: string, label: string): Promise<Worktree> {
  const parent = worktreesDir(root);
  mkdirSync(parent, { recursive: true });
  const dir = join(parent, `${label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  await git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  // The workspace's config, committed or not (a remote added but not yet committed, credentials).
  const from = pipeDir(root);
  const to = pipeDir(dir);
  mkdirSync(to.dir, { recursive: true });
  for (const f of [from.config, from.localConfig]) if (existsSync(f)) copyFileSync(f, join(to.dir, f.slice(from.dir.length + 1)));
  const unshare = shareCache(dir, from.cache);
  return {
    dir,
    async remove() {
      unshare();
      await git(root, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes worktrees left by pipe processes that died (their pid is in the directory's name). */
export async function pruneDeadWorktrees(root: string, isLive: (pid: number) => boolean): Promise<number> {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(worktreesDir(root));
  } catch {
    return 0;
  }
  for (const name of names) {
    const pid = Number(/-(\d+)-[0-9a-f]{6}$/.exec(name)?.[1]);
    if (!pid || isLive(pid)) continue;
    const dir = join(worktreesDir(root), name);
    // Taking the dead run's mutex stops the stages it left running (they have process groups of their own).
    await acquireMutex({ file: pipeDir(dir).mutex, command: 'pipe queue start (cleanup)', waitSeconds: 0, onNotice: () => {} })
      .then((m) => m.release())
      .catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    n++;
  }
  if (n) await git(root, ['worktree', 'prune']).catch(() => undefined);
  return n;
}
