/** @module `pipe exp apply`: the experiment's files (params, data.lock, metrics, whatever it changed) written into the workspace, and its outs checked out, as DVC's exp apply does. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkout, writeFileAtomic, type CheckoutSummary } from '../../runner/index.js';
import { PipeError } from '../../runner/command/index.js';
import { findExp, type ExpRef } from './exp-refs.js';
import { git, gitBytes } from './git.js';

export interface Applied {
  readonly exp: ExpRef;
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly checkout: CheckoutSummary;
}

export async function applyExperiment({ root, name, force = false }: { root: string; name: string; force?: boolean }): Promise<Applied> {
  const exp = await findExp(root, name);
  const changes = (await git(root, ['diff', '--name-status', '--no-renames', '-z', exp.baseline, exp.commit])).split('\0').filter(Boolean);
  const written: string[] = [];
  const removed: string[] = [];
  for (let i = 0; i + 1 < changes.length; i += 2) (changes[i] === 'D' ? removed : written).push(changes[i + 1] as string);
  const paths = [...written, ...removed];
  if (!force && paths.length) {
    const dirty = (await git(root, ['status', '--porcelain', '-z', '--', ...paths])).split('\0').filter(Boolean).map((l) => l.slice(3));
    if (dirty.length) {
      throw new PipeError('EXP_DIRTY', `the workspace has uncommitted changes to ${dirty.join(', ')}, which applying '${exp.name}' would overwrite; commit or stash them, or --force to overwrite`, { paths: dirty });
    }
  }
  for (const p of written) writeFileAtomic(join(root, p), await gitBytes(root, ['cat-file', 'blob', `${exp.commit}:${p}`]));
  for (const p of removed) rmSync(join(root, p), { force: true });
  const summary = await checkout({ root, force });
  return { exp, written, removed, checkout: summary };
}
