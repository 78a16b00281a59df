/**
 * @module What GET /model says about the served model: name, version, registry stage, commit,
 * the artifact's hash in data.lock, the training params, the metrics at that commit, the backend
 * and engine, when it was loaded, and the decision threshold. What is not known (a plain
 * directory has no commit or registry entry) is null, never guessed.
 */
import type { ServedModel } from './resolve-model.js';
import type { Scorer } from './scorer.js';

export interface ModelInfo {
  readonly name: string;
  readonly version: string | null;
  readonly stage: string | null;
  readonly commit: string | null;
  readonly hash: string | null;
  readonly source: ServedModel['source'];
  readonly path: string;
  /** Training params: the producing stage's params in data.lock, else metadata.json's. */
  readonly params: Readonly<Record<string, unknown>> | null;
  /** Metrics files of the pipeline at the commit (the workspace's for a workspace model), file → value. */
  readonly metrics: Readonly<Record<string, unknown>> | null;
  readonly backend: string;
  readonly engine: string;
  readonly features: readonly string[];
  readonly threshold: number;
  readonly loaded_at: string;
}

/** The threshold a label is decided with: --threshold, else `threshold` in metadata.json or in a metrics file, else 0.5. */
export function decisionThreshold(explicit: number | undefined, metadata: Readonly<Record<string, unknown>>, metrics: ModelInfo['metrics']): number {
  if (explicit !== undefined) return explicit;
  const fromMetadata = metadata.threshold;
  if (typeof fromMetadata === 'number' && fromMetadata >= 0 && fromMetadata <= 1) return fromMetadata;
  for (const value of Object.values(metrics ?? {})) {
    const t = (value as { threshold?: unknown } | null)?.threshold;
    if (typeof t === 'number' && t >= 0 && t <= 1) return t;
  }
  return 0.5;
}

/** Params and metrics at the model's commit (or the workspace), read the way `pipe metrics show` reads them. */
export async function provenance(model: ServedModel): Promise<{ params: ModelInfo['params']; metrics: ModelInfo['metrics'] }> {
  if (model.provenance) return model.provenance;
  // Files that are not data.lock's: its params and the pipeline's metrics would describe another model.
  if (!model.root || !model.path || model.modified) return { params: null, metrics: null };
  const { pipelineAt, readStructuredFile, readLock, readLockAtRevision, WORKSPACE } = await import('../runner/index.js');
  const rev = model.commit && model.source !== 'workspace' ? { name: model.commit, commit: model.commit } : { name: WORKSPACE };
  const lock = rev.commit ? await readLockAtRevision(model.root, rev.commit) : await readLock({ root: model.root });
  const producer = Object.values(lock.stages).find((s) => s.outs.some((o) => o.path === model.path));
  const params = producer ? Object.assign({}, ...Object.values(producer.params)) as Record<string, unknown> : null;
  const pipeline = await pipelineAt(model.root, rev);
  if (pipeline.state !== 'found') return { params, metrics: null };
  const metrics: Record<string, unknown> = {};
  for (const file of pipeline.declared.metrics) {
    const read = await readStructuredFile(model.root, rev, file);
    if (read.state === 'found') metrics[file] = read.value;
  }
  return { params, metrics };
}

export async function modelInfo(model: ServedModel, scorer: Scorer, { threshold, loadedAt }: { threshold?: number; loadedAt: Date }): Promise<ModelInfo> {
  const { metadata } = scorer.pkg;
  const { params, metrics } = await provenance(model);
  const name = model.source === 'directory' && typeof metadata.model === 'string' ? metadata.model : model.name;
  return {
    name,
    version: model.version ?? null,
    stage: model.stage ?? null,
    commit: model.commit ?? null,
    hash: model.hash ?? null,
    source: model.source,
    path: model.dir,
    params: params ?? ((metadata.params as Record<string, unknown> | undefined) ?? null),
    metrics,
    backend: scorer.pkg.backend,
    engine: scorer.engine,
    features: Object.keys(scorer.pkg.featureSchema.properties),
    threshold: decisionThreshold(threshold, metadata, metrics),
    loaded_at: loadedAt.toISOString(),
  };
}
