/** @module Gathers what a report shows: both revisions, the gate, metrics and params diffs, validation results, the last run, the plots. */
import { existsSync } from 'node:fs';
import {
  ParsedCache,
  WORKSPACE,
  currentBranch,
  diffTrackedFiles,
  loadPipeline,
  lockDigest,
  pipeDir,
  readRegistry,
  readRunRecord,
  readStructuredFile,
  resolveRevision,
  type Pipeline,
  type Revision,
  type RunRecord,
  type TrackedDiff,
} from '../../runner/index.js';
import { runGate, defaultBase, type GateResult } from '../gate/run-gate.js';
import { validationSummary, type ValidationSummary } from './validation-summary.js';

export interface ReportData {
  readonly pipeline: Pipeline;
  readonly base: Revision;
  /** The workspace; `commit` and `branch` say what it was checked out from. */
  readonly head: Revision;
  readonly headCommit: string | undefined;
  readonly branch: string | undefined;
  readonly gate: GateResult;
  /** Every metric (unchanged ones too). */
  readonly metrics: TrackedDiff;
  /** Changed params only. */
  readonly params: TrackedDiff;
  readonly validation: readonly { readonly head?: ValidationSummary; readonly base?: ValidationSummary; readonly path: string }[];
  /** The last `pipe repro` in this workspace, and whether data.lock is still what it left. */
  readonly run: { readonly record: RunRecord; readonly current: boolean } | undefined;
  readonly problems: readonly string[];
  /** Per artifact the pipeline declares: the version holding the last registry stage (prod) now, if any. */
  readonly released: readonly Released[];
}

export interface Released {
  readonly artifact: string;
  /** The last of registry.stages, else `prod`. */
  readonly stage: string;
  readonly holder?: { readonly version: string; readonly commit: string; readonly since: number };
}

export interface CollectOptions {
  readonly root: string;
  readonly base?: string;
  readonly target?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function collectReport({ root, base, target, env = process.env }: CollectOptions): Promise<ReportData> {
  const tmp = pipeDir(root).tmp;
  const pipeline = await loadPipeline({ root, cache: new ParsedCache(existsSync(tmp) ? tmp : undefined) });
  const baseName = base ?? (await defaultBase(root, env));
  const [metrics, params, head] = await Promise.all([
    diffTrackedFiles({ root, kind: 'metrics', a: baseName, b: WORKSPACE, all: true }),
    diffTrackedFiles({ root, kind: 'params', a: baseName, b: WORKSPACE }),
    resolveRevision(root, 'HEAD').catch(() => undefined),
  ]);
  const gate = await runGate({ root, base: baseName, target, env, pipeline, metrics });
  const validation = await Promise.all(
    metrics.files.map(async (f) => {
      const [h, b] = await Promise.all([readStructuredFile(root, metrics.b, f.path), readStructuredFile(root, metrics.a, f.path)]);
      return {
        path: f.path,
        head: h.state === 'found' ? validationSummary(f.path, h.value) : undefined,
        base: b.state === 'found' ? validationSummary(f.path, b.value) : undefined,
      };
    }),
  );
  const record = readRunRecord(root);
  const released = pipeline.artifacts.length ? await releasedVersions(root, pipeline) : [];
  return {
    pipeline,
    base: metrics.a,
    head: metrics.b,
    headCommit: head?.commit,
    branch: env.GITHUB_HEAD_REF || (await currentBranch(root)),
    gate,
    metrics,
    params,
    validation: validation.filter((v) => v.head || v.base),
    run: record ? { record, current: record.lock === lockDigest(root) } : undefined,
    problems: [...new Set([...metrics.problems, ...params.problems])],
    released,
  };
}

/** What the registry says is in production (the last stage of registry.stages, else prod) for each declared artifact. */
async function releasedVersions(root: string, pipeline: Pipeline): Promise<Released[]> {
  const registry = await readRegistry(root);
  const stage = pipeline.registryStages.at(-1) ?? 'prod';
  return pipeline.artifacts.map((a) => {
    const h = registry.get(a.name)?.stages.get(stage)?.[0];
    return { artifact: a.name, stage, ...(h ? { holder: { version: h.version, commit: h.commit, since: h.since } } : {}) };
  });
}
