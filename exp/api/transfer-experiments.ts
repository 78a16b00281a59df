/**
 * @module `pipe exp push|pull`: experiments' refs to and from a git remote (git push/fetch of
 * refs/exps/…), and the objects their data.lock names to and from the data remote, through pipe
 * push and fetch run in a temporary worktree of each experiment (on the shared cache).
 */
import { fetch, isPipeError, push } from '../../runner/index.js';
import { PipeError } from '../../runner/command/index.js';
import { EXPS, findExp, listExps, type ExpRef } from './exp-refs.js';
import { git } from './git.js';
import { addWorktree } from './worktree.js';

export interface TransferOptions {
  readonly root: string;
  /** The git remote. */
  readonly gitRemote: string;
  readonly names: readonly string[];
  /** The data remote (default: the default remote). */
  readonly dataRemote?: string;
  readonly force?: boolean;
}

export interface Transferred {
  readonly exps: readonly ExpRef[];
  /** Objects sent or received per experiment; undefined when no data remote is configured. */
  readonly objects?: number;
}

export async function pushExperiments({ root, gitRemote, names, dataRemote, force = false }: TransferOptions): Promise<Transferred> {
  const exps = names.length ? await Promise.all(names.map((n) => findExp(root, n))) : await listExps(root);
  if (exps.length === 0) throw new PipeError('EXP_UNKNOWN', 'no experiments to push; pipe exp run makes one', { name: '', candidates: [] });
  await git(root, ['push', '--quiet', gitRemote, ...exps.map((e) => `${force ? '+' : ''}${e.ref}:${e.ref}`)]);
  const objects = await eachWorktree(root, exps, dataRemote, async (dir) => (await push({ root: dir, remote: dataRemote })).uploaded);
  return { exps, objects };
}

export async function pullExperiments({ root, gitRemote, names, dataRemote, force = false }: TransferOptions): Promise<Transferred> {
  const specs = names.length ? names.map((n) => `${EXPS}*/${n}`) : [`${EXPS}*`];
  await git(root, ['fetch', '--quiet', gitRemote, ...specs.map((s) => `${force ? '+' : ''}${s}:${s}`)]);
  const all = await listExps(root);
  const exps = names.length ? all.filter((e) => names.includes(e.name)) : all;
  const missing = names.filter((n) => !exps.some((e) => e.name === n));
  if (missing.length) throw new PipeError('EXP_UNKNOWN', `the git remote '${gitRemote}' has no experiment named ${missing.map((m) => `'${m}'`).join(', ')}`, { name: missing[0] ?? '', candidates: [] });
  const objects = await eachWorktree(root, exps, dataRemote, async (dir) => (await fetch({ root: dir, remote: dataRemote })).fetched);
  return { exps, objects };
}

/** Runs `work` in a worktree of each experiment; undefined when no data remote is configured (and none was named). */
async function eachWorktree(root: string, exps: readonly ExpRef[], dataRemote: string | undefined, work: (dir: string) => Promise<number>): Promise<number | undefined> {
  let total = 0;
  for (const e of exps) {
    const wt = await addWorktree(root, e.commit, e.name);
    try {
      total += await work(wt.dir);
    } catch (err) {
      if (dataRemote === undefined && isPipeError(err) && err.code === 'REMOTE_MISSING') return undefined;
      throw err;
    } finally {
      await wt.remove();
    }
  }
  return total;
}
