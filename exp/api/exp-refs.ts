/**
 * @module Experiments as git refs: `refs/exps/<baseline commit>/<name>`, each pointing at a commit
 * whose parent is the baseline and whose tree holds the experiment's params files, data.lock and
 * metrics. The refs are the whole record: listing, naming and removal read and write only them.
 */
import { PipeError } from '../../runner/command/index.js';
import { resolveRevision } from '../../runner/index.js';
import { git } from './git.js';

export const EXPS = 'refs/exps/';

export interface ExpRef {
  readonly name: string;
  readonly baseline: string;
  readonly ref: string;
  readonly commit: string;
  /** Commit time, seconds since the epoch. */
  readonly created: number;
}

export function expRefName(baseline: string, name: string): string {
  return `${EXPS}${baseline}/${name}`;
}

/** A name git takes as one ref component, readable in a table and a shell. */
export function checkExpName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.endsWith('.lock') || name.includes('..')) {
    throw new PipeError('USAGE', `'${name}' is not an experiment name: use letters, digits, '.', '_' and '-', starting with a letter or digit`, { command: 'exp', flag: '--name' });
  }
}

/** Every experiment (or those of one baseline), newest first. */
export async function listExps(root: string, baseline?: string): Promise<ExpRef[]> {
  const out = await git(root, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)%09%(objectname)%09%(committerdate:unix)', baseline ? `${EXPS}${baseline}/` : EXPS]);
  const exps: ExpRef[] = [];
  for (const line of out.split('\n')) {
    const [ref, commit, created] = line.split('\t');
    const m = ref ? /^refs\/exps\/([0-9a-f]{40,64})\/([^/]+)$/.exec(ref) : null;
    if (!m || !ref || !commit) continue;
    exps.push({ ref, commit, name: m[2] as string, baseline: m[1] as string, created: Number(created) });
  }
  return exps;
}

/** The commit HEAD is at: the baseline of new experiments. */
export async function headCommit(root: string): Promise<string> {
  try {
    // In process: a sweep, exp show and queue start each asked git once more.
    const { commit } = await resolveRevision(root, 'HEAD');
    if (commit === undefined) throw new Error('HEAD names no commit');
    return commit;
  } catch (err) {
    throw new PipeError('USAGE', 'experiments need a commit to start from: this repository has none yet (commit the pipeline first)', { command: 'exp' }, { cause: err });
  }
}

/**
 * The experiment a user names: NAME among the current baseline's experiments first, then among
 * all; a full ref or a `<baseline>/<name>` works too. EXP_UNKNOWN (exit 2) for none or several.
 */
export async function findExp(root: string, name: string): Promise<ExpRef> {
  const all = await listExps(root);
  const exact = all.find((e) => e.ref === name || `${e.baseline}/${e.name}` === name);
  if (exact) return exact;
  const head = await headCommit(root).catch(() => '');
  const named = all.filter((e) => e.name === name);
  const here = named.filter((e) => e.baseline === head);
  if (here.length === 1 && here[0]) return here[0];
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) {
    throw new PipeError('EXP_UNKNOWN', `'${name}' names experiments of ${named.length} baselines (${named.map((e) => e.baseline.slice(0, 7)).join(', ')}); name one as BASELINE/NAME, e.g. ${named[0]?.baseline}/${name}`, { name, candidates: named.map((e) => e.ref) });
  }
  const near = all.map((e) => e.name);
  throw new PipeError('EXP_UNKNOWN', `no experiment named '${name}'${near.length ? `; pipe exp show --all lists the ${new Set(near).size} there are` : '; pipe exp run makes one'}`, { name, candidates: [] });
}
