/** @module The pipeline file formats pipe reads, in the order a workspace is searched for them. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FormatEntry } from './pipeline-format.js';
import { findDvcYamls } from './find-dvc-yaml.js';

export const PIPELINE_FORMATS: readonly FormatEntry[] = [
  {
    file: 'pipeline.yaml',
    find: (root) => (existsSync(join(root, 'pipeline.yaml')) ? ['pipeline.yaml'] : []),
    format: async () => (await import('./pipeline-yaml.js')).pipelineYaml,
  },
  // A DVC project runs as it is (every dvc.yaml of it, as DVC collects them); its recorded state
  // is dvc.lock (each beside its dvc.yaml) until pipe writes data.lock.
  { file: 'dvc.yaml', find: findDvcYamls, format: async () => (await import('./pipeline-yaml.js')).dvcYaml },
];

/** The names of the files that make a directory a pipeline's root. */
export const PIPELINE_FILES: readonly string[] = PIPELINE_FORMATS.map((f) => f.file);
