/** @module Whether files a stage wrote, as committed at a revision, are what that revision's data.lock records (a metrics file edited by hand after `pipe repro` is not). */
import { readFileAt } from '../git/read-file-at-revision.js';
import type { Revision } from '../git/revision.js';
import { hashBytes } from '../hash/hash-file.js';
import { readLockAtRevision } from '../lockfile/read-lock-at-revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import type { OutsFreshness, StaleOut } from './outs-freshness.js';

/**
 * For each path at the commit `rev`: stale when the committed file's hash is not the one its
 * stage's entry in data.lock (at the same commit) records; unverified when no stage there records
 * it. A commit's stages cannot be re-checked against their deps, but a file and its lock must agree.
 */
export async function committedOutsFreshness({ root, rev, paths }: { root: string; rev: Revision & { commit: string }; paths: readonly RepoPath[] }): Promise<OutsFreshness> {
  const lock = await readLockAtRevision(root, rev.commit);
  const stale: StaleOut[] = [];
  const unverified: RepoPath[] = [];
  for (const path of paths) {
    const owner = Object.entries(lock.stages).find(([, s]) => s.outs.some((o) => o.path === path));
    const out = owner?.[1].outs.find((o) => o.path === path);
    if (!owner || !out) {
      unverified.push(path);
      continue;
    }
    const [stage] = owner;
    const file = await readFileAt(root, rev, path);
    const at = rev.commit.startsWith(rev.name) ? rev.commit.slice(0, 7) : `${rev.name} (${rev.commit.slice(0, 7)})`;
    if (!file.found) stale.push({ path, stage, why: `it is not committed at ${at}, though data.lock there records stage ${stage} writing it` });
    else if (`sha256:${hashBytes(file.text)}` !== out.hash) stale.push({ path, stage, why: `at ${at} it is not what data.lock there records stage ${stage} writing (edited after pipe repro, or committed without its data.lock)` });
  }
  return { stale, unverified: unverified.sort() };
}
