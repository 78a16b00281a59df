/** @module What most operations read first: .pipe/ (made on first use), the pipeline and the config, through one parsed-file cache. */
import { loadConfig, type Config } from '../config/load-config.js';
import { loadPipeline, loadPipelineOrNone } from '../pipeline/load-pipeline.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { ensurePipeDir, type PipeDir } from '../repo/pipe-dir.js';
import { ParsedCache } from '../yaml/parsed-cache.js';

export interface Inputs {
  readonly dir: PipeDir;
  /** Also for data.lock, read later (under the repository mutex when the operation writes). */
  readonly parsed: ParsedCache;
  readonly pipeline: Pipeline;
  readonly config: Config;
}

/** Input errors (a bad pipeline or config) come out here, before any waiting or work; `pipelineOptional`: no pipeline file is a pipeline of no stages. */
export async function loadInputs(root: string, { pipelineOptional = false }: { pipelineOptional?: boolean } = {}): Promise<Inputs> {
  const dir = ensurePipeDir(root);
  const parsed = new ParsedCache(dir.tmp);
  const pipeline = await (pipelineOptional ? loadPipelineOrNone : loadPipeline)({ root, cache: parsed });
  const config = await loadConfig({ root, cache: parsed });
  return { dir, parsed, pipeline, config };
}
