/** @module `pipe status`: for each stage, whether it is up to date and, if not, every reason why. */
import { loadPipelineOrNone } from '../pipeline/load-pipeline.js';
import { ignoredOutWarnings } from '../gitignore/ignored-outs.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import { unreadDvcYamls } from '../pipeline/unread-dvc-yamls.js';
import { buildDag } from '../dag/build-dag.js';
import { selectStages } from '../dag/select-stages.js';
import type { Reason } from '../stage/reason.js';
import { stageStatus } from '../stage/stage-status.js';
import { PathHasher } from '../hash/hash-path.js';
import { StatState } from '../hash/stat-state.js';
import { readLock } from '../lockfile/read-lock.js';
import { adoptDvcLock } from '../lockfile/adopt-dvc-lock.js';
import { ensurePipeDir } from '../repo/pipe-dir.js';
import { ObjectStore } from '../cache/object-store.js';
import { storedCheck } from '../cache/stored-check.js';
import { WorkspaceRecord } from '../cache/workspace-record.js';

export type StageState = 'up-to-date' | 'changed' | 'frozen' | 'always-changed';

export interface StatusEntry {
  readonly stage: string;
  readonly state: StageState;
  readonly reasons: readonly Reason[];
}

export interface DataStatus {
  readonly path: string;
  readonly state: 'up-to-date' | 'modified' | 'missing';
}

export interface StatusResult {
  readonly stages: readonly StatusEntry[];
  /** Raw data tracked with `pipe add`. */
  readonly data: readonly DataStatus[];
  /** Committed metrics/plots files that .gitignore hides. */
  readonly warnings: readonly string[];
}

export async function status({ root, targets = [] }: { root: string; targets?: readonly string[] }): Promise<StatusResult> {
  const dir = ensurePipeDir(root);
  const cache = new ParsedCache(dir.tmp);
  const pipeline = await loadPipelineOrNone({ root, cache });
  const unread = unreadDvcYamls(pipeline, cache);
  const dag = buildDag(pipeline);
  const selected = selectStages(dag, { targets });
  const hasher = new PathHasher(root, new StatState(dir.state));
  const { lock, pendingData } = await adoptDvcLock({ pipeline, lock: await readLock({ root, cache }), hasher, cache });
  const isStored = storedCheck(new ObjectStore(dir.cache), new WorkspaceRecord(dir.tmp));
  const statuses = await Promise.all(
    selected.map((name) => {
      const stage = dag.stages.get(name);
      if (!stage) throw new Error(`unreachable: stage ${name} selected but not in the graph`);
      return stageStatus({ stage, locked: lock.stages[name], pipeline, hasher, isStored });
    }),
  );
  const data: DataStatus[] = [];
  if (targets.length === 0) {
    for (const [path, d] of Object.entries(lock.data)) {
      const now = await hasher.hash(path);
      data.push({ path, state: !now ? 'missing' : now.hash === d.hash ? 'up-to-date' : 'modified' });
    }
    // Tracked by a .dvc file, but neither the workspace nor .dvc/cache has what it records.
    for (const path of pendingData) data.push({ path, state: (await hasher.hash(path)) ? 'modified' : 'missing' });
  }
  hasher.saveState();
  cache.save();
  const changed = new Set<string>();
  const stages = statuses.map((s) => {
    const reasons: Reason[] = [...s.reasons.filter((r) => r.kind !== 'always-changed')];
    for (const up of dag.upstream.get(s.stage.name) ?? []) {
      if (changed.has(up)) reasons.push({ kind: 'upstream-changed', stage: up });
    }
    let state: StageState = reasons.length ? 'changed' : 'up-to-date';
    if (s.stage.alwaysChanged) state = 'always-changed';
    if (s.stage.frozen) state = 'frozen';
    if (state === 'changed' || state === 'always-changed') changed.add(s.stage.name);
    return { stage: s.stage.name, state, reasons };
  });
  return { stages, data, warnings: [...unread, ...(await ignoredOutWarnings(root, pipeline))] };
}
