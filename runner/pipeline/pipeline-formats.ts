/** @module The pipeline file formats pipe reads, in the order a directory is searched for them. */
import type { FormatEntry } from './pipeline-format.js';

export const PIPELINE_FORMATS: readonly FormatEntry[] = [
  { file: 'pipeline.yaml', format: async () => (await import('./pipeline-yaml.js')).pipelineYaml },
  // A DVC project runs as it is; its recorded state is dvc.lock until pipe writes data.lock.
  { file: 'dvc.yaml', format: async () => (await import('./pipeline-yaml.js')).dvcYaml },
];

/** The names of the files that make a directory a pipeline's root. */
export const PIPELINE_FILES: readonly string[] = PIPELINE_FORMATS.map((f) => f.file);
