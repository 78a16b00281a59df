/**
 * @module A DVC project's recorded state taken over by pipe: each stage dvc.lock knows and
 * data.lock does not becomes a data.lock entry, and so does each path a `.dvc` file tracks. A
 * path whose workspace content has the md5 DVC recorded gets pipe's own hash (so the stage is up
 * to date and nothing is recomputed); else, with a carrier, the object from `.dvc/cache`; else
 * a hash that matches nothing, so the stage reads as modified and runs.
 */
import { posix } from 'node:path';
import type { PathHasher } from '../hash/hash-path.js';
import { DVC_YAML } from '../pipeline/find-dvc-yaml.js';
import type { Pipeline, RepoPath } from '../pipeline/pipeline.js';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import type { DvcCacheCarrier } from './dvc-cache.js';
import { readDvcFiles } from './dvc-files.js';
import { DVC_LOCK_FILE, readDvcLock, type DvcStageLock } from './dvc-lock.js';
import type { DataLock, Lock, LockedPath, StageLock } from './lock.js';
import { takeOverDvcPath, type DvcRecorded } from './take-over-dvc-path.js';

export interface Adopted {
  readonly lock: Lock;
  /** Stages whose entry came from dvc.lock in this run (data.lock should be written to keep them). */
  readonly adopted: readonly string[];
  /** Paths of `.dvc` files taken over in this run, under `data:`. */
  readonly adoptedData: readonly RepoPath[];
  /**
   * Paths of `.dvc` files whose content is neither in the workspace nor in `.dvc/cache` (a clone
   * whose data is on a DVC remote): not in `lock`, so nothing records a hash for them until
   * `dvc pull` or `dvc checkout` brings the data, and they are read again next time.
   */
  readonly pendingData: readonly RepoPath[];
  /** Every path the `.dvc` files track, taken over now or before. */
  readonly trackedData: readonly RepoPath[];
}

export interface AdoptOptions {
  readonly pipeline: Pipeline;
  readonly lock: Lock;
  readonly hasher: PathHasher;
  readonly cache?: ParsedCache;
  /** Carries objects from `.dvc/cache` into pipe's store for what the workspace lacks (none: nothing is stored). */
  readonly carrier?: DvcCacheCarrier;
  /** With a carrier: carry every object DVC's cache has, not only what the workspace lacks (`pipe import dvc`). */
  readonly carryAll?: boolean;
}

/** `lock` with entries from dvc.lock (for a dvc.yaml pipeline: each dvc.yaml's own) and from `.dvc` files that it lacks. */
export async function adoptDvcLock({ pipeline, lock, hasher, cache, carrier, carryAll }: AdoptOptions): Promise<Adopted> {
  const root = pipeline.root;
  const md5s = new Map<string, Promise<string | undefined>>();
  const translate = async (e: DvcRecorded): Promise<LockedPath> => (await takeOverDvcPath({ root, entry: e, hasher, carrier, carryAll, md5s })).locked;
  const stages: Record<string, StageLock> = { ...lock.stages };
  const adopted: string[] = [];
  const missing = pipeline.stages.filter((s) => !lock.stages[s.name]);
  const dvcFiles = (pipeline.files ?? [pipeline.file]).filter((f) => posix.basename(f) === DVC_YAML);
  if (dvcFiles.length > 0 && missing.length > 0) {
    const wdirs = new Map(pipeline.stages.map((s) => [s.name, s.wdir]));
    // Each dvc.yaml's dvc.lock is beside it and names its stages as that file does (`train` for
    // pipe's `sub/dvc.yaml:train`).
    const dvc = new Map<string, DvcStageLock>();
    for (const file of dvcFiles) {
      const dir = posix.dirname(file);
      const nameOf = (n: string) => (dir === '.' ? n : `${file}:${n}`);
      const lockFile = posix.join(dir, DVC_LOCK_FILE);
      for (const [n, d] of await readDvcLock({ root, file: lockFile, ...(cache ? { cache } : {}), wdirOf: (n) => wdirs.get(nameOf(n)) })) dvc.set(nameOf(n), d);
    }
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
  }
  const data: Record<RepoPath, DataLock> = { ...lock.data };
  const adoptedData: RepoPath[] = [];
  const pendingData: RepoPath[] = [];
  const outs = new Set(pipeline.stages.flatMap((s) => s.outs.map((o) => o.path)));
  const trackedData: RepoPath[] = [];
  for (const tracked of await readDvcFiles({ root, ...(cache ? { cache } : {}), skip: outs })) {
    trackedData.push(tracked.path);
    if (data[tracked.path]) continue;
    const taken = await takeOverDvcPath({ root, entry: tracked, hasher, carrier, carryAll, md5s });
    if (taken.from === 'nowhere') {
      pendingData.push(tracked.path);
      continue;
    }
    const { hash, size, nfiles } = taken.locked;
    data[tracked.path] = nfiles === undefined ? { hash, size } : { hash, size, nfiles };
    adoptedData.push(tracked.path);
  }
  if (!adopted.length && !adoptedData.length) return { lock, adopted, adoptedData, pendingData, trackedData };
  return { lock: { ...lock, stages, data }, adopted, adoptedData, pendingData, trackedData };
}
