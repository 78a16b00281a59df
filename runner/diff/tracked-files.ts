/** @module Which params and metrics files a pipeline.yaml refers to, read leniently so an old or broken revision still diffs. */
import { DEFAULT_PARAMS_FILE } from '../config/load-pipeline.js';
import type { RepoPath } from '../pipeline/pipeline.js';
import { toRepoPath } from '../pipeline/repo-path.js';

export interface TrackedFiles {
  /** Params files the stages read keys from (`params.yaml` of the stage's wdir for plain keys), in order of first use. */
  readonly params: readonly RepoPath[];
  /** Every `metrics:` entry of every stage, in declaration order. */
  readonly metrics: readonly RepoPath[];
}

/**
 * The files named by a parsed pipeline.yaml. A revision's pipeline is not validated (it may
 * predate today's schema): entries that cannot be read as paths are skipped, with the same path
 * rules as loadPipeline (wdir, normalisation, no escapes).
 */
export function trackedFiles(pipeline: unknown): TrackedFiles {
  const params = new Set<RepoPath>();
  const metrics = new Set<RepoPath>();
  const stages = isRecord(pipeline) && isRecord(pipeline.stages) ? Object.values(pipeline.stages) : [];
  for (const stage of stages) {
    if (!isRecord(stage)) continue;
    const wdirPath = typeof stage.wdir === 'string' ? toRepoPath(stage.wdir) : undefined;
    const wdir = wdirPath?.ok ? wdirPath.path : '.';
    const add = (set: Set<RepoPath>, p: string) => {
      const r = toRepoPath(p, wdir);
      if (r.ok) set.add(r.path);
    };
    for (const entry of Array.isArray(stage.params) ? stage.params : []) {
      if (typeof entry === 'string') add(params, DEFAULT_PARAMS_FILE);
      else if (isRecord(entry)) for (const file of Object.keys(entry)) add(params, file);
    }
    for (const entry of Array.isArray(stage.metrics) ? stage.metrics : []) {
      if (typeof entry === 'string') add(metrics, entry);
      else if (isRecord(entry)) for (const file of Object.keys(entry).slice(0, 1)) add(metrics, file);
    }
  }
  return { params: [...params], metrics: [...metrics] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
