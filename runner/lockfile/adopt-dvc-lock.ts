/**
 * @module A DVC project's recorded state taken over by pipe: each stage dvc.lock knows and
 * data.lock does not becomes a data.lock entry. A path whose workspace content has the md5
 * dvc.lock recorded gets pipe's own hash (so the stage is up to date and nothing is recomputed);
 * one that differs keeps a hash that matches nothing, so the stage reads as modified and runs.
 */
import { join } from 'node:path';
import { dvcMd5 } from '../hash/dvc-md5.js';
import type { PathHasher } from '../hash/hash-path.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { readDvcLock, type DvcLockedPath } from './dvc-lock.js';
import type { Lock, LockedPath, StageLock } from './lock.js';

export interface Adopted {
  readonly lock: Lock;
  /** Stages whose entry came from dvc.lock in this run (data.lock should be written to keep them). */
  readonly adopted: readonly string[];
}

/** `lock` with entries from dvc.lock for the stages of a dvc.yaml pipeline it lacks; unchanged for pipeline.yaml. */
export async function adoptDvcLock({ pipeline, lock, hasher, cache }: { pipeline: Pipeline; lock: Lock; hasher: PathHasher; cache?: ParsedCache }): Promise<Adopted> {
  const missing = pipeline.stages.filter((s) => !lock.stages[s.name]);
  if (pipeline.file !== 'dvc.yaml' || missing.length === 0) return { lock, adopted: [] };
  const wdirs = new Map(pipeline.stages.map((s) => [s.name, s.wdir]));
  const dvc = await readDvcLock({ root: pipeline.root, ...(cache ? { cache } : {}), wdirOf: (n) => wdirs.get(n) });
  const stages: Record<string, StageLock> = { ...lock.stages };
  const adopted: string[] = [];
  const translate = async (e: DvcLockedPath): Promise<LockedPath> => {
    const md5 = await dvcMd5(join(pipeline.root, e.path), e.kind);
    const now = md5 === e.md5 ? await hasher.hash(e.path) : undefined;
    // Not what DVC recorded (or gone): a hash no content has, so the stage reads as changed.
    if (!now) return { path: e.path, hash: `md5:${e.md5}`, size: 0 };
    return { path: e.path, hash: now.hash, size: now.size, ...(now.nfiles !== undefined ? { nfiles: now.nfiles } : {}) };
  };
  for (const stage of missing) {
    const d = dvc.get(stage.name);
    if (!d) continue;
    stages[stage.name] = {
      cmd: Array.isArray(d.cmd) && d.cmd.length === 1 ? (d.cmd[0] as string) : d.cmd,
      wdir: stage.wdir,
      env: stage.env,
      deps: await Promise.all(d.deps.map(translate)),
      params: d.params,
      outs: await Promise.all(d.outs.map(translate)),
    };
    adopted.push(stage.name);
  }
  return { lock: { ...lock, stages }, adopted };
}
