/** @module Loads the workspace's pipeline, whichever format its root holds, into a validated, normalised Pipeline. */
import { PipeError, formatIssues, type SpecIssue } from '../errors.js';
import { ParsedCache } from '../yaml/parsed-cache.js';
import type { Pipeline } from './pipeline.js';
import { PIPELINE_FILES, PIPELINE_FORMATS } from './pipeline-formats.js';
import type { FormatEntry } from './pipeline-format.js';

export interface LoadOptions {
  readonly root: string;
  /** Remembers parsed files between runs (.pipe/tmp/parsed.json); none by default. */
  readonly cache?: ParsedCache;
}

export async function loadPipeline({ root, cache = new ParsedCache(undefined) }: LoadOptions): Promise<Pipeline> {
  // pipeline.yaml wins over dvc.yaml (every dvc.yaml, in any directory): a DVC project mid-migration (after `pipe import dvc`) keeps
  // its dvc.yaml for DVC while pipe runs the pipeline.yaml written from it; revisions read the same way.
  const found = pipelineFiles(root, cache);
  if (!found) {
    throw new PipeError('NO_PIPELINE', `no ${PIPELINE_FILES.join(' or ')} in ${root}; create one with 'pipe init' (see docs/pipeline-yaml.md)`, { cwd: root });
  }
  const { entry, files } = found;
  const format = await entry.format();
  const first = await format.load({ root, files, cache, fresh: false });
  if ('pipeline' in first) return first.pipeline;
  // Problems found in values that came from the cache: parse again to say where they are.
  const second = first.fromCache ? await format.load({ root, files, cache, fresh: true }) : first;
  if ('pipeline' in second) return second.pipeline;
  throw specInvalid(second.issues);
}

/**
 * The pipeline, or one of no stages when the root has no pipeline file: data tracked with
 * `pipe add` before any stage exists (as DVC allows) can be pushed, pulled, checked out and shown.
 */
export async function loadPipelineOrNone({ root, cache = new ParsedCache(undefined) }: LoadOptions): Promise<Pipeline> {
  if (pipelineFiles(root, cache)) return loadPipeline({ root, cache });
  return { root, file: PIPELINE_FILES[0] ?? 'pipeline.yaml', stages: [], gates: [], artifacts: [], registryStages: [], params: new Map() };
}

/** The first format (in PIPELINE_FORMATS order) the workspace has files of, and those files. */
export function pipelineFiles(root: string, cache: ParsedCache): { entry: FormatEntry; files: string[] } | undefined {
  for (const entry of PIPELINE_FORMATS) {
    const files = entry.find(root, cache);
    if (files.length) return { entry, files };
  }
  return undefined;
}

function specInvalid(issues: SpecIssue[]): PipeError<'SPEC_INVALID'> {
  const n = issues.length;
  return new PipeError('SPEC_INVALID', `${n} problem${n === 1 ? '' : 's'} in the pipeline:\n${formatIssues(issues)}`, { issues });
}
