/** @module Whether files a stage wrote, as committed at a revision, are what that revision's data.lock records (a metrics file edited by hand after `pipe repro` is not). */
import { readFileAt } from '../git/read-file-at-revision.js';
import type { Revision } from '../git/revision.js';
import { hashBytes } from '../hash/hash-file.js';
import type { Lock } from '../lockfile/lock.js';
import { readLockAtRevision } from '../lockfile/read-lock-at-revision.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { PIPELINE_FILES } from '../pipeline/pipeline-formats.js';
import { parse as parseYaml } from 'yaml';
import type { OutsFreshness, StaleOut } from './outs-freshness.js';

/**
 * For each path at the commit `rev`: stale when the committed file's hash is not the one its
 * stage's entry in data.lock (at the same commit) records, or when that stage, or one upstream of
 * it, last ran on a dep another stage has rewritten since (`pipe repro train` without evaluate:
 * the metrics are the previous model's); unverified when no stage there records it. A commit's
 * stages cannot be run again, but a file and its lock, and the lock's stages, must agree.
 */
export async function committedOutsFreshness({ root, rev, paths }: { root: string; rev: Revision & { commit: string }; paths: readonly RepoPath[] }): Promise<OutsFreshness> {
  const lock = await readLockAtRevision(root, rev.commit);
  const frozen = await frozenAt(root, rev);
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
    else {
      const behind = ranOnOldDep(lock, stage, frozen);
      if (behind) stale.push({ path, stage, why: `at ${at}, data.lock records stage ${behind.stage} run on another ${behind.dep} than ${behind.writer} wrote since (run pipe repro, then commit)` });
    }
  }
  return { stale, unverified: unverified.sort() };
}

/**
 * The first stage, `stage` or upstream of it, whose recorded dep is not what data.lock records
 * for that path now: another stage's out, or tracked data (`pipe add`). Undefined when they agree.
 * The walk stops at a frozen stage, as `pipe status` does.
 */
function ranOnOldDep(lock: Lock, stage: string, frozen: ReadonlySet<string>): { stage: string; dep: RepoPath; writer: string } | undefined {
  const writers = new Map<RepoPath, { stage: string; hash: string }>();
  for (const [name, s] of Object.entries(lock.stages)) for (const o of s.outs) writers.set(o.path, { stage: name, hash: o.hash });
  for (const [path, d] of Object.entries(lock.data)) writers.set(path as RepoPath, { stage: `pipe add`, hash: d.hash });
  const seen = new Set<string>();
  const walk = (name: string): { stage: string; dep: RepoPath; writer: string } | undefined => {
    // A frozen stage is not run again: its deps, and what is upstream of them, do not make its outs stale.
    if (seen.has(name) || frozen.has(name)) return undefined;
    seen.add(name);
    for (const dep of lock.stages[name]?.deps ?? []) {
      const writer = writers.get(dep.path);
      if (!writer) continue;
      if (writer.hash !== dep.hash) return { stage: name, dep: dep.path, writer: writer.stage === 'pipe add' ? 'pipe add' : `stage ${writer.stage}` };
      const upstream = writer.stage === 'pipe add' ? undefined : walk(writer.stage);
      if (upstream) return upstream;
    }
    return undefined;
  };
  return walk(stage);
}

/**
 * The stages marked `frozen: true` in the pipeline file committed at `rev` (pipeline.yaml, else a
 * root dvc.yaml): never run again, so what they left is all there is, whatever their deps became.
 * The commit's own flags, not today's: freezing a stage later must not pass a version that was
 * stale when it was committed, nor unfreezing fail one that was not.
 */
async function frozenAt(root: string, rev: Revision): Promise<ReadonlySet<string>> {
  for (const file of PIPELINE_FILES) {
    const read = await readFileAt(root, rev, file);
    if (!read.found) continue;
    let doc: unknown;
    try {
      doc = parseYaml(read.text);
    } catch {
      return new Set();
    }
    const stages = (doc as { stages?: unknown } | null)?.stages;
    if (!stages || typeof stages !== 'object') return new Set();
    return new Set(Object.entries(stages).flatMap(([name, stage]) => ((stage as { frozen?: unknown } | null)?.frozen === true ? [name] : [])));
  }
  return new Set();
}
