/**
 * @module The warning for dvc.yaml files below the root that pipe does not read: a DVC project
 * whose root has a pipeline.yaml runs that file alone, so a sub-project's dvc.yaml that
 * `pipe import dvc` did not carry into it (no stage of pipeline.yaml is addressed to it) is named,
 * once per run, rather than silently ignored.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedCache } from '../yaml/parsed-cache.js';
import { DVC_YAML, findDvcYamls } from './find-dvc-yaml.js';
import type { Pipeline } from './pipeline.js';

/** The warning line (without `warning: `), or none; only a DVC project (a root holding `.dvc/`) is searched. */
export function unreadDvcYamls(pipeline: Pipeline, cache: ParsedCache): string[] {
  if (pipeline.file !== 'pipeline.yaml' || !existsSync(join(pipeline.root, '.dvc'))) return [];
  const unread = findDvcYamls(pipeline.root, cache).filter((f) => f !== DVC_YAML && !pipeline.stages.some((s) => s.name.startsWith(`${f}:`)));
  if (unread.length === 0) return [];
  const one = unread.length === 1;
  return [
    `${unread.join(', ')} ${one ? 'is' : 'are'} not read: pipeline.yaml is the pipeline, and ${one ? 'it holds' : 'they hold'} stages pipeline.yaml does not have; run 'pipe import dvc' to carry ${one ? 'it' : 'them'} in, or move pipeline.yaml away to run the dvc.yaml files`,
  ];
}
