/** @module What push, fetch and status --remote act on: the cached paths of data.lock, or those of the named stages and paths. */
import { ObjectStore } from '../../cache/object-store.js';
import { hasObjects } from '../../cache/stored-check.js';
import type { Config } from '../../config/load-config.js';
import type { Lock } from '../../lockfile/lock.js';
import { readLock } from '../../lockfile/read-lock.js';
import type { Pipeline, RepoPath } from '../../pipeline/pipeline.js';
import { isWithin, toRepoPath } from '../../fs/repo-path.js';
import { cachedPaths, relativeTo } from '../checkout.js';
import { loadInputs } from '../load-inputs.js';
import { unknownTarget } from '../../dag/unknown-stage.js';

export interface RemoteTargets {
  /** Locked path → hash. */
  readonly roots: ReadonlyMap<RepoPath, string>;
  /** Stages whose run-cache entries travel along. */
  readonly stages: ReadonlySet<string>;
  /** Targeted outs with `push: false`: kept in the local cache only, never sent or fetched. */
  readonly localOnly: readonly RepoPath[];
  /** The same outs with their locked hashes. */
  readonly localOnlyHashes: ReadonlyMap<RepoPath, string>;
}

export interface TransferInputs extends RemoteTargets {
  readonly pipeline: Pipeline;
  readonly config: Config;
  readonly lock: Lock;
  readonly store: ObjectStore;
  /** The cache directory (`.pipe/cache`). */
  readonly cacheDir: string;
}

/** What push and status --remote start from: the pipeline, config and data.lock, the targets among them, the local store. */
export async function transferInputs(o: { root: string; cwd?: string; targets?: readonly string[] }): Promise<TransferInputs> {
  const { dir, parsed, pipeline, config } = await loadInputs(o.root, { pipelineOptional: true });
  const lock = await readLock({ root: o.root, cache: parsed });
  parsed.save();
  return { ...remoteTargets(pipeline, lock, o), pipeline, config, lock, store: new ObjectStore(dir.cache), cacheDir: dir.cache };
}

/** TARGETs are stage names or paths (relative to `cwd`); none means every cached path and every stage. */
export function remoteTargets(pipeline: Pipeline, lock: Lock, o: { root: string; cwd?: string; targets?: readonly string[] }): RemoteTargets {
  const { roots, stages } = targetedPaths(pipeline, lock, o);
  // `push: false` outs stay local, and so do their stages' run-cache entries (they name those outs).
  const localOnly = pipeline.stages.flatMap((s) => s.outs.filter((x) => x.push === false && roots.has(x.path)).map((x) => ({ stage: s.name, path: x.path })));
  const localOnlyHashes = new Map<RepoPath, string>();
  for (const { stage, path } of localOnly) {
    localOnlyHashes.set(path, roots.get(path) as string);
    roots.delete(path);
    stages.delete(stage);
  }
  return { roots, stages, localOnly: localOnly.map((x) => x.path), localOnlyHashes };
}

/**
 * The `push: false` outs whose objects the local cache lacks (a fresh clone): not on the remote
 * by design, so fetch and pull skip them without calling them missing; `pipe repro` makes them.
 */
export function absentByDesign(store: ObjectStore, localOnlyHashes: ReadonlyMap<RepoPath, string>): RepoPath[] {
  return [...localOnlyHashes].filter(([, hash]) => !hasObjects(store, hash)).map(([path]) => path);
}

function targetedPaths(pipeline: Pipeline, lock: Lock, { root, cwd = root, targets = [] }: { root: string; cwd?: string; targets?: readonly string[] }): { roots: Map<RepoPath, string>; stages: Set<string> } {
  const all = cachedPaths(pipeline, lock);
  if (targets.length === 0) return { roots: all, stages: new Set(Object.keys(lock.stages)) };
  const roots = new Map<RepoPath, string>();
  const stages = new Set<string>();
  for (const t of targets) {
    const stage = pipeline.stages.find((s) => s.name === t);
    if (stage) {
      stages.add(stage.name);
      for (const o of stage.outs) {
        const h = all.get(o.path);
        if (h) roots.set(o.path, h);
      }
      continue;
    }
    const rel = toRepoPath(relativeTo(root, cwd, t));
    const hits = rel.ok ? [...all].filter(([p]) => isWithin(p, rel.path) || isWithin(rel.path, p)) : [];
    if (!rel.ok || hits.length === 0) {
      throw unknownTarget(
        t,
        pipeline.stages.map((s) => s.name),
        all.keys(),
      );
    }
    for (const [p, h] of hits) {
      roots.set(p, h);
      for (const s of pipeline.stages) if (s.outs.some((o) => o.path === p)) stages.add(s.name);
    }
  }
  return { roots, stages };
}
